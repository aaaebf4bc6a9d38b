"""Projection runner: Kafka topics -> a read model in the service's own database, exactly once in effect.

A :class:`Projection` names its topics, the event types it applies (``handlers``) and the ones it skips on
purpose (``ignored``); any other type, and any record that cannot be decoded or applied, is dead-lettered
to ``vaxtrail.<service>.dlq.v1`` - never dropped silently, never blocking its partition.

Per poll, one PostgreSQL transaction holds the read-model changes, the new (topic, partition, offset)
tracking rows and the version marks of the streams passed. Kafka offsets are committed afterwards as a hint only:
on start and after every rebalance the runner seeks each partition to the offset the database recorded.
So a kill at any moment loses nothing (uncommitted work is re-read) and applies nothing twice (records at
or below the tracked offset, and copies of events already passed - the relay may publish an event twice -
are skipped). Two runners on one partition take turns on its tracking row (zombie fencing).

The package:

* :mod:`~eventkit.projections.model` - :class:`Projection`, :func:`rebuild`, the locking protocol;
* :mod:`~eventkit.projections.runner` - :class:`ProjectionRunner` (the batch transaction, retries);
* :mod:`~eventkit.projections.batch` - decoding and applying records, one by one or a batch at once;
* :mod:`~eventkit.projections.dedupe` - which events are new: per-stream version marks;
* :mod:`~eventkit.projections.failures` - what is the record's fault (DLQ) and what is retried;
* :mod:`~eventkit.projections.deadletter` - the dead-letter format, reading a DLQ topic;
* :mod:`~eventkit.projections.replay` - re-applying dead letters after a fix (``vaxtrail dlq replay``);
* :mod:`~eventkit.projections.consumer` - the kafka-python consumer's care (seek, stall, lag).
"""

from eventkit.projections.model import BatchHandler, Decoder, Handler, Projection, rebuild
from eventkit.projections.runner import ProjectionRunner

__all__ = ["BatchHandler", "Decoder", "Handler", "Projection", "ProjectionRunner", "rebuild"]
