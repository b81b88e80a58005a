"""/api/docs: the API's documentation page, from files that ship with the installed package.

Swagger UI's script and style come from the fastapi-offline package (its Swagger UI reads
OpenAPI 3.1) and are served by this app, so the page works offline and under the app's
Content-Security-Policy: no CDN, and no inline script (static/api-docs.js starts it).
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS = "/api/docs"
ASSETS = "/api/docs/assets"
SPEC = "/api/v1/openapi.json"

PAGE = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Kithbook API</title>
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui" data-spec="{SPEC}">
    <noscript>This page needs JavaScript; the API's description is at
      <a href="{SPEC}">{SPEC}</a>.</noscript>
  </div>
  <script src="{ASSETS}/swagger-ui-bundle.js"></script>
  <script src="/static/api-docs.js"></script>
</body>
</html>
"""


def install(app: FastAPI) -> None:
    """Serve the documentation page and its assets (create the app with docs_url=None)."""
    assets = files("fastapi_offline") / "static"
    app.mount(ASSETS, StaticFiles(directory=str(assets)), name="api-docs-assets")

    @app.get(DOCS, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(PAGE)
