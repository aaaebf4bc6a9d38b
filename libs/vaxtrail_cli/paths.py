"""Where the local stack keeps its state, and the stack's default ports.

The state folder is ``$VAXTRAIL_STATE_DIR`` or ``<repo root>/.vaxtrail`` (repo root = nearest ancestor of the
working directory holding ``pyproject.toml``, else the working directory). Layout::

    <state>/
      .lock                   serialises concurrent ``up`` / ``down`` commands
      stack.env               variables for services and shells (DATABASE_URL, KAFKA_BOOTSTRAP, JWT_...)
      cache/kafka-4.4.0/libs  broker jars resolved by Maven ($VAXTRAIL_KAFKA_LIBS overrides)
      kafka/                  server.properties, log4j2.properties, cluster.json, data/ (KRaft log dirs)
      pgdata/                 PostgreSQL data folder
      keys/                   local development JWT key pair
      run/                    pid files (kafka.pid, <svc>-web.pid, <svc>-worker.pid, web-gateway.pid)
      logs/                   kafka.log, postgres.log, <svc>-web.log, <svc>-worker.log, web-gateway.log
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

KAFKA_VERSION = "4.4.0"
DEFAULT_PG_PORT = 15432
DEFAULT_KAFKA_PORT = 19092
DEFAULT_KAFKA_CONTROLLER_PORT = 19093
DEFAULT_WEB_PORT = 8080

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parents[1]
"""The checkout this package was installed from (editable install): holds ``deploy/local/kafka``."""
KAFKA_POM = SOURCE_ROOT / "deploy" / "local" / "kafka" / "pom.xml"
LOG4J2_TEMPLATE = SOURCE_ROOT / "deploy" / "local" / "kafka" / "log4j2.properties"


def repo_root(start: Path | None = None) -> Path:
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "pyproject.toml").is_file():
            return candidate
    return here


def _env_int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name}={raw!r} is not a port number") from exc


@dataclass(frozen=True)
class StackPaths:
    state: Path
    kafka_libs: Path
    pg_port: int = DEFAULT_PG_PORT
    kafka_port: int = DEFAULT_KAFKA_PORT
    kafka_controller_port: int = DEFAULT_KAFKA_CONTROLLER_PORT
    web_port: int = DEFAULT_WEB_PORT

    @property
    def stack_env(self) -> Path:
        return self.state / "stack.env"

    @property
    def kafka_home(self) -> Path:
        return self.state / "kafka"

    @property
    def pgdata(self) -> Path:
        return self.state / "pgdata"

    @property
    def keys(self) -> Path:
        return self.state / "keys"

    @property
    def run(self) -> Path:
        return self.state / "run"

    @property
    def logs(self) -> Path:
        return self.state / "logs"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> StackPaths:
        """Resolve the state folder, jar cache and ports from the environment.

        ``VAXTRAIL_STATE_DIR``, ``VAXTRAIL_KAFKA_LIBS``, ``VAXTRAIL_PG_PORT``, ``VAXTRAIL_KAFKA_PORT``,
        ``VAXTRAIL_KAFKA_CONTROLLER_PORT`` and ``VAXTRAIL_WEB_PORT`` (the web gateway) override the defaults.
        """
        env = os.environ if environ is None else environ
        state_raw = env.get("VAXTRAIL_STATE_DIR")
        state = Path(state_raw).expanduser() if state_raw else repo_root(cwd) / ".vaxtrail"
        state = state.resolve()
        libs_raw = env.get("VAXTRAIL_KAFKA_LIBS")
        libs = Path(libs_raw).expanduser().resolve() if libs_raw else default_kafka_libs(state)
        return cls(
            state=state,
            kafka_libs=libs,
            pg_port=_env_int(env, "VAXTRAIL_PG_PORT", DEFAULT_PG_PORT),
            kafka_port=_env_int(env, "VAXTRAIL_KAFKA_PORT", DEFAULT_KAFKA_PORT),
            kafka_controller_port=_env_int(env, "VAXTRAIL_KAFKA_CONTROLLER_PORT", DEFAULT_KAFKA_CONTROLLER_PORT),
            web_port=_env_int(env, "VAXTRAIL_WEB_PORT", DEFAULT_WEB_PORT),
        )


def default_kafka_libs(state: Path) -> Path:
    return state / "cache" / f"kafka-{KAFKA_VERSION}" / "libs"
