"""``<state>/stack.env``: the variables ``vaxtrail stack up`` hands to services, shells and later CLI calls.

The file is shell-sourceable (``set -a; . .vaxtrail/stack.env; set +a``): one ``NAME=value`` per line,
values quoted with :func:`shlex.quote`.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shlex
from collections.abc import Iterator, Mapping, MutableMapping
from pathlib import Path

STACK_ENV_KEYS = (
    "DATABASE_URL",
    "KAFKA_BOOTSTRAP",
    "JWT_PUBLIC_KEY_FILE",
    "JWT_PRIVATE_KEY_FILE",
    "VAXTRAIL_ENV",
    "VAXTRAIL_STATE_DIR",
    "KAFKA_SECURITY_PROTOCOL",
    "KAFKA_SASL_MECHANISM",
    "KAFKA_SASL_USERNAME",
    "KAFKA_SASL_PASSWORD",
)


def write_env_file(path: Path, values: Mapping[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# Written by `vaxtrail stack up`; source with: set -a; . <this file>; set +a"]
    lines += [f"{key}={shlex.quote(str(value))}" for key, value in values.items()]
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it may hold the broker admin's password
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    tmp.chmod(0o600)
    tmp.replace(path)


def read_env_file(path: Path) -> dict[str, str]:
    """The variables in ``path`` (empty when the file does not exist)."""
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, rest = line.partition("=")
        key = key.removeprefix("export ").strip()
        parts = shlex.split(rest)
        values[key] = parts[0] if parts else ""
    return values


def load_into_environ(path: Path, environ: MutableMapping[str, str] | None = None) -> dict[str, str]:
    """Copy the file's variables into ``environ`` (default ``os.environ``) where not already set.

    Returns the variables that were set.
    """
    env = os.environ if environ is None else environ
    added: dict[str, str] = {}
    for key, value in read_env_file(path).items():
        if not env.get(key):
            env[key] = value
            added[key] = value
    return added


@contextlib.contextmanager
def state_lock(state: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``<state>/.lock``: two ``vaxtrail up``/``down`` never interleave."""
    state.mkdir(parents=True, exist_ok=True)
    with open(state / ".lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another vaxtrail command using {state} ...")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
