"""A private PostgreSQL server and Kafka broker: in a folder of their own, on free ports, gone afterwards.

:func:`private_infra` starts both (in parallel) under ``root`` - ``root/pgdata``, ``root/kafka``,
``root/logs/{postgres,kafka}.log``, ``root/run/kafka.pid`` - on ports :func:`vaxtrail_cli.processes.free_ports`
picks, creates every topic of :func:`eventkit.topics.all_topics`, yields an :class:`Infra`, and stops both when
the ``with`` block ends (normally, on an exception or on Ctrl-C). It never reads the local stack's
``stack.env`` or uses its ports; only the Kafka jars come from the shared jar cache
(:attr:`vaxtrail_cli.paths.StackPaths.kafka_libs`).

``sasl=True`` runs the broker as ``vaxtrail up`` does: SASL/SCRAM and the authorizer, every service principal's
credential and ACLs (:mod:`vaxtrail_cli.kafka_auth`, credentials in ``root/kafka-principals.json``); the admin
creates the topics.

``external_db`` / ``external_kafka`` name servers someone else runs instead (the test suite's
``DATABASE_URL`` / ``KAFKA_BOOTSTRAP``); nothing is started or stopped for them.

Used by the test suite's ``infra`` fixture (``fast=True``: ``fsync=off``, a quick-starting JVM) and by
:mod:`vaxtrail_cli.private_stack` (the end-to-end benchmark: ``fast=False``, like ``make up``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from vaxtrail_cli import kafka_broker, postgres_server, processes
from vaxtrail_cli.paths import StackPaths

Printer = Callable[[str], None]


@dataclass(frozen=True)
class Infra:
    server_url: str
    """PostgreSQL server URL (database ``postgres``)."""
    kafka_bootstrap: str
    pg_managed: bool
    """True when :func:`private_infra` started PostgreSQL itself (False: ``external_db``)."""
    kafka_managed: bool
    """True when :func:`private_infra` started the broker itself (False: ``external_kafka``)."""
    pg_config: postgres_server.PostgresConfig | None = None
    """The managed server's configuration (to stop and start it again: the fault suite); None when external."""
    broker_config: kafka_broker.BrokerConfig | None = None
    """The managed broker's configuration; None when external."""
    credentials: Path | None = None
    """The credential store of a SASL broker (:class:`vaxtrail_cli.kafka_auth.CredentialStore`); None: plaintext."""

    def database_url(self, name: str) -> str:
        from eventkit.settings import with_database

        return with_database(self.server_url, name)


def configs(root: Path, *, fast: bool, kafka_libs: Path | None = None,
            scram_admin: tuple[str, str] | None = None) -> tuple[
        postgres_server.PostgresConfig, kafka_broker.BrokerConfig]:
    """The server and broker configurations under ``root``, on three fresh free ports."""
    pg_port, kafka_port, controller_port = processes.free_ports(3)
    pg_cfg = postgres_server.PostgresConfig(pgdata=root / "pgdata", log_file=root / "logs" / "postgres.log",
                                            port=pg_port, fast=fast)
    broker_cfg = kafka_broker.BrokerConfig(
        home=root / "kafka", libs=kafka_libs or StackPaths.from_env().kafka_libs,
        log_file=root / "logs" / "kafka.log", pid_file=root / "run" / "kafka.pid",
        port=kafka_port, controller_port=controller_port, fast_start=fast, scram_admin=scram_admin)
    return pg_cfg, broker_cfg


@contextmanager
def private_infra(root: Path, *, fast: bool = False, kafka_libs: Path | None = None, external_db: str | None = None,
                  external_kafka: str | None = None, sasl: bool = False, out: Printer = print) -> Iterator[Infra]:
    """PostgreSQL and Kafka under ``root`` for the ``with`` block (see the module docstring)."""
    from eventkit.topics import all_topics
    from vaxtrail_cli import kafka_auth
    from vaxtrail_cli.topics_admin import ensure_topics

    if sasl and external_kafka:
        raise ValueError("sasl=True configures the broker it starts; it cannot with external_kafka")
    store = kafka_auth.store_at(root) if sasl else None
    pg_cfg, broker_cfg = configs(root, fast=fast, kafka_libs=kafka_libs,
                                 scram_admin=store.admin().pair if store else None)
    try:
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="infra") as pool:
            pg = None if external_db else pool.submit(postgres_server.start, pg_cfg, out=out)
            broker = None if external_kafka else pool.submit(kafka_broker.start, broker_cfg, timeout=120, out=out)
            server_url = external_db or pg.result()
            if broker is not None:
                broker.result()
        bootstrap = external_kafka or broker_cfg.bootstrap
        ensure_topics(bootstrap, all_topics(), security=broker_cfg.admin_security)
        if store is not None:
            kafka_auth.ensure_service_access(bootstrap, store)
        yield Infra(server_url, bootstrap, pg_managed=not external_db, kafka_managed=not external_kafka,
                    pg_config=None if external_db else pg_cfg, broker_config=None if external_kafka else broker_cfg,
                    credentials=store.path if store else None)
    finally:
        if not external_kafka:
            kafka_broker.stop(broker_cfg, timeout=20, out=out)
        if not external_db:
            postgres_server.stop(pg_cfg, out=out)
