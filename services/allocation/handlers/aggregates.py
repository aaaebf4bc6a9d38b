"""The service's three kinds of stream, as the event store knows them.

Plan and session ids are chosen by clients and share the store's one id namespace with every other
stream, so each spec names the request field that carries its id: an id that already names another kind
of stream is refused by the store as a 422 ``aggregate-kind`` naming that field.
"""

from __future__ import annotations

from eventkit.aggregates import AggregateSpec
from services.allocation.domain import plans, reservations, sessions

PLAN = AggregateSpec("allocation_plan", plans.AllocationPlan.empty, plans.evolve, id_field="plan_id")
RESERVE = AggregateSpec("second_dose_reserve", reservations.Reserve.empty, reservations.evolve, id_field="unit_id")
SESSION = AggregateSpec("session_plan", sessions.SessionPlan.empty, sessions.evolve, id_field="session_id")
