"""Bulk-upload throughput and memory: ``vaxtrail bench --only registration_bulk`` or ``python -m vaxtrail_cli.bench.registration_bulk``.

Registers CSV files of 5,000, 10,000 and 20,000 rows through :class:`services.registration.bulk.BulkUpload`
(the code behind ``POST /v1/organisations/<id>/uploads``, minus HTTP) against a real PostgreSQL: the one in
``DATABASE_URL``, or an embedded server started in a temporary folder. Each size runs twice on fresh IDs:
once timed (rows/s), once under ``tracemalloc`` (peak Python heap). Flat memory = the peak does not grow with
the file. Results: docs/services/registration.md.

It uses only its own database, ``bench_<run id>_registration`` (:mod:`vaxtrail_cli.bench`), whatever
``DATABASE_URL`` names, and drops it afterwards.
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
from eventkit.aggregates import EventSourcing
from eventkit.envelope import CommandContext
from eventkit.settings import with_database
from eventkit.store.postgres import PostgresEventStore
from services.registration import bootstrap
from services.registration.bootstrap import MIGRATIONS, load_references
from services.registration.bulk import COLUMNS, BulkUpload
from services.registration.codec import build_codec
from services.registration.handlers import Deps
from services.registration.settings import identity_key
from vaxtrail_cli.bench import (
    BenchNames,
    BenchResources,
    assert_isolated,
    bench_names,
    from_tests,
    remove_run,
)

SIZES = (5_000, 10_000, 20_000)


def write_csv(path: Path, rows: int) -> None:
    valid_row = from_tests("tests.integration.registration_csv").valid_row
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for i in range(rows):
            writer.writerow(valid_row(i, "79", "760", "26740", "G4" if i % 9 == 0 else ""))


def build(database_url: str):
    pool = db.make_pool(database_url, max_size=4)
    es = EventSourcing(PostgresEventStore(pool, service="registration"), build_codec(), producer="registration/bench")
    deps = Deps(load_references(), identity_key("local", {}), district_centre=lambda _: None,
                planned_session=lambda _: None, clock=lambda: datetime.now(UTC))
    return pool, BulkUpload(bootstrap.bus(es, deps))


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


def resources(names: BenchNames) -> BenchResources:
    """The one database this benchmark creates for run ``names`` (no topics, no consumer groups)."""
    return BenchResources(databases=[names.database("registration")])


def measure(server: str | None = None, sizes=SIZES, out=print) -> list[dict]:
    """Upload each size twice (timed, then under tracemalloc) on ``server`` (else ``DATABASE_URL``, else an
    embedded server started here); one dict per size."""
    server = server or os.environ.get("DATABASE_URL")
    embedded = None
    names = bench_names()
    plan = resources(names)
    assert_isolated(plan, names)
    results = []
    with tempfile.TemporaryDirectory(prefix="vaxtrail-bench-") as tmp:
        if server is None:
            from vaxtrail_cli import postgres_server, processes
            embedded = postgres_server.PostgresConfig(pgdata=Path(tmp) / "pgdata", log_file=Path(tmp) / "pg.log",
                                                      port=processes.free_ports(1)[0], fast=True)
            server = postgres_server.start(embedded, out=lambda message: None)
        [name] = plan.databases
        try:
            db.ensure_database(server, name)
            url = with_database(server, name)
            db.migrate(url, MIGRATIONS)
            pool, uploads = build(url)
            out(f"{'rows':>7} {'seconds':>8} {'rows/s':>8} {'peak heap (tracemalloc)':>24} {'max RSS':>9}")
            for size in sizes:
                timed, traced = Path(tmp) / f"timed-{size}.csv", Path(tmp) / f"traced-{size}.csv"
                write_csv(timed, size)
                write_csv(traced, size)
                elapsed, _, registered = run(uploads, timed, measure_memory=False)
                _, peak, _ = run(uploads, traced, measure_memory=True)
                rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                assert registered == size, (registered, size)
                out(f"{size:>7} {elapsed:>8.1f} {size / elapsed:>8.0f} {peak / 2**20:>21.1f} MiB {rss:>5.0f} MiB")
                results.append({"rows": size, "seconds": round(elapsed, 2), "rows_per_s": round(size / elapsed),
                                "peak_heap_mib": round(peak / 2**20, 1), "max_rss_mib": round(rss)})
            pool.close()
        finally:
            remove_run(names, server_url=server)
            if embedded is not None:
                from vaxtrail_cli import postgres_server
                postgres_server.stop(embedded, out=lambda message: None)
    return results


def main() -> int:
    measure(out=lambda line: print(line, flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
