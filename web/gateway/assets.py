"""The built browser app: files from ``web/app/dist`` and ``index.html`` for every route of the app.

Hashed files under ``/assets/`` are cached for a year; ``index.html``, the service worker and the manifest
are revalidated on every load, so a new build reaches a tablet the next time it is online (the service
worker then swaps its cache). Every answer carries a Content Security Policy that allows nothing from
another origin: the app uses no CDN, no inline script and talks to nothing but this gateway.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, abort, send_from_directory

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "media-src 'self' blob: mediastream:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
       "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'")
NOT_BUILT = """<!doctype html><html lang="en"><meta charset="utf-8"><title>VaxTrail</title>
<h1>The web app is not built</h1><p>Run <code>make setup</code> (it runs <code>npm ci</code> and the build in
<code>web/app</code>), then reload.</p></html>"""
REVALIDATE = {"index.html", "sw.js", "manifest.webmanifest"}


def assets_blueprint(dist: Path) -> Blueprint:
    bp = Blueprint("gateway_assets", __name__)

    @bp.get("/")
    @bp.get("/<path:path>")
    def serve(path: str = "") -> Response:
        if path.startswith(("api/", "auth/")):
            abort(404)
        candidate = (dist / path) if path else None
        if candidate is not None and _inside(dist, candidate) and candidate.is_file():
            response = send_from_directory(dist, path, max_age=None)
            response.headers["Cache-Control"] = ("no-cache" if candidate.name in REVALIDATE
                                                 else "public, max-age=31536000, immutable")
            return response
        if "." in path.rsplit("/", 1)[-1]:
            abort(404)  # a missing file, not a route of the app
        index = dist / "index.html"
        if not index.is_file():
            return Response(NOT_BUILT, status=503, mimetype="text/html")
        response = send_from_directory(dist, "index.html", max_age=None)
        response.headers["Cache-Control"] = "no-cache"
        return response

    return bp


def install_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
        return response


def _inside(root: Path, candidate: Path) -> bool:
    try:
        candidate.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True
