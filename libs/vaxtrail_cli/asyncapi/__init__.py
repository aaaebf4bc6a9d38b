"""VaxTrail's AsyncAPI document (``schemas/asyncapi.json``): where it lives and how it is rendered.

:mod:`.document` builds it from the code, :mod:`.protobuf` turns the ``.proto`` files into its payload
schemas, :mod:`.headers` describes the records' headers. ``vaxtrail asyncapi --write`` refreshes the
checked-in copy; ``make lint`` validates it with the official AsyncAPI parser (tools/asyncapi); a unit test
fails when it is stale. docs/asyncapi.md.
"""

from __future__ import annotations

from pathlib import Path

from vaxtrail_cli.openapi_docs import render
from vaxtrail_cli.paths import SOURCE_ROOT

CHECKED_IN = SOURCE_ROOT / "schemas" / "asyncapi.json"

__all__ = ["CHECKED_IN", "checked_in_path", "current_document", "render"]


def checked_in_path() -> Path:
    return CHECKED_IN


def current_document() -> dict:
    from vaxtrail_cli.asyncapi.document import build_document

    return build_document()
