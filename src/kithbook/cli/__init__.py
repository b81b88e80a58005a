"""The `kithbook` command line: a thin face over the services."""

from kithbook.cli.app import app, main

__all__ = ["app", "main"]
