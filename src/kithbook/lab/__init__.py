"""Research code: reference models and evaluations that benchmarks and tests use.

Nothing the product runs imports this package, except the `trust-eval` command that
reports on it; `graph/` holds what users' answers are computed with.
"""
