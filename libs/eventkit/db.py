"""PostgreSQL plumbing: connection pools, database creation and numbered SQL migrations.

Migrations are plain ``NNNN_name.sql`` files. ``migrate`` applies eventkit's own folder first, then the
service's, each file once (recorded in ``schema_migrations``), under an advisory lock so that two
processes migrating at once cannot interleave.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool

EVENTKIT_MIGRATIONS = Path(__file__).parent / "migrations"
_MIGRATION_LOCK = 7_100_001


def make_pool(database_url: str, *, min_size: int = 1, max_size: int = 10, name: str = "vaxtrail",
              timeout: float = 30.0, wait: bool = True) -> ConnectionPool:
    """An open pool; the caller closes it. Connections autocommit off, one transaction per ``with``.

    ``timeout``: how long ``pool.connection()`` waits for a connection before ``PoolTimeout``. With
    ``wait=False`` the pool opens at once and connects in the background: a service process starts while
    its database is down and reports not ready (``/readyz`` 503) until it is up, instead of failing to start.
    """
    pool = ConnectionPool(database_url, min_size=min_size, max_size=max_size, name=name, timeout=timeout,
                          open=False)
    pool.open(wait=wait, timeout=30)
    return pool


def ensure_database(server_url: str, name: str) -> bool:
    """Create database ``name`` on the server if missing. Returns True if it was created."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            return False
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.errors.DuplicateDatabase:
            return False
        return True


def drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def migration_files(folders: Iterable[Path]) -> list[tuple[str, Path]]:
    files: list[tuple[str, Path]] = []
    for folder in folders:
        component = "eventkit" if folder == EVENTKIT_MIGRATIONS else folder.parent.name
        files.extend((component, path) for path in sorted(folder.glob("[0-9][0-9][0-9][0-9]_*.sql")))
    return files


def migrate(database_url: str, service_migrations: Path | None = None) -> list[str]:
    """Apply pending migrations; returns the names applied (empty when up to date)."""
    folders = [EVENTKIT_MIGRATIONS] + ([service_migrations] if service_migrations else [])
    applied: list[str] = []
    with psycopg.connect(database_url) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_MIGRATION_LOCK,))
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " component text NOT NULL, name text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (component, name))"
            )
            conn.commit()
            done = {(c, n) for c, n in conn.execute("SELECT component, name FROM schema_migrations")}
            for component, path in migration_files(folders):
                if (component, path.name) in done:
                    continue
                with conn.transaction():
                    conn.execute(path.read_text())
                    conn.execute(
                        "INSERT INTO schema_migrations (component, name) VALUES (%s, %s)", (component, path.name)
                    )
                applied.append(f"{component}/{path.name}")
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_MIGRATION_LOCK,))
            conn.commit()
    return applied
