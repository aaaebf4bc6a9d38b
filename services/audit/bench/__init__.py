"""Audit benchmark (not a test): trail latency with a million doses loaded, and how fast the worker ingests.

``python -m services.audit.bench [--doses 1000000] [--kafka-doses 20000] [--samples 1000] [--out bench/results]
[--keep | --reuse bench/results/audit-run.json]``

Runs on the servers named by ``DATABASE_URL`` / ``KAFKA_BOOTSTRAP`` (or the local stack's ``stack.env``),
but only in its own ``bench_<run id>_audit`` database and ``bench.<run id>.*`` topics and consumer groups
(``vaxtrail_cli.bench.bench_names``), which it removes afterwards. Steps:

1. **load**: the generated campaign of ``--doses`` doses (``world.py``, ~7.2 events a dose) straight into the
   audit tables with ``COPY`` (``load.bulk``: the rows the projections and the sealer would write);
2. **ingest**: ``--kafka-doses`` more doses produced to the run's topics as the relays would, consumed by the
   audit worker's real components (log projections, sealer, publisher) until every event is sealed: the
   worker's ingest rate, to compare with the rate the services publish at;
3. **trails**: ``--samples`` random doses' ``GET /v1/doses/<id>/trail`` through the audit app (token check,
   routing, queries, assembly, JSON) - p50 / p95 / p99 - and the same for certificate and person trails and
   inclusion proofs, and a few lot trails (10,000 doses each).

Results: ``<out>/audit.json``; docs/benchmarks.md quotes them. Loading a million doses takes long on a small
machine: ``--keep`` leaves the run's database and topics (named in ``<out>/audit-run.json``) so that
``--reuse <out>/audit-run.json`` times the trails again - e.g. once the machine is quiet - without loading; a
``--reuse`` run without ``--keep`` removes the run at its end.
"""

from eventkit.topics import EVENT_TOPIC_PARTITIONS  # noqa: E402 - after the docstring, as a module's imports
from services.audit.projections.log import LOGGED_SERVICES  # noqa: E402
from vaxtrail_cli.bench import BenchNames, BenchResources  # noqa: E402


def resources(names: BenchNames) -> BenchResources:
    """What a run creates: its database, one topic per log and the audit topic, its consumer groups."""
    partitions = {names.topic(s): EVENT_TOPIC_PARTITIONS for s in (*LOGGED_SERVICES, "audit")}
    partitions[names.topic("audit-dlq")] = 1
    groups = [names.group("audit.audit_log"), names.group("audit.audit_checkpoints")]
    return BenchResources(topics=list(partitions), groups=groups, databases=[names.database("audit")],
                          group_prefix=names.group_prefix, partitions=partitions)
