"""Who acts in a campaign, and when: bearer tokens of each role and scope, and the business clock.

Every call the driver makes carries a token minted for the role and scope a real client of that kind would
hold (a vaccinator of one site, the officer of one province, a citizen for their own person), signed with
the key the services trust (the local stack's development key, or the test stack's). Tokens are cached per
(role, scopes, subject).

Business times. Inventory and immunization take the business time of each act and refuse times more than
five minutes in the future (INV-8); an observation must end at least 30 minutes after its dose (INV-29).
Registration books appointments only into sessions that have not started yet. So a session is *planned* to
start a few minutes from now (appointments can still be booked), while the stock movements and the session
day itself are recorded a few hours back: the stock reaches the site before its first vial is opened, and
every observation has ended before "now". Immunization only requires that a session opens before its
planned end, so both clocks are valid inputs for the real services.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

from eventkit.auth import mint_token

ICT = timezone(timedelta(hours=7))  # the campaign's country (Viet Nam): business times in local time


class Actors:
    """Mints (and caches) ``Authorization`` headers with the services' trusted signing key."""

    def __init__(self, private_key_pem: bytes, *, ttl_seconds: int = 6 * 3600) -> None:
        self._key = private_key_pem
        self._ttl = ttl_seconds
        self._cache: dict[tuple, dict[str, str]] = {}
        self._lock = threading.Lock()

    def headers(self, role: str, *scopes: str, sub: str | None = None) -> dict[str, str]:
        key = (role, scopes, sub)
        with self._lock:
            found = self._cache.get(key)
            if found is None:
                token = mint_token(self._key, subject=sub or f"{role}-{scopes[0].replace(':', '-')}", role=role,
                                   scopes=list(scopes), ttl_seconds=self._ttl)
                found = self._cache[key] = {"Authorization": f"Bearer {token}"}
        return found

    def national(self, name: str = "anh") -> dict[str, str]:
        return self.headers("national_admin", "national", sub=f"admin-{name}")

    def analyst(self) -> dict[str, str]:
        return self.headers("analyst", "national", sub="analyst-national")

    def auditor(self) -> dict[str, str]:
        return self.headers("auditor", "national", sub="auditor-national")

    def province(self, province: str, name: str = "lan") -> dict[str, str]:
        return self.headers("province_officer", f"province:{province}", sub=f"officer-{name}-{province}")

    def district(self, district: str) -> dict[str, str]:
        return self.headers("district_officer", f"district:{district}", sub=f"officer-{district}")

    def site_manager(self, site: str) -> dict[str, str]:
        return self.headers("site_manager", f"site:{site}", sub=f"manager-{site}")

    def vaccinator(self, site: str, table: int = 1) -> dict[str, str]:
        return self.headers("vaccinator", f"site:{site}", sub=f"vaccinator-{site}-{table}")

    def citizen(self, person_id: str) -> dict[str, str]:
        return self.headers("citizen", f"person:{person_id}", sub=person_id)

    def new_citizen(self, account: str) -> dict[str, str]:
        """A citizen account that has not registered anyone yet."""
        return self.headers("citizen", "person:none", sub=account)


@dataclass(frozen=True)
class Clock:
    """Business times relative to the start of a run (``now``), written in the campaign's time zone."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    def ago(self, hours: float = 0, minutes: float = 0, seconds: float = 0) -> str:
        return self.at(-timedelta(hours=hours, minutes=minutes, seconds=seconds))

    def ahead(self, hours: float = 0, minutes: float = 0) -> str:
        return self.at(timedelta(hours=hours, minutes=minutes))

    def at(self, offset: timedelta) -> str:
        return (self.now + offset).astimezone(ICT).isoformat()

    def day(self, days: int = 0) -> str:
        return (self.now + timedelta(days=days)).astimezone(ICT).date().isoformat()
