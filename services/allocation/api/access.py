"""Who may call the allocation routes: the roles, and scope paths of plans, stores and demand.

A target's scope path lists the scopes that cover it (``national``, then its province, district, site);
the caller needs one of them. Reads of read models answer an out-of-scope caller with a 403 whose detail
names neither the path nor the target's province or district (:func:`require_read_scope`): where a store
is would otherwise be learnt by asking.
"""

from __future__ import annotations

from collections.abc import Sequence

from eventkit.auth import Forbidden, current_principal

PLAN_WRITERS = ("national_admin", "province_officer")
READERS = ("national_admin", "province_officer", "district_officer", "auditor", "analyst")


def plan_scope(level: str, province_code: str) -> list[str]:
    """National plans need ``national``; a province's plans also accept its officers."""
    return ["national"] if level == "NATIONAL" else ["national", f"province:{province_code}"]


def require_read_scope(path: Sequence[str], what: str, field: str) -> None:
    principal = current_principal()
    if not principal.covers(path):
        raise Forbidden(f"a {principal.role} may not read {what} outside their scope",
                        field=field, rule="scope")
