"""Where each service's checked-in OpenAPI document lives and how it is rendered (stable JSON)."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any


def current_document(service: str) -> dict[str, Any]:
    return importlib.import_module(f"services.{service}.bootstrap").WIRING.openapi(service)


def checked_in_path(service: str) -> Path:
    package = importlib.import_module(f"services.{service}")
    return Path(package.__file__).parent / "openapi.json"


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
