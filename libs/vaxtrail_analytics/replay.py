"""A read model as it stood at a moment, rebuilt into a schema of its own (``vaxtrail replay``).

The moment is a *recorded* time: the envelope's ``recorded_at`` (Kafka header ``vaxtrail_recorded_at``),
stamped by the producing service's event store when the event committed - the log's clock. Every event of the
projection's topics recorded at or before it is applied, every later one is skipped; business time
(``occurred_at``, e.g. when a dose was given) plays no part, so an event back-dated to last week but recorded
today is not in a replay as of yesterday - exactly as the live read model did not have it yesterday.

How, using only the projection runner's public entry points:

1. ``CREATE SCHEMA <name>`` in the service's own database (refused if it exists and is not an earlier replay,
   or if it is the live schema);
2. the service's migrations (eventkit's tables included: tracking, processed ids, generation) applied with
   ``search_path = <name>`` - every table is created there; a table a migration *seeds* (immunization's
   ``service_secret``, from which identity-document hashes are keyed) is then given the live table's rows,
   so that the replay computes the same values as the live projection;
3. a :class:`~eventkit.projections.ProjectionRunner` on a pool whose connections have ``search_path = <name>``
   only (nothing unqualified can reach a live table), a throw-away consumer group (deleted afterwards), and a
   dead-letter "producer" that only collects: a replay never writes to Kafka. Its handlers are the
   projection's own, wrapped to skip events recorded after the moment;
4. it polls until the tracked offsets reach the end offsets taken when the replay started.

Process managers (inventory's consumption worker, the certificate issuer) are not projections and are never
run: their queue tables (``consumption_pending``, ``certificate_pending``) fill up in the replay schema and
are never drained. A replay therefore never appends an event.
"""

from __future__ import annotations

import dataclasses
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo
from psycopg_pool import ConnectionPool

from eventkit import db
from eventkit.envelope import StoredEvent
from eventkit.kafka import make_admin, make_consumer
from eventkit.projections import Handler, Projection, ProjectionRunner
from vaxtrail_analytics.partitions import partitions_of

SCHEMA_NAME = re.compile(r"[a-z][a-z0-9_]{0,47}")
MARK = "vaxtrail replay"
_EVENTKIT_TABLES = frozenset({"events", "idempotency_keys", "relay_cursor", "projection_tracking",
                              "processed_events", "projection_generation", "dlq_replays", "schema_migrations"})


class ReplayRefused(ValueError):
    """A replay that must not run (a name that could be live data, a schema that is not a replay's)."""


@dataclass
class ReplayResult:
    schema: str
    as_of: datetime
    ends: dict[tuple[str, int], int]
    tables: tuple[str, ...]
    seeded_from_live: tuple[str, ...]
    dead_letters: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def records(self) -> int:
        return sum(self.ends.values())


def check_schema_name(name: str, live_schema: str = "public") -> None:
    if not SCHEMA_NAME.fullmatch(name):
        raise ReplayRefused(f"schema name {name!r}: expected 1-48 lowercase letters, digits or '_', a letter first")
    if name in {live_schema, "public", "information_schema"} or name.startswith("pg_"):
        raise ReplayRefused(f"schema {name!r} is (or could be) the live one; replay writes only to a new schema")


def as_of_only(projection: Projection, as_of: datetime) -> Projection:
    """The projection with every handler skipping events recorded after ``as_of``."""
    def until(handler: Handler) -> Handler:
        def apply(conn, event: StoredEvent, message) -> None:
            if event.recorded_at <= as_of:
                handler(conn, event, message)
        return apply
    return dataclasses.replace(projection, handlers={t: until(h) for t, h in projection.handlers.items()})


class _CollectingProducer:
    """Stands in for the dead-letter producer: keeps what would have been dead-lettered, sends nothing."""

    def __init__(self, sink: list[dict]) -> None:
        self._sink = sink

    def send(self, topic, key=None, value=None, headers=None):
        self._sink.append({name: v.decode(errors="replace") for name, v in headers or []
                           if name.startswith("vaxtrail_dlq_")})
        return self

    def get(self, timeout=None):  # the "future" of send
        return None

    def flush(self, timeout=None) -> None:
        pass

    def close(self, timeout=None) -> None:
        pass


def replay(database_url: str, bootstrap: str, projection: Projection, migrations: Path, *, service: str,
           schema: str, as_of: datetime, replace: bool = False,
           progress: Callable[[int, int], None] = lambda done, total: None,
           idle_timeout: float = 120.0, security: Mapping[str, str] | None = None) -> ReplayResult:
    """Build ``projection`` as of ``as_of`` into ``schema`` of the service's database (see module docstring).
    ``security``: the Kafka client's TLS / SASL options (``Settings.kafka_security``)."""
    security = dict(security or {})
    if as_of.tzinfo is None:
        raise ReplayRefused("--as-of needs a time zone (e.g. 2021-07-01T12:00:00+07:00 or ...Z)")
    as_of = as_of.astimezone(UTC)
    started = time.monotonic()
    live = _create_schema(database_url, schema, replace=replace, what=f"{service}.{projection.name}", as_of=as_of)
    conninfo = make_conninfo(database_url, options=f"-c search_path={schema}")
    db.migrate(conninfo, migrations)
    seeded = _seed_from_live(database_url, schema, live)
    ends = _end_offsets(bootstrap, projection.topics, security)
    dead: list[dict] = []
    group = f"replay.{schema}.{uuid.uuid4().hex[:10]}"
    pool = ConnectionPool(conninfo, min_size=1, max_size=2, name=f"replay-{schema}", open=False)
    pool.open(wait=True, timeout=30)
    runner = ProjectionRunner(
        as_of_only(projection, as_of), pool,
        lambda _declared: make_consumer(bootstrap, group_id=group, client_id=f"replay-{schema}",
                                        max_poll_records=1000, **security),
        lambda: _CollectingProducer(dead),
        service=service, dlq_topic=f"replay.{schema}.dead-letters", batch_size=1000)
    try:
        _run_to_ends(runner, ends, progress, idle_timeout)
    finally:
        runner.close()
        pool.close()
        _delete_group(bootstrap, group, security)
    return ReplayResult(schema, as_of, ends, projection.tables, seeded, dead, time.monotonic() - started)


def _create_schema(database_url: str, schema: str, *, replace: bool, what: str, as_of: datetime) -> str:
    with psycopg.connect(database_url, autocommit=True) as conn:
        live = conn.execute("SELECT current_schema()").fetchone()[0]
        check_schema_name(schema, live)
        row = conn.execute("SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s",
                           (schema,)).fetchone()
        if row is not None:
            if not (row[0] or "").startswith(MARK):
                raise ReplayRefused(f"schema {schema!r} exists and is not a replay's; choose another name")
            if not replace:
                raise ReplayRefused(f"schema {schema!r} holds an earlier replay ({row[0]}); pass --replace")
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        conn.execute(sql.SQL("COMMENT ON SCHEMA {} IS {}").format(
            sql.Identifier(schema), sql.Literal(f"{MARK} of {what} as of {as_of.isoformat()}")))
    return live


def _seed_from_live(database_url: str, schema: str, live: str) -> tuple[str, ...]:
    """Tables a migration filled (not eventkit's) get the live rows: per-deployment values such as a secret."""
    copied = []
    with psycopg.connect(database_url) as conn, conn.transaction():
        tables = [t for (t,) in conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY c.relname", (schema,))]
        for table in tables:
            if table in _EVENTKIT_TABLES:
                continue
            ours, theirs = sql.Identifier(schema, table), sql.Identifier(live, table)
            if conn.execute(sql.SQL("SELECT EXISTS (SELECT FROM {})").format(ours)).fetchone()[0]:
                conn.execute(sql.SQL("DELETE FROM {}").format(ours))
                conn.execute(sql.SQL("INSERT INTO {} SELECT * FROM {}").format(ours, theirs))
                copied.append(table)
    return tuple(copied)


def _end_offsets(bootstrap: str, topics, security: Mapping[str, str]) -> dict[tuple[str, int], int]:
    consumer = make_consumer(bootstrap, group_id=None, client_id="replay-ends", **security)
    try:
        try:
            partitions = partitions_of(consumer, topics)
        except LookupError as exc:
            raise ReplayRefused(f"{exc} on {bootstrap}") from exc
        return {(tp.topic, tp.partition): offset for tp, offset in consumer.end_offsets(partitions).items()}
    finally:
        consumer.close()


def _run_to_ends(runner: ProjectionRunner, ends: Mapping[tuple[str, int], int],
                 progress: Callable[[int, int], None], idle_timeout: float) -> None:
    total = sum(ends.values())
    runner.start()
    last_done, last_move = -1, time.monotonic()
    while True:
        tracked = runner.tracked()
        done = sum(min(tracked.get(tp, -1) + 1, end) for tp, end in ends.items())
        progress(done, total)
        if done >= total:
            return
        if done != last_done:
            last_done, last_move = done, time.monotonic()
        elif time.monotonic() - last_move > idle_timeout:
            raise TimeoutError(f"replay made no progress for {idle_timeout:.0f} s at {done:,}/{total:,} records")
        try:
            runner.poll_once(500)
        except Exception as exc:  # noqa: BLE001 - the runner rewound its consumer; a transient error is retried
            from eventkit.projections.failures import is_transient

            if not is_transient(exc):
                raise
            time.sleep(0.5)


def _delete_group(bootstrap: str, group: str, security: Mapping[str, str]) -> None:
    admin = make_admin(bootstrap, client_id="replay-cleanup", **security)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                outcome = admin.delete_groups([group]).get(group)
            except Exception:  # noqa: BLE001 - a group that never formed cannot be deleted; nothing to do
                return
            if outcome in ("OK", "GroupIdNotFoundError") or time.monotonic() > deadline:
                return
            time.sleep(0.5)
    finally:
        admin.close()


def dead_letter_summary(headers: Mapping[str, str]) -> str:
    """One line for a dead letter the replay collected (the live projection dead-lettered it too)."""
    return (f"{headers.get('vaxtrail_dlq_source', '?')} {headers.get('vaxtrail_dlq_reason', '?')} "
            f"{headers.get('vaxtrail_dlq_event_type', '-')}: {headers.get('vaxtrail_dlq_error', '')}")

