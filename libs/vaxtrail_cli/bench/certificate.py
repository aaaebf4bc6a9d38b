"""Certificate benchmarks: ``vaxtrail bench`` runs both; alone: ``python -m vaxtrail_cli.bench.certificate [--latency]``.

1. **Offline verification rate per core**: full ``HC1:`` and ``shc:/`` verification (Base45, zlib, CBOR /
   JWS, signature, signer, times, schema, revocation lookup) in one process, against the raw ECDSA P-256
   verify rate of ``cryptography`` on the same machine; plus signing (issuance) and QR PNG rendering rates.
2. **Dose administered -> certificate available** (``--latency``): PostgreSQL and Kafka (``DATABASE_URL`` /
   ``KAFKA_BOOTSTRAP``, else embedded ones started here) and the certificate worker's real components
   (relay, projections, issuer, key publisher; keys made for the run) receive ``DoseAdministered`` events at
   a steady pace; "available" = the certificate is in the read model the citizen's ``GET .../record`` serves.
   Reports p50 / p95 / max. Everything lives in the run's own topics (``bench.<run id>.immunization`` ...),
   consumer groups (``bench.<run id>.certificate.*``) and database (``bench_<run id>_certificate``) -
   never the stack's ``vaxtrail.*`` topics, groups or databases, even on the stack's servers - and is
   deleted afterwards (:mod:`vaxtrail_cli.bench`).

Alone, it writes a JSON summary to ``bench/results/certificate-<UTC stamp>.json`` and prints it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from eventkit.topics import EVENT_TOPIC_PARTITIONS
from vaxtrail_cli.bench import (
    BenchNames,
    BenchResources,
    assert_isolated,
    bench_names,
    bench_settings,
    create_topics,
    from_tests,
    remove_run,
)

BENCH_RUN_VARIABLE = "VAXTRAIL_BENCH_RUN_ID"


def _rate(fn, seconds: float) -> float:
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(50):
            fn()
        count += 50
    return count / elapsed


def offline_rates(seconds: float) -> dict:
    from eventkit.product_codes import resolve
    from services.certificate.domain.certificates import PersonCertificates, Synchronise, synchronise
    from services.certificate.domain.record import CanonicalRecord, Dose, Person
    from services.certificate.formats.factory import CertificateFactory
    from services.certificate.formats.images import qr_png
    from services.certificate.signing.keyring import init_keyring, load_keyring
    from services.certificate.signing.lists import sign_list, trust_list_document
    from services.certificate.verifier import TrustStore, verify

    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as scratch:
        ring = load_keyring(init_keyring(Path(scratch) / "keys"))
    factory = CertificateFactory(ring, issuer_name="Ministry of Health of Viet Nam",
                                 shc_issuer_url="https://certificates.vaxtrail.example")
    az = resolve("Vaxzevria")
    record = CanonicalRecord("P-BENCH", Person("P-BENCH", "Nguyễn Văn An", "", "", "1980-05-17", False, "VN", "r1"),
                             (Dose("D1", "e1", date(2021, 6, 1), "PRIMARY", 1, az, "ABV5300"),
                              Dose("D2", "e2", date(2021, 8, 24), "PRIMARY", 2, az, "ABV5301")))
    texts: dict[str, str] = {}

    def issue(request):
        signed = factory.sign(request)
        texts[request.format] = signed.text
        return signed.event

    synchronise(PersonCertificates.empty(), Synchronise(record, now), issue=issue)
    store = TrustStore.from_signed(ring.csca, sign_list(ring, trust_list_document(ring, now)), None, at=now)
    key = ec.generate_private_key(ec.SECP256R1())
    message = b"x" * 300
    signature = key.sign(message, ec.ECDSA(hashes.SHA256()))
    public = key.public_key()

    def sign_both():
        synchronise(PersonCertificates.empty(), Synchronise(record, now), issue=issue)

    hc1, shc = texts["EU_DCC_HC1"], texts["SMART_HEALTH_CARD"]
    return {
        "raw_ecdsa_p256_verify_per_s": round(_rate(lambda: public.verify(signature, message, ec.ECDSA(hashes.SHA256())),
                                                   seconds)),
        "raw_ecdsa_p256_sign_per_s": round(_rate(lambda: key.sign(message, ec.ECDSA(hashes.SHA256())), seconds)),
        "hc1_verify_per_s": round(_rate(lambda: verify(hc1, store, at=now), seconds)),
        "shc_verify_per_s": round(_rate(lambda: verify(shc, store, at=now), seconds)),
        "issue_both_formats_per_s": round(_rate(sign_both, seconds)),
        "qr_png_render_per_s": round(_rate(lambda: qr_png(hc1), seconds / 2), 1),
        "hc1_length": len(hc1), "shc_length": len(shc),
    }


SOURCE_SERVICES = ("registration", "immunization", "inventory")


def latency_resources(names: BenchNames) -> BenchResources:
    """The topics, consumer groups and database ``--latency`` creates for run ``names`` (never the stack's)."""
    partitions = {names.topic(service): EVENT_TOPIC_PARTITIONS for service in (*SOURCE_SERVICES, "certificate")}
    partitions[names.topic("certificate-dlq")] = 1
    groups = [names.group(f"certificate.{projection}") for projection in ("canonical_records", "certificate_views")]
    return BenchResources(topics=list(partitions), groups=groups, databases=[names.database("certificate")],
                          group_prefix=names.group_prefix, partitions=partitions)


def latency(persons: int, pace: float, *, names: BenchNames | None = None, server: str | None = None,
            bootstrap: str | None = None) -> dict:
    """Start (or use) PostgreSQL + Kafka, run the certificate worker, feed doses, time certificates.

    ``server`` / ``bootstrap`` (else ``DATABASE_URL`` / ``KAFKA_BOOTSTRAP``) may name the stack's servers: the
    run still uses only its own ``bench.<run id>.*`` topics and groups and its ``bench_<run id>_certificate``
    database, and removes them. Without either, it starts its own.
    """
    from eventkit import db
    from eventkit.settings import with_database
    from services.certificate.bootstrap import MIGRATIONS
    from services.certificate.signing.keyring import init_keyring
    from vaxtrail_cli import kafka_broker, postgres_server, processes
    from vaxtrail_cli.paths import StackPaths

    names = names or bench_names()
    plan = latency_resources(names)
    assert_isolated(plan, names)
    root = Path(tempfile.mkdtemp(prefix="vaxtrail-cert-bench-"))
    pg_cfg = broker_cfg = worker = None
    server, bootstrap = server or os.environ.get("DATABASE_URL"), bootstrap or os.environ.get("KAFKA_BOOTSTRAP")
    try:
        if not server:
            pg_cfg = postgres_server.PostgresConfig(pgdata=root / "pgdata", log_file=root / "postgres.log",
                                                    port=processes.free_ports(1)[0], fast=True)
            server = postgres_server.start(pg_cfg, out=lambda _: None)
        if not bootstrap:
            port, controller = processes.free_ports(2)
            broker_cfg = kafka_broker.BrokerConfig(home=root / "kafka", libs=StackPaths.from_env().kafka_libs,
                                                   log_file=root / "kafka.log", pid_file=root / "kafka.pid",
                                                   port=port, controller_port=controller, fast_start=True)
            kafka_broker.start(broker_cfg, timeout=120, out=lambda _: None)
            bootstrap = broker_cfg.bootstrap
        create_topics(bootstrap, plan.partitions)
        [database] = plan.databases
        db.ensure_database(server, database)
        url = with_database(server, database)
        db.migrate(url, MIGRATIONS)
        keys = init_keyring(root / "keys")
        env = {**os.environ, "DATABASE_URL": server, "CERTIFICATE_DATABASE_URL": url, "KAFKA_BOOTSTRAP": bootstrap,
               "VAXTRAIL_ENV": "local", "VAXTRAIL_STATE_DIR": str(root), "CERTIFICATE_KEYS_DIR": str(keys),
               "CERTIFICATE_SHC_ISSUER": "http://127.0.0.1:8005", "LOG_LEVEL": "WARNING",
               "KAFKA_GROUP_PREFIX": names.group_prefix, BENCH_RUN_VARIABLE: names.run_id}
        for inherited in ("METRICS_PORT", "WORKER_INSTANCE_ID"):  # the stack's worker's, not this one's
            env.pop(inherited, None)
        with open(root / "worker.log", "wb") as log:
            worker = subprocess.Popen([sys.executable, "-m", "vaxtrail_cli.bench.certificate", "--worker"], env=env,
                                      stdout=log, stderr=subprocess.STDOUT)
        return {"run_id": names.run_id, **_feed_and_time(url, bootstrap, persons, pace, names)}
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        if server and bootstrap:
            remove_run(names, bootstrap=bootstrap, server_url=server)
        if broker_cfg:
            kafka_broker.stop(broker_cfg, out=lambda _: None)
        if pg_cfg:
            postgres_server.stop(pg_cfg, out=lambda _: None)
        shutil.rmtree(root, ignore_errors=True)


def run_bench_worker() -> None:
    """``--worker``: the certificate worker's real components, on the run's topics and groups (env names them)."""
    from eventkit.logs import configure_logging
    from eventkit.settings import Settings
    from eventkit.worker import run_worker
    from services.certificate import bootstrap

    names = BenchNames(os.environ[BENCH_RUN_VARIABLE])
    settings = bench_settings(Settings.from_env("certificate"), names, topic="certificate",
                              dlq_topic="certificate-dlq")
    configure_logging(settings.service, settings.log_level)
    run_worker(bootstrap.components(settings))  # settings.topic_of names every topic the run's


def _feed_and_time(url: str, bootstrap: str, persons: int, pace: float, names: BenchNames) -> dict:
    import psycopg

    world = from_tests("tests.integration.certificate_world").World(bootstrap, topic_for=names.topic)
    run = uuid.uuid4().hex[:6]
    world.presentation("AZ-BENCH")
    world.lot(f"LOT-{run}", "ABV5300", "AZ-BENCH")
    ids = [f"P-{run}-{i}" for i in range(persons)]
    for person_id in ids:
        world.person(person_id)
    with psycopg.connect(url, autocommit=True) as conn:
        _wait(lambda: conn.execute("SELECT count(*) FROM record_persons").fetchone()[0] >= persons, 120)
        sent: dict[str, float] = {}
        seen: dict[str, float] = {}
        start = time.monotonic()
        for i, person_id in enumerate(ids):
            world.dose(person_id, f"{person_id}-D1", 1, datetime(2021, 6, 1, 3, tzinfo=UTC), lot_id=f"LOT-{run}",
                       lot_number="ABV5300", presentation_id="AZ-BENCH")
            sent[person_id] = time.monotonic()
            while time.monotonic() < start + (i + 1) / pace:  # keep observing between sends (5 ms resolution)
                _collect(conn, sent, seen)
                time.sleep(0.005)
        deadline = time.monotonic() + 120
        while len(seen) < persons and time.monotonic() < deadline:
            _collect(conn, sent, seen)
            time.sleep(0.005)
    world.close()
    latencies = sorted((seen[p] - sent[p]) * 1000 for p in seen)
    return {"persons": persons, "pace_per_s": pace, "certificates_seen": len(latencies),
            "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1), "max_ms": round(latencies[-1], 1)}


def _collect(conn, sent: dict, seen: dict) -> None:
    waiting = [p for p in sent if p not in seen]
    if not waiting:
        return
    rows = conn.execute("SELECT DISTINCT person_id FROM certificate_view WHERE person_id = ANY(%s)"
                        " AND format = 'EU_DCC_HC1'", (waiting,)).fetchall()
    now = time.monotonic()
    for (person_id,) in rows:
        seen[person_id] = now


def _wait(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the stack did not catch up")
        time.sleep(0.05)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vaxtrail_cli.bench.certificate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per rate measurement")
    parser.add_argument("--latency", action="store_true", help="also measure dose -> certificate on a local stack")
    parser.add_argument("--persons", type=int, default=200)
    parser.add_argument("--pace", type=float, default=20.0, help="doses per second fed during --latency")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)  # the --latency run's worker
    args = parser.parse_args(argv)
    if args.worker:
        run_bench_worker()
        return 0
    result = {"at": datetime.now(UTC).isoformat(), "cpu_count": os.cpu_count(), "offline": offline_rates(args.seconds)}
    if args.latency:
        result["dose_to_certificate"] = latency(args.persons, args.pace)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"certificate-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
