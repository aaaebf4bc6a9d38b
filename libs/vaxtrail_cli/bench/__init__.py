"""Every benchmark lives in this package, and none touches a live stack: its topics, groups and databases are its own.

The benchmarks: :mod:`.throughput` (raw Kafka limits, relay, projection), :mod:`.rebuild` (a 1,000,000-event
replay), :mod:`.certificate` (offline verification, dose -> certificate latency), :mod:`.registration_bulk`
(CSV uploads) and :mod:`.e2e` (the load generator's short run); :mod:`.suite` runs them for
``vaxtrail bench`` / ``make bench`` and writes the results. Shared: :mod:`.receipts` (the events) and
:mod:`.kafka_limits` (raw produce / consume).

:mod:`.e2e` measures a whole system, servers included, so instead of adding its resources to a stack's servers
it starts a private stack of its own (:mod:`vaxtrail_cli.private_stack`: PostgreSQL, Kafka and every service in a temporary
folder on free ports) and removes it afterwards. The others follow the naming rules below.

Every benchmark takes its names from one :class:`BenchNames`:

- topics          ``bench.<run id>.<name>``   (never ``vaxtrail.*``)
- consumer groups ``bench.<run id>.<name>``   (never the ``vaxtrail.`` prefix of the services' groups)
- databases       ``bench_<run id>_<name>``   (never ``vaxtrail_<service>``)

whatever ``DATABASE_URL`` / ``KAFKA_BOOTSTRAP`` / ``KAFKA_GROUP_PREFIX`` say, so a benchmark pointed at the
stack's servers only adds its own resources next to the stack's; :func:`remove_run` deletes everything with
the run's prefixes afterwards.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eventkit.settings import SERVICES, Settings, database_name

LIVE_TOPIC_PREFIX = "vaxtrail."
LIVE_GROUP_PREFIX = "vaxtrail."
LIVE_DATABASES = frozenset(database_name(service) for service in SERVICES)
_RUN_ID = re.compile(r"[a-z0-9]{4,16}")
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,60}")
_LOG = logging.getLogger(__name__)


def is_live_name(name: str) -> bool:
    """Whether ``name`` is (or could be) one of the stack's topics, groups or databases."""
    return (name.startswith((LIVE_TOPIC_PREFIX, "vaxtrail_")) or name in LIVE_DATABASES
            or name in {"postgres", "template0", "template1"})


@dataclass(frozen=True)
class BenchNames:
    """The names one benchmark run may use; every accessor refuses a name that could be the stack's."""

    run_id: str

    def __post_init__(self) -> None:
        if not _RUN_ID.fullmatch(self.run_id):
            raise ValueError(f"bench run id {self.run_id!r}: expected 4-16 lowercase letters or digits")

    @property
    def prefix(self) -> str:
        """Prefix of this run's topics and consumer groups."""
        return f"bench.{self.run_id}."

    @property
    def group_prefix(self) -> str:
        """For ``KAFKA_GROUP_PREFIX`` / ``Settings.kafka_group_prefix``: groups become ``bench.<id>.<group>``."""
        return f"bench.{self.run_id}"

    @property
    def database_prefix(self) -> str:
        return f"bench_{self.run_id}_"

    def topic(self, name: str) -> str:
        return self._checked(self.prefix + _part(name))

    def group(self, name: str) -> str:
        return self._checked(self.prefix + _part(name))

    def database(self, name: str) -> str:
        database = self.database_prefix + re.sub(r"[.-]", "_", _part(name))
        if len(database) > 63:
            raise ValueError(f"bench database name {database!r} is longer than PostgreSQL's 63 characters")
        return self._checked(database)

    def owns(self, name: str) -> bool:
        """Whether ``name`` is a topic, group or database of this run."""
        return name.startswith((self.prefix, self.database_prefix))

    @staticmethod
    def _checked(name: str) -> str:
        if is_live_name(name):  # cannot happen with the prefixes above; kept as the invariant's guard
            raise AssertionError(f"bench name {name!r} could be the live stack's")
        return name


def _part(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(f"bench resource name {name!r}: expected lowercase letters, digits, '.', '-' or '_'")
    return name


def bench_names(run_id: str | None = None) -> BenchNames:
    """The names of a new benchmark run (a fresh random run id unless one is given)."""
    return BenchNames(run_id or uuid.uuid4().hex[:10])


@dataclass(frozen=True)
class BenchResources:
    """What a benchmark creates: listed up front, so a test can prove none of it is the stack's."""

    topics: Sequence[str] = ()
    groups: Sequence[str] = ()
    databases: Sequence[str] = ()
    group_prefix: str | None = None
    partitions: dict[str, int] = field(default_factory=dict)

    def names(self) -> list[str]:
        return [*self.topics, *self.groups, *self.databases]


def bench_settings(settings: Settings, names: BenchNames, *, topic: str, dlq_topic: str) -> Settings:
    """``settings`` whose own event topic, dead-letter topic and consumer-group prefix are the run's.

    The services' ``Settings.topic`` / ``dlq_topic`` are derived from the service name (``vaxtrail.<service>
    .v1``); a benchmark that runs a service's real worker components gives them this instead.
    """
    values = {f: getattr(settings, f) for f in Settings.__dataclass_fields__}
    values["kafka_group_prefix"] = names.group_prefix
    return _BenchSettings(**values, bench_topic=names.topic(topic), bench_dlq_topic=names.topic(dlq_topic),
                          bench_run=names.run_id)


@dataclass(frozen=True)
class _BenchSettings(Settings):
    bench_topic: str = ""
    bench_dlq_topic: str = ""
    bench_run: str = ""

    def topic_of(self, service: str) -> str:
        """Every service's topic is the run's (``bench.<run id>.<service>``); the own one as given."""
        return self.bench_topic if service == self.service else BenchNames(self.bench_run).topic(service)

    @property
    def topic(self) -> str:
        return self.bench_topic

    @property
    def dlq_topic(self) -> str:
        return self.bench_dlq_topic


def create_topics(bootstrap: str, partitions: dict[str, int]) -> None:
    """Create the run's topics (name -> partitions) and wait for their leaders."""
    from eventkit.topics import TopicSpec
    from vaxtrail_cli.topics_admin import ensure_topics

    refused = [name for name in partitions if is_live_name(name) or not name.startswith("bench.")]
    if refused:
        raise ValueError(f"not a bench topic: {', '.join(refused)}")
    ensure_topics(bootstrap, [TopicSpec(name, count) for name, count in partitions.items()])


def remove_run(names: BenchNames, *, bootstrap: str | None = None, server_url: str | None = None,
               group_wait_seconds: float = 30.0, say: Callable[[str], None] = lambda _: None) -> None:
    """Delete every topic, consumer group and database whose name carries the run's prefix.

    Consumer groups of stopped static members (the services' workers use static membership) stay non-empty
    until their session times out, so their deletion is retried for up to ``group_wait_seconds``.
    """
    if server_url:
        _drop_databases(server_url, names)
    if bootstrap:
        from eventkit.kafka import make_admin

        admin = make_admin(bootstrap, client_id=f"bench-{names.run_id}-cleanup")
        try:
            topics = [t for t in admin.list_topics() if t.startswith(names.prefix)]
            if topics:
                admin.delete_topics(topics, raise_errors=False)
            _delete_groups(admin, names, group_wait_seconds, say)
        finally:
            admin.close()


def list_group_ids(admin) -> list[str]:
    """Every consumer group id the cluster knows (kafka-python's ``list_groups`` dicts, or tuples)."""
    ids = []
    for group in admin.list_groups():
        ids.append(group.get("group_id") if isinstance(group, dict) else group[0])
    return ids


def _delete_groups(admin, names: BenchNames, wait: float, say: Callable[[str], None]) -> None:
    deadline = time.monotonic() + wait
    while True:
        groups = [g for g in list_group_ids(admin) if g.startswith(names.prefix)]
        if not groups:
            return
        results = admin.delete_groups(groups)
        left = [g for g, outcome in results.items() if outcome not in ("OK", "GroupIdNotFoundError")]
        if not left:
            return
        if time.monotonic() > deadline:
            say(f"consumer groups not deleted (still have members): {', '.join(left)}")
            _LOG.warning("bench consumer groups left behind: %s", left)
            return
        time.sleep(1.0)


def _drop_databases(server_url: str, names: BenchNames) -> None:
    import psycopg

    from eventkit import db

    with psycopg.connect(server_url, autocommit=True) as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE starts_with(datname, %s)",
                            (names.database_prefix,)).fetchall()
    for (name,) in rows:
        if names.owns(name) and not is_live_name(name):
            with contextlib.suppress(psycopg.Error):
                db.drop_database(server_url, name)


def assert_isolated(resources: BenchResources | Iterable[str], names: BenchNames) -> None:
    """Raise unless every name is the run's own and none could be the live stack's."""
    listed = resources.names() if isinstance(resources, BenchResources) else list(resources)
    if isinstance(resources, BenchResources) and resources.group_prefix is not None:
        listed.append(resources.group_prefix + ".")
    foreign = [n for n in listed if is_live_name(n) or not names.owns(n)]
    if foreign:
        raise AssertionError(f"bench run {names.run_id} would use names that are not its own: {foreign}")


def from_tests(module: str):
    """A module of the repository's ``tests/`` (benchmarks reuse its test worlds and CSV rows), importable
    from a source checkout (the project is installed editable)."""
    root = str(Path(__file__).resolve().parents[3])
    if root not in sys.path:
        sys.path.insert(0, root)
    return importlib.import_module(module)
