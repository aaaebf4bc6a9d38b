"""Partner command handlers (load -> decide -> append) and the COMMANDS table.

- :func:`grant_partner` - ``POST /v1/partners``: answers the client properties the partner needs (topics,
  principal, consumer-group prefix); a repeated identical grant appends nothing and answers the same;
- :func:`revoke_partner` - ``POST /v1/partners/<partner>/revocation``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from eventkit.aggregates import AggregateSpec, Reply, Transaction
from eventkit.handling import CommandTable
from services.partner.domain import partners

PARTNER = AggregateSpec("partner", partners.Partner, partners.evolve, id_field="partner")


@dataclass(frozen=True)
class Deps:
    clock: Callable[[], datetime]
    topic_of: Callable[[str, str], str]
    """(feed, partner) -> the topic the partner reads that feed from."""


def properties(partner: str, feeds: tuple[str, ...], deps: Deps) -> dict:
    return {"partner": partner, "feeds": list(feeds), "topics": [deps.topic_of(f, partner) for f in feeds],
            "principal": partners.principal(partner), "group_prefix": partners.group_prefix(partner)}


def grant_partner(tx: Transaction, command: partners.GrantPartner, deps: Deps) -> Reply:
    stream = partners.aggregate_id(command.partner)
    state = tx.append(PARTNER, stream, partners.grant(tx.load(PARTNER, stream), command, deps.clock(), deps.topic_of))
    return Reply(stream, properties(command.partner, state.feeds, deps))


def revoke_partner(tx: Transaction, command: partners.RevokePartner, deps: Deps) -> Reply:
    stream = partners.aggregate_id(command.partner)
    tx.append(PARTNER, stream, partners.revoke(tx.load(PARTNER, stream), command, deps.clock()))
    return Reply(stream, {"partner": command.partner, "feeds": []})


COMMANDS: CommandTable = {
    partners.GrantPartner: grant_partner,
    partners.RevokePartner: revoke_partner,
}
