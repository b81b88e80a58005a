"""`python -m kithbook` runs the command line."""

from kithbook.cli.app import run

run()
