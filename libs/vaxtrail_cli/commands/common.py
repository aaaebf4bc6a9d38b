"""Helpers shared by the subcommands: the state folder, ``stack.env`` loading, required variables."""

from __future__ import annotations

import os

from vaxtrail_cli import statefile
from vaxtrail_cli.paths import StackPaths


class CommandError(RuntimeError):
    """A user-facing failure: printed without a traceback, exit code 1."""


def stack_paths() -> StackPaths:
    return StackPaths.from_env()


def load_stack_env(paths: StackPaths) -> dict[str, str]:
    """Fill unset variables from ``<state>/stack.env``; returns the variables that were added."""
    return statefile.load_into_environ(paths.stack_env)


def require_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise CommandError(f"{name} is not set: run `vaxtrail stack up` first (it writes stack.env) "
                           f"or export {name}")
    return value


def ready_local_stack():
    """The running local stack (:func:`vaxtrail_cli.campaign.target.local_stack`) with every service ready;
    a :class:`CommandError` saying what is missing otherwise (``vaxtrail demo`` and ``vaxtrail load``)."""
    from vaxtrail_cli.campaign import target

    try:
        stack = target.local_stack()
    except LookupError as exc:
        raise CommandError(str(exc)) from exc
    if down := target.unhealthy(stack):
        raise CommandError(f"not ready: {', '.join(down)} (is the stack up? `make up`)")
    return stack
