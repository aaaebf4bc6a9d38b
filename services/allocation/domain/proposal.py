"""Allocation methods: heuristics that *propose* line doses; a person reviews, submits and another approves.

Every method splits ``total_doses`` in whole vials over the recipients, after fixed quotas (special units)
are taken off the top, by the largest-remainder rule (deterministic: ties go to the unit id first in order):

- ``POPULATION``: weight = approved target population of the unit (approved registrants, in the plan's
  target groups when it names some);
- ``PRIORITY_WEIGHTED``: weight = sum over priority groups of registrants x group weight, times the unit's
  hot-spot weight (both default 1);
- ``PROGRESS`` (top-up): weight = the unit's remaining need = approved population - first doses already
  allocated to it (units that are behind get more);
- ``MANUAL``: no proposal; the lines are given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from eventkit.errors import DomainError


@dataclass(frozen=True)
class Demand:
    """What the read models know of one recipient's demand."""

    unit_id: str
    population: int
    by_group: Mapping[str, int] = field(default_factory=dict)
    first_doses_allocated: int = 0


def weight_of(method: str, demand: Demand, group_weights: Mapping[str, float],
              unit_weights: Mapping[str, float]) -> float:
    if method == "POPULATION":
        return float(demand.population)
    if method == "PRIORITY_WEIGHTED":
        groups = sum(count * group_weights.get(group, 1.0) for group, count in demand.by_group.items())
        return groups * unit_weights.get(demand.unit_id, 1.0)
    if method == "PROGRESS":
        return float(max(0, demand.population - demand.first_doses_allocated))
    raise DomainError(f"method {method} does not propose lines; give them", field="method", rule="INV-15")


def propose(method: str, total_doses: int, demands: Sequence[Demand], doses_per_vial: int, *,
            group_weights: Mapping[str, float] | None = None, unit_weights: Mapping[str, float] | None = None,
            fixed_quotas: Mapping[str, int] | None = None) -> dict[str, int]:
    """Doses per unit (whole vials, zero-dose units left out) summing to at most ``total_doses``."""
    per_vial = max(doses_per_vial, 1)
    quotas = dict(fixed_quotas or {})
    for unit, doses in quotas.items():
        if doses <= 0 or doses % per_vial:
            raise DomainError(f"fixed quota of {unit} must be positive whole vials", field=f"fixed_quotas.{unit}",
                              rule="INV-2")
    vials_left = total_doses // per_vial - sum(quotas.values()) // per_vial
    if total_doses <= 0 or vials_left < 0:
        raise DomainError("total doses must be positive and cover the fixed quotas", field="total_doses",
                          rule="INV-15")
    weighted = [(d.unit_id, weight_of(method, d, group_weights or {}, unit_weights or {}))
                for d in demands if d.unit_id not in quotas]
    weight_sum = sum(w for _, w in weighted)
    shares: dict[str, int] = dict.fromkeys(quotas, 0)
    if weight_sum > 0 and vials_left > 0:
        exact = [(unit, vials_left * w / weight_sum) for unit, w in weighted]
        floors = {unit: int(x) for unit, x in exact}
        spare = vials_left - sum(floors.values())
        by_remainder = sorted(exact, key=lambda ux: (-(ux[1] - int(ux[1])), ux[0]))
        for unit, _ in by_remainder[:spare]:
            floors[unit] += 1
        shares.update(floors)
    result = {unit: vials * per_vial for unit, vials in shares.items()}
    for unit, doses in quotas.items():
        result[unit] = doses
    return {unit: doses for unit, doses in result.items() if doses > 0}
