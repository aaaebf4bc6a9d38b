"""Whether a read model is replaying a rebuild: a worker that decides on it waits until it has caught up.

``vaxtrail rebuild`` (:func:`eventkit.projections.rebuild`) empties a read model and moves its generation; the
runner then replays its topics from offset 0. A worker that decides on that read model (a queue worker whose
decision "converges on the read models", e.g. allocation's second-dose reserves) would decide on a half-replayed
one meanwhile: a reserve recomputed from a fraction of the doses was released, then taken again - appended
events that say something false (the fault suite's read-model digests found it).

:class:`RebuildGate` is ``True`` except from the moment it sees the projection's generation move (and on its
first look, when the worker starts) until the projection's tracked offsets reach the end offsets its topics had
at that moment. Ordinary lag behind fresh records never closes it: only a generation it has not seen does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

Ends = Callable[[tuple[str, ...]], Mapping[tuple[str, int], int]]


class RebuildGate:
    def __init__(self, pool: Any, projection: str, topics: Iterable[str], ends: Ends) -> None:
        self._pool, self._projection, self._topics, self._ends = pool, projection, tuple(topics), ends
        self._generation: int | None = None
        self._target: dict[tuple[str, int], int] | None = None

    def __call__(self) -> bool:
        with self._pool.connection() as conn:
            row = conn.execute("SELECT generation FROM projection_generation WHERE projection = %s",
                               (self._projection,)).fetchone()
            generation = row[0] if row else 0
            if generation != self._generation:
                self._target = dict(self._ends(self._topics))
                self._generation = generation
            if self._target is None:
                return True
            tracked = {(t, p): o for t, p, o in conn.execute(
                'SELECT topic, partition, "offset" FROM projection_tracking WHERE projection = %s',
                (self._projection,)).fetchall()}
        if all(tracked.get(key, -1) + 1 >= end for key, end in self._target.items() if end > 0):
            self._target = None
            return True
        return False


def topic_ends(bootstrap: str, timeout: float = 30.0, **security: Any) -> Ends:
    """:data:`Ends` from the broker: the end offset of every partition of the topics."""
    from eventkit.kafka import make_consumer, topic_partitions

    def ends(topics: tuple[str, ...]) -> dict[tuple[str, int], int]:
        consumer = make_consumer(bootstrap, group_id=None, client_id="rebuild-gate", **security)
        try:
            partitions = topic_partitions(consumer, topics, timeout)
            return {(tp.topic, tp.partition): o for tp, o in consumer.end_offsets(partitions).items()}
        finally:
            consumer.close()
    return ends
