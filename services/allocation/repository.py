"""A :class:`eventkit.aggregates.Repository` that refuses to fold a stream of another aggregate type.

Plan and session ids are chosen by clients and every aggregate id shares the store's one namespace, so a
plan id may already name a session (or the reverse). Folding that stream would raise in ``evolve`` (a 500)
or, worse, append to it; this repository answers a 422 ``aggregate-kind`` naming the request's id field.
"""

from __future__ import annotations

from typing import TypeVar

from eventkit.aggregates import AggregateSpec, Repository
from eventkit.errors import DomainError

S = TypeVar("S")

ID_FIELDS = {"allocation_plan": "plan_id", "session_plan": "session_id", "second_dose_reserve": "unit_id"}


class KindCheckedRepository(Repository):
    def load(self, spec: AggregateSpec[S], aggregate_id: str) -> tuple[S, int]:
        state, version = spec.initial(), 0
        for stored in self.store.load(aggregate_id):
            if stored.aggregate_type != spec.type:
                raise DomainError(f"{aggregate_id} already names a {stored.aggregate_type}, not a {spec.type}",
                                  field=ID_FIELDS.get(spec.type), rule="aggregate-kind")
            state = spec.evolve(state, self._codec.decode(stored.event_type, stored.payload))
            version = stored.aggregate_version
        return state, version
