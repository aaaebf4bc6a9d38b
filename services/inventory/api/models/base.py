"""Model bases: ``Strict`` request bodies (unknown fields are a 422) and ``Lazy`` responses / queries.

Both defer building their pydantic schema to first use, so a gunicorn worker boots faster.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

ID_PATTERN = r"^[A-Za-z0-9._:\-]+$"


def Id(description: str = ""):  # noqa: N802 - reads as a type in the models below
    return Field(min_length=1, max_length=64, pattern=ID_PATTERN, description=description)


class Strict(BaseModel):
    # defer_build: schemas are built on first use, not at import, so a gunicorn worker boots faster.
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)


class Lazy(BaseModel):
    model_config = ConfigDict(defer_build=True)
