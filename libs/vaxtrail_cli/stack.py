"""The local infrastructure: PostgreSQL, Kafka, per-service databases, topics, dev keys and ``stack.env``.

``DATABASE_URL`` / ``KAFKA_BOOTSTRAP`` in the environment name servers someone else runs; the stack then
starts nothing for them (each independently) and only creates databases and topics there. A value equal to
the stack's own address (e.g. from a shell that sourced ``stack.env``) still counts as the stack's own.

The stack's own broker runs with SASL/SCRAM and ACLs (:mod:`vaxtrail_cli.kafka_auth`): its credentials are in
``<state>/kafka-principals.json``, ``stack.env`` (mode 0600) carries the admin's - what the CLI connects as -
and each service's processes get their own principal's (:func:`vaxtrail_cli.services.process_env`). An external
broker is used as it is (plaintext unless ``KAFKA_SECURITY_PROTOCOL`` & co. say otherwise).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from vaxtrail_cli import kafka_broker, postgres_server, processes, statefile
from vaxtrail_cli.paths import StackPaths

Printer = Callable[[str], None]


@dataclass(frozen=True)
class StackInfo:
    server_url: str
    kafka_bootstrap: str
    pg_managed: bool
    kafka_managed: bool
    env: dict[str, str]
    """The variables written to ``stack.env``."""


def _external(environ: Mapping[str, str], name: str, own: str) -> str | None:
    value = environ.get(name)
    return value if value and value != own else None


def create_service_databases(server_url: str, services: Iterable[str] | None = None) -> dict[str, bool]:
    """``vaxtrail_<svc>`` for every service (created only when missing). Maps database name -> created now."""
    from eventkit.db import ensure_database
    from eventkit.settings import SERVICES, database_name

    return {database_name(svc): ensure_database(server_url, database_name(svc))
            for svc in (SERVICES if services is None else services)}


def ensure_dev_keys(keys_dir: Path) -> tuple[Path, Path]:
    """The local development JWT key pair (kept across runs). Returns (private, public) PEM paths."""
    from eventkit.auth import generate_dev_keypair

    return generate_dev_keypair(keys_dir)


def stack_up(paths: StackPaths, *, environ: Mapping[str, str] | None = None, out: Printer = print) -> StackInfo:
    """Start (or reuse) the servers, create databases, topics and keys, write ``stack.env``. Idempotent."""
    from eventkit.settings import kafka_security
    from eventkit.topics import all_topics
    from vaxtrail_cli import kafka_auth
    from vaxtrail_cli.topics_admin import ensure_topics

    env = os.environ if environ is None else environ
    pg_cfg = postgres_server.PostgresConfig.for_stack(paths)
    external_db = _external(env, "DATABASE_URL", pg_cfg.url)
    external_kafka = _external(env, "KAFKA_BOOTSTRAP", kafka_broker.BrokerConfig.for_stack(paths).bootstrap)
    for folder in (paths.state, paths.logs, paths.run):
        folder.mkdir(parents=True, exist_ok=True)
    store = None if external_kafka else kafka_auth.stack_store(paths)
    kafka_cfg = kafka_broker.BrokerConfig.for_stack(paths, scram_admin=store.admin().pair if store else None)
    security = kafka_cfg.admin_security if store else kafka_security(env)

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="stack-up") as pool:
        pg_future = None if external_db else pool.submit(postgres_server.start, pg_cfg, out=out)
        kafka_future = None if external_kafka else pool.submit(kafka_broker.start, kafka_cfg, out=out)
        server_url = external_db or pg_future.result()
        if kafka_future is not None:
            kafka_future.result()
        bootstrap = external_kafka or kafka_cfg.bootstrap
    if external_db:
        out(f"PostgreSQL: using DATABASE_URL ({_redact(external_db)}); not starting the embedded server")
    if external_kafka:
        out(f"Kafka: using KAFKA_BOOTSTRAP ({external_kafka}); not starting the local broker")

    created = create_service_databases(server_url)
    fresh = [name for name, new in created.items() if new]
    out(f"Databases: {len(created)} service databases ({'created ' + ', '.join(fresh) if fresh else 'all present'})")

    topics = ensure_topics(bootstrap, all_topics(), security=security)
    out(f"Topics: {len(topics.created)} created, {len(topics.existing)} already present")
    if store is not None:
        changes = kafka_auth.ensure_service_access(bootstrap, store)
        created, deleted = sum(c for c, _ in changes.values()), sum(d for _, d in changes.values())
        out(f"Kafka access: SASL/SCRAM, {len(changes)} service principals ({created} ACLs created, {deleted} removed);"
            f" credentials in {store.path}")

    private_key, public_key = ensure_dev_keys(paths.keys)
    out(f"Dev JWT keys: {public_key} (private key {private_key})")

    values = {
        "DATABASE_URL": server_url,
        "KAFKA_BOOTSTRAP": bootstrap,
        "JWT_PUBLIC_KEY_FILE": str(public_key),
        "JWT_PRIVATE_KEY_FILE": str(private_key),
        "VAXTRAIL_ENV": "local",
        "VAXTRAIL_STATE_DIR": str(paths.state),
        **(store.admin().env() if store else {}),
    }
    statefile.write_env_file(paths.stack_env, values)
    out(f"Wrote {paths.stack_env}")
    return StackInfo(server_url, bootstrap, not external_db, not external_kafka, values)


def _redact(url: str) -> str:
    """``url`` without its password."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def stack_down(paths: StackPaths, *, out: Printer = print) -> None:
    """Stop the broker and PostgreSQL if this state folder's stack started them (data is kept)."""
    kafka_broker.stop(kafka_broker.BrokerConfig.for_stack(paths), out=out)
    postgres_server.stop(postgres_server.PostgresConfig.for_stack(paths), out=out)


def _pg_reachable(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def _kafka_reachable(bootstrap: str, saved: dict[str, str]) -> bool:
    from eventkit.kafka import kafka_reachable
    from eventkit.settings import kafka_security

    return kafka_reachable(bootstrap, client_id="vaxtrail-status", **kafka_security(saved))


def stack_status(paths: StackPaths, *, out: Printer = print) -> bool:
    """Print where the infrastructure is and whether it answers. True when everything expected is up."""
    saved = statefile.read_env_file(paths.stack_env)
    pg_cfg = postgres_server.PostgresConfig.for_stack(paths)
    kafka_cfg = kafka_broker.BrokerConfig.for_stack(paths)
    ok = True
    if not saved:
        out(f"No {paths.stack_env}: the stack has not been brought up from this state folder")
        ok = False

    db_url = saved.get("DATABASE_URL", pg_cfg.url)
    if db_url == pg_cfg.url:
        pg = postgres_server.status(pg_cfg)
        reachable = pg.running and _pg_reachable(pg_cfg.url)
        state = f"running (pid {pg.pid})" if pg.running else "NOT RUNNING"
        out(f"  postgres   {state:<22} {pg_cfg.url}  log {pg_cfg.log_file}")
    else:
        reachable = _pg_reachable(db_url)
        out(f"  postgres   {'external, reachable' if reachable else 'external, UNREACHABLE':<22} {_redact(db_url)}")
    ok = ok and reachable

    bootstrap = saved.get("KAFKA_BOOTSTRAP", kafka_cfg.bootstrap)
    if bootstrap == kafka_cfg.bootstrap:
        broker = kafka_broker.status(kafka_cfg)
        reachable = broker.running and _kafka_reachable(bootstrap, saved)
        state = f"running (pid {broker.pid})" if broker.running else "NOT RUNNING"
        out(f"  kafka      {state:<22} {bootstrap}  log {kafka_cfg.log_file}")
    else:
        reachable = _kafka_reachable(bootstrap, saved)
        out(f"  kafka      {'external, reachable' if reachable else 'external, UNREACHABLE':<22} {bootstrap}")
    return ok and reachable


def any_service_running(paths: StackPaths) -> list[str]:
    """Names of pid files under ``<state>/run`` whose processes still run (excluding the broker)."""
    alive = []
    for pid_file in sorted(paths.run.glob("*.pid")):
        if pid_file.name != "kafka.pid" and processes.running_pid(pid_file) is not None:
            alive.append(pid_file.stem)
    return alive
