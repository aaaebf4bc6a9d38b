"""``python -m services.audit.bench``: see the package docstring."""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

from eventkit import db
from eventkit.settings import Settings, with_database
from services.audit import bootstrap
from services.audit.bench import load, resources, world
from vaxtrail_cli.bench import (
    assert_isolated,
    bench_names,
    bench_settings,
    create_topics,
    remove_run,
)


def _servers() -> tuple[str, str]:
    from vaxtrail_cli.commands.common import load_stack_env, stack_paths

    load_stack_env(stack_paths())
    server, bootstrap_servers = os.environ.get("DATABASE_URL"), os.environ.get("KAFKA_BOOTSTRAP")
    if not server or not bootstrap_servers:
        raise SystemExit("DATABASE_URL and KAFKA_BOOTSTRAP are needed (`vaxtrail stack up` writes stack.env)")
    return server, bootstrap_servers


def _percentiles(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    pick = lambda q: round(ms[min(len(ms) - 1, int(q * len(ms)))], 2)  # noqa: E731
    return {"n": len(ms), "p50_ms": pick(0.50), "p95_ms": pick(0.95), "p99_ms": pick(0.99),
            "mean_ms": round(statistics.fmean(ms), 2)}


def ingest(settings: Settings, bootstrap_servers: str, url: str, run: str, first_dose: int, doses: int,
           first_position: int, already: int) -> dict:
    """Feed ``doses`` through Kafka and run the worker until the trees hold every event (``already`` + fed)."""
    events = list(world.campaign(doses, run, first_dose, first_position))
    expected = already + len(events)
    started = time.monotonic()
    sent = load.feed(bootstrap_servers, settings.topic_of, events)
    produced = time.monotonic() - started
    stop = threading.Event()
    from eventkit.worker import run_worker

    worker = threading.Thread(target=run_worker, args=(bootstrap.components(settings),),
                              kwargs={"stop": stop, "install_signals": False}, daemon=True)
    started = time.monotonic()
    worker.start()
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        while conn.execute("SELECT coalesce(sum(size), 0) FROM audit_trees").fetchone()[0] < expected:
            if time.monotonic() - started > 3600:
                raise RuntimeError("the worker did not seal the fed events within an hour")
            time.sleep(0.5)
    sealed = time.monotonic() - started
    stop.set()
    worker.join(timeout=60)
    return {"events": sent, "produce_seconds": round(produced, 1), "consume_and_seal_seconds": round(sealed, 1),
            "events_per_second": round(sent / sealed)}


def trails(settings: Settings, doses: int, run: str, samples: int) -> dict:
    from eventkit.auth import generate_dev_keypair, mint_token

    folder = Path(tempfile.mkdtemp(prefix="audit-bench-"))
    private, public = generate_dev_keypair(folder / "jwt")
    app = bootstrap.WIRING.create_app(Settings(**{**{f: getattr(settings, f) for f in Settings.__dataclass_fields__},
                                                  "jwt_public_key_file": str(public)}))
    client = app.test_client()
    token = mint_token(Path(private).read_bytes(), subject="bench-auditor", role="auditor", scopes=["national"])
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "INVESTIGATION"}
    rng = random.Random(7)
    picks = [rng.randrange(doses) for _ in range(samples)]

    def timed(paths: list[str]) -> dict:
        seconds = []
        for path in paths:
            started = time.perf_counter()
            response = client.get(path, headers=headers)
            seconds.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code, response.text[:300])
        return _percentiles(seconds)

    dose_ids = [world.dose_id(run, n) for n in picks]
    first = client.get(f"/v1/doses/{dose_ids[0]}/trail", headers=headers).json
    proofs = [s["event_id"] for s in first["steps"]][:1]
    result = {
        "dose_trail": timed([f"/v1/doses/{d}/trail" for d in dose_ids]),
        "dose_trail_steps": len(first["steps"]),
        "certificate_trail": timed([f"/v1/certificates/URN:UVCI:01:VN:{n:010d}%23K/trail" for n in picks[:200]]),
        "person_trail": timed([f"/v1/persons/P-{run}-{n:07d}/trail" for n in picks[:200]]),
        "lot_trail_10000_doses": timed([f"/v1/lots/LOT-{run}-{n // world.LOT_DOSES:04d}/trail"
                                        for n in picks[:5]]),
    }
    client.post("/v1/checkpoints", json={}, headers=headers)
    _project_checkpoints(settings.database_url)
    events = [client.get(f"/v1/doses/{d}/trail", headers=headers).json["steps"][-1]["event_id"]
              for d in dose_ids[:200]]
    result["inclusion_proof"] = timed([f"/v1/proofs/inclusion?event_id={e}" for e in events + proofs])
    app.extensions["runtime"].close()
    return result


def _project_checkpoints(url: str) -> None:
    """What the worker's checkpoints projection does (the bench's app runs without the worker)."""
    import psycopg

    from services.audit.codec import build_codec
    from services.audit.projections.checkpoints import checkpoints

    codec = build_codec()
    projection = checkpoints(codec)
    with psycopg.connect(url) as conn:
        for event_type, payload in conn.execute(
                "SELECT event_type, payload FROM events WHERE event_type LIKE '%%CheckpointSigned'").fetchall():
            projection.handlers[event_type](conn, None, codec.decode(event_type, bytes(payload)))


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m services.audit.bench", description=__doc__)
    parser.add_argument("--doses", type=int, default=1_000_000)
    parser.add_argument("--kafka-doses", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--out", default="bench/results")
    parser.add_argument("--keep", action="store_true",
                        help="leave the run's database and topics, and write <out>/audit-run.json naming them, "
                             "so --reuse can time trails again later (e.g. once the machine is quiet)")
    parser.add_argument("--reuse", metavar="RUN_JSON",
                        help="skip loading and ingest: time trails on the run an earlier --keep left")
    args = parser.parse_args()
    if args.doses % world.LOT_DOSES or args.kafka_doses % world.LOT_DOSES:
        raise SystemExit(f"doses come in lots of {world.LOT_DOSES}")
    server, bootstrap_servers = _servers()
    kept = json.loads(Path(args.reuse).read_text()) if args.reuse else None
    names = bench_names(kept["run_id"] if kept else None)
    plan = resources(names)
    assert_isolated(plan, names)
    [database] = plan.databases
    state = Path(tempfile.mkdtemp(prefix="audit-bench-state-"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        url = with_database(server, database)
        settings = bench_settings(Settings(service="audit", database_url=url, kafka_bootstrap=bootstrap_servers,
                                           env="local", state_dir=str(state), log_level="WARNING"),
                                  names, topic="audit", dlq_topic="audit-dlq")
        run = names.run_id[:6]
        if kept:
            loaded, fed, doses = kept["loaded"], kept["ingest"], kept["loaded"]["doses"]
        else:
            db.ensure_database(server, database)
            db.migrate(url, bootstrap.MIGRATIONS)
            create_topics(bootstrap_servers, plan.partitions)
            started = time.monotonic()
            sizes = load.bulk(url, world.campaign(args.doses, run))
            loaded = {"doses": args.doses, "events": sum(sizes.values()), "seconds": round(time.monotonic() - started)}
            with db.make_pool(url, max_size=1) as pool, pool.connection() as conn:
                conn.execute("ANALYZE")
            fed = ingest(settings, bootstrap_servers, url, run, args.doses, args.kafka_doses,
                         max(sizes.values()) + 1, sum(sizes.values())) if args.kafka_doses else {}
            doses = args.doses
            if args.keep:
                (out / "audit-run.json").write_text(json.dumps(
                    {"run_id": names.run_id, "database": database, "loaded": loaded, "ingest": fed}, indent=2) + "\n")
        result = {"run_id": names.run_id, "loaded": loaded, "ingest": fed,
                  "trails": trails(settings, doses, run, args.samples), "cpus": os.cpu_count(),
                  "load_average_after": os.getloadavg()}
    finally:
        if not args.keep:
            remove_run(names, bootstrap=bootstrap_servers, server_url=server)
    (out / "audit.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
