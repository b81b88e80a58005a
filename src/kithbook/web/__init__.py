"""The web face: a JSON API under /api/v1 and server-rendered pages."""

from kithbook.web.app import create_app

__all__ = ["create_app"]
