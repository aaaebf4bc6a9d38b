"""Registration composition root: builds everything from settings, once per process."""

from __future__ import annotations

from pathlib import Path

from eventkit.codec import ProtoCodec
from eventkit.service import ServiceRuntime, web_app, worker_components
from eventkit.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"


def runtime(settings: Settings) -> ServiceRuntime:
    return ServiceRuntime.build(settings, ProtoCodec(), MIGRATIONS)


def create_app(settings: Settings):
    return web_app(runtime(settings), blueprints=[])


def components(settings: Settings):
    return worker_components(runtime(settings), projections=[])
