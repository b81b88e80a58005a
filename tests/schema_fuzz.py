"""Requests generated from the API's OpenAPI schema, operation by operation: no server
error, and every answer fits the schema."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks


def schema_failures(operations: list[Any], examples: int, **call: Any) -> list[str]:
    """`examples` generated requests to each operation, sent with `call` (base URL,
    headers); what failed, one entry per operation."""
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case) -> None:
            # Schema-valid data may still be refused by the domain (an unreadable phone
            # number is a string to the schema): a clear 4xx is right there, not a failure.
            case.call_and_validate(**call, excluded_checks=[checks.positive_data_acceptance])

        try:
            check()
        except BaseException as exc:  # noqa: B036 - a FailureGroup is a BaseExceptionGroup
            failures.append(f"{operation.label}: {exc}")
    return failures
