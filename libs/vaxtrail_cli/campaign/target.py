"""The stack a driver runs against: the services' base URLs and the key their tokens are signed with.

For the local stack (``make up``) that is ``http://127.0.0.1:<port>`` from :data:`eventkit.settings.PORTS`
and the development key pair ``vaxtrail up`` wrote (``JWT_PRIVATE_KEY_FILE`` in ``<state>/stack.env``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from eventkit.settings import PORTS

CAMPAIGN_SERVICES = ("registration", "inventory", "allocation", "immunization", "certificate")


@dataclass(frozen=True)
class Target:
    urls: dict[str, str]
    private_key: bytes


def local_stack(host: str = "127.0.0.1") -> Target:
    """The running local stack; raises ``LookupError`` when it was never brought up."""
    from vaxtrail_cli.commands.common import load_stack_env, stack_paths

    load_stack_env(stack_paths())
    key_file = os.environ.get("JWT_PRIVATE_KEY_FILE")
    if not key_file or not Path(key_file).is_file():
        raise LookupError("no development signing key: run `vaxtrail up` (or `make up`) first")
    return Target({name: f"http://{host}:{PORTS[name]}" for name in (*CAMPAIGN_SERVICES, "audit")},
                  Path(key_file).read_bytes())


def unhealthy(target: Target) -> list[str]:
    """The campaign's services whose ``/readyz`` does not answer 200."""
    from vaxtrail_cli.campaign.client import Api

    api = Api(target.urls, timeout=5)
    down = []
    for name in CAMPAIGN_SERVICES:
        try:
            if api.get(name, "/readyz", {}).status != 200:
                down.append(name)
        except OSError:
            down.append(name)
    api.close()
    return down
