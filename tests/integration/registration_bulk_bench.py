"""Bulk-upload throughput and memory (a benchmark, not a test): ``python -m tests.integration.registration_bulk_bench``.

Registers CSV files of 5,000, 10,000 and 20,000 rows through :class:`services.registration.bulk.BulkUpload`
(the code behind ``POST /v1/organisations/<id>/uploads``, minus HTTP) against a real PostgreSQL: the one in
``DATABASE_URL``, or an embedded server started in a temporary folder. Each size runs twice on fresh IDs:
once timed (rows/s), once under ``tracemalloc`` (peak Python heap). Flat memory = the peak does not grow with
the file. Results: docs/services/registration.md.
"""

from __future__ import annotations

import csv
import os
import resource
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, datetime
from pathlib import Path

from eventkit import db
from eventkit.aggregates import Repository
from eventkit.envelope import CommandContext
from eventkit.settings import with_database
from eventkit.store.postgres import PostgresEventStore
from services.registration.bootstrap import MIGRATIONS, load_references
from services.registration.bulk import COLUMNS, BulkUpload
from services.registration.codec import build_codec
from services.registration.handlers import Lookups, RegistrationHandlers
from services.registration.settings import identity_key

from .registration_csv import valid_row

SIZES = (5_000, 10_000, 20_000)


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for i in range(rows):
            writer.writerow(valid_row(i, "79", "760", "26740", "G4" if i % 9 == 0 else ""))


def build(database_url: str):
    pool = db.make_pool(database_url, max_size=4)
    codec = build_codec()
    repository = Repository(PostgresEventStore(pool, service="registration"), codec, producer="registration/bench")
    handlers = RegistrationHandlers(repository, codec, "registration/bench", load_references(),
                                    identity_key("local", {}), Lookups(lambda _: None, lambda _: None),
                                    clock=lambda: datetime.now(UTC))
    return pool, BulkUpload(handlers, pool)


def run(uploads: BulkUpload, path: Path, *, measure_memory: bool) -> tuple[float, int, int]:
    context = CommandContext(actor_id="bench", actor_role="national_admin")
    with path.open("rb") as body, tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+") as report:
        if measure_memory:
            tracemalloc.start()
        started = time.perf_counter()
        summary = uploads.process(f"ORG-BENCH-{uuid.uuid4().hex[:6]}", body, context, report)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if measure_memory else 0
        if measure_memory:
            tracemalloc.stop()
    return elapsed, peak, summary.registered


def main() -> int:
    server = os.environ.get("DATABASE_URL")
    embedded = None
    with tempfile.TemporaryDirectory(prefix="vaxtrail-bench-") as tmp:
        if server is None:
            from vaxtrail_cli import postgres_server, processes
            embedded = postgres_server.PostgresConfig(pgdata=Path(tmp) / "pgdata", log_file=Path(tmp) / "pg.log",
                                                      port=processes.free_ports(1)[0], fast=True)
            server = postgres_server.start(embedded, out=lambda message: None)
        name = f"bench_registration_{uuid.uuid4().hex[:8]}"
        db.ensure_database(server, name)
        try:
            url = with_database(server, name)
            db.migrate(url, MIGRATIONS)
            pool, uploads = build(url)
            print(f"{'rows':>7} {'seconds':>8} {'rows/s':>8} {'peak heap (tracemalloc)':>24} {'max RSS':>9}")
            for size in SIZES:
                timed, traced = Path(tmp) / f"timed-{size}.csv", Path(tmp) / f"traced-{size}.csv"
                write_csv(timed, size)
                write_csv(traced, size)
                elapsed, _, registered = run(uploads, timed, measure_memory=False)
                _, peak, _ = run(uploads, traced, measure_memory=True)
                rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                assert registered == size, (registered, size)
                print(f"{size:>7} {elapsed:>8.1f} {size / elapsed:>8.0f} {peak / 2**20:>21.1f} MiB {rss:>5.0f} MiB",
                      flush=True)
            pool.close()
        finally:
            db.drop_database(server, name)
            if embedded is not None:
                from vaxtrail_cli import postgres_server
                postgres_server.stop(embedded, out=lambda message: None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
