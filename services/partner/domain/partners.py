"""Partner grants: which partner agency may read which partner feeds, decided and recorded as events.

A partner is one stream (``partner/<name>``). ``grant`` opens feeds (again after a revoke, or with a new list);
``revoke`` closes every feed. Each grant names the Kafka principal the partner authenticates as and the one
consumer-group prefix it may use, so broker-side ACLs can be derived from the events alone (not enforced yet,
docs/partners.md). Topic names are handed in by the caller (``topics_of``): the domain knows feeds, not Kafka.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from eventkit.errors import DomainError

FEEDS = ("DOSES", "STOCK", "AEFI", "REVOCATIONS")
NAME = re.compile(r"[a-z][a-z0-9-]{1,30}[a-z0-9]")
RESERVED = frozenset(f.lower() for f in FEEDS) | {"v1", "dlq"}


@dataclass(frozen=True)
class GrantPartner:
    partner: str
    feeds: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class RevokePartner:
    partner: str
    reason: str


@dataclass(frozen=True)
class PartnerGranted:
    partner: str
    feeds: tuple[str, ...]
    principal: str
    group_prefix: str
    reason: str
    granted_at: datetime
    topics: tuple[str, ...]

    @property
    def occurred_at(self) -> datetime:
        return self.granted_at


@dataclass(frozen=True)
class PartnerRevoked:
    partner: str
    reason: str
    revoked_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.revoked_at


@dataclass(frozen=True)
class Partner:
    feeds: tuple[str, ...] = ()
    active: bool = False


def evolve(state: Partner, event: PartnerGranted | PartnerRevoked) -> Partner:
    if isinstance(event, PartnerGranted):
        return replace(state, feeds=event.feeds, active=True)
    return replace(state, feeds=(), active=False)


def aggregate_id(partner: str) -> str:
    return f"partner/{partner}"


def principal(partner: str) -> str:
    return f"partner-{partner}"


def group_prefix(partner: str) -> str:
    return f"partner.{partner}."


def grant(state: Partner, command: GrantPartner, now: datetime,
          topics_of: Callable[[str, str], str]) -> list[PartnerGranted]:
    """The grant, or nothing when the partner already has exactly these feeds (a repeated ``partner add``)."""
    check_name(command.partner)
    feeds = _feeds(command.feeds)
    if state.active and state.feeds == feeds:
        return []
    return [PartnerGranted(command.partner, feeds, principal(command.partner), group_prefix(command.partner),
                           command.reason, now, tuple(topics_of(feed, command.partner) for feed in feeds))]


def revoke(state: Partner, command: RevokePartner, now: datetime) -> list[PartnerRevoked]:
    check_name(command.partner)
    if not state.active:
        raise DomainError(f"partner {command.partner} has no grant to revoke", field="partner",
                          rule="partner-not-granted")
    return [PartnerRevoked(command.partner, command.reason, now)]


def check_name(partner: str) -> None:
    if not NAME.fullmatch(partner) or partner in RESERVED:
        raise DomainError(f"{partner!r} is not a partner name: 3-32 of a-z 0-9 -, starting with a letter,"
                          f" not a feed name", field="partner", rule="partner-name")


def _feeds(feeds: Sequence[str]) -> tuple[str, ...]:
    unknown = [f for f in feeds if f not in FEEDS]
    if not feeds or unknown or len(set(feeds)) != len(feeds):
        raise DomainError(f"feeds must be distinct and some of {', '.join(FEEDS)} (got {', '.join(feeds) or 'none'})",
                          field="feeds", rule="partner-feeds")
    return tuple(f for f in FEEDS if f in feeds)  # one order, so a repeated grant compares equal
