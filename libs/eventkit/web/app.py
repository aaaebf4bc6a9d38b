"""The Flask app factory every service's ``wsgi.py`` calls; there is no module-level app.

:func:`create_app` wires, in order: the request context (request id, access log, metrics), the input
guards (control characters and malformed percent-escapes in the URL are a 400), problem+json error
handlers, ``/healthz`` + ``/readyz``, ``/metrics``, then the service's own blueprints. Views reach what the
composition root built through ``current_app.extensions[name]``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from flask import Blueprint, Flask

from eventkit.auth import AUTHENTICATOR_EXTENSION, Authenticator
from eventkit.settings import Settings
from eventkit.web.context import install_request_context
from eventkit.web.guards import install_input_guards
from eventkit.web.health import health_blueprint
from eventkit.web.metrics_endpoint import metrics_blueprint
from eventkit.web.openapi import openapi_blueprint
from eventkit.web.problems import register_problem_handlers

SETTINGS_EXTENSION = "eventkit.settings"


def create_app(
    settings: Settings,
    *,
    blueprints: Sequence[Blueprint],
    authenticator: Authenticator,
    readiness_checks: Mapping[str, Callable[[], None]],
    extensions: Mapping[str, object] | None = None,
) -> Flask:
    """A Flask app for ``settings.service`` serving ``blueprints`` behind eventkit's shared plumbing.

    ``authenticator`` verifies tokens for :func:`eventkit.auth.requires`; ``readiness_checks`` (name ->
    callable that raises when not ready) back ``/readyz``; ``extensions`` (e.g. the service's handlers or
    read-model queries) are stored in ``app.extensions`` under their names for views to use.
    """
    reserved = {AUTHENTICATOR_EXTENSION, SETTINGS_EXTENSION}
    clashes = reserved & set(extensions or {})
    if clashes:
        raise ValueError(f"extension names reserved by eventkit: {', '.join(sorted(clashes))}")
    # root_path given explicitly: Flask would otherwise try to import the service name to locate it.
    app = Flask(settings.service, root_path=str(Path(__file__).parent), static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes  # larger bodies: 413 problem+json
    app.extensions[AUTHENTICATOR_EXTENSION] = authenticator
    app.extensions[SETTINGS_EXTENSION] = settings
    app.extensions.update(extensions or {})
    install_request_context(app, settings.service)
    install_input_guards(app)  # after the request context: a refusal carries the request id
    register_problem_handlers(app)
    app.register_blueprint(health_blueprint(settings.service, readiness_checks))
    # prometheus-client itself is configured by this variable, so /metrics follows the same source.
    app.register_blueprint(metrics_blueprint(os.environ.get("PROMETHEUS_MULTIPROC_DIR")))
    app.register_blueprint(openapi_blueprint(f"VaxTrail {settings.service} API", settings.version))
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    return app
