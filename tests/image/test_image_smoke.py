"""Every role of the one image, started from its file system the way the manifests start it.

Commands, arguments and environment come from the generated manifests (deploy/k8s/base), with the
Secrets' and the cluster's values replaced by the test's: the PostgreSQL server and Kafka broker of the
``infra`` fixture (plaintext, no SCRAM), a database per service created up front (CloudNativePG's job),
ports that do not collide (pods have their own network; here all share the host's), and one web worker
process each. Then: migrations apply, the topic check passes (and fails against national sizes), the
certificate keyring unpacks with the init container's command, the audit checkpoint key is mounted from its
Secret's path, every web answers /healthz and /readyz, every worker leads its relay, the audit web serves the
mounted key, a receipt posted to inventory's web appears in stock through inventory's worker, ``vaxtrail
rebuild`` replays it, ``vaxtrail dlq list`` reads the dead-letter topic; and the web gateway (its own
Deployment) answers /healthz and /readyz, serves the built app's index.html from the image at ``/`` and relays
``/api/<service>/…`` to the services' webs.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from secrets import token_hex

import psycopg
import pytest
import yaml

from eventkit.auth import mint_token
from eventkit.auth.keys import generate_dev_keypair
from eventkit.db import ensure_database
from eventkit.settings import SERVICES
from eventkit.topics import all_topics
from services.audit.signing import Signer
from tests.image.conftest import UID, ImageRunner
from tests.integration.conftest import Infra
from tests.kubelet import kubelet_env
from vaxtrail_cli.processes import free_ports

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "deploy" / "k8s" / "base"
RUN = uuid.uuid4().hex[:8]


def manifests(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def config_maps() -> dict[str, dict]:
    docs = manifests(BASE / "common.yaml") + manifests(BASE / "web-gateway.yaml") + \
        [d for s in SERVICES for d in manifests(BASE / "services" / f"{s}.yaml")]
    return {d["metadata"]["name"]: d["data"] for d in docs if d["kind"] == "ConfigMap"}


def pod(service: str, kind: str, name: str) -> dict:
    path = {"ops": "generated-ops.yaml", "web": "web-gateway.yaml"}.get(service, f"services/{service}.yaml")
    docs = manifests(BASE / path)
    return next(d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name)["spec"]["template"]["spec"]


def secret_volume(service: str, deployment: str, secret: str) -> tuple[dict, dict]:
    """The volume of ``deployment`` that holds Secret ``secret``, and the container's mount of it."""
    spec = pod(service, "Deployment", deployment)
    volume = next(v for v in spec["volumes"] if v.get("secret", {}).get("secretName") == secret)
    mount = next(m for m in spec["containers"][0]["volumeMounts"] if m["name"] == volume["name"])
    return volume, mount


@pytest.fixture(scope="module")
def world(runner: ImageRunner, infra: Infra, tmp_path_factory):
    """Secrets, databases and volumes for every service; returns a function (service, kind, name) -> (argv, env)."""
    volumes = tmp_path_factory.mktemp("volumes")
    jwt_dir = volumes / "jwt"
    private, public = generate_dev_keypair(volumes / "jwt-keys")
    jwt_dir.mkdir()
    shutil.copy(public, jwt_dir / "public.pem")
    keys_archive, keys = volumes / "certificate-keys-archive", volumes / "certificate-keys"
    keys_archive.mkdir()
    keys.mkdir()
    keyring = volumes / "keyring"
    subprocess.run([sys.executable, "-m", "services.certificate.signing.keytool", "init", str(keyring)], check=True,
                   capture_output=True)
    (keyring / "csca.key.pem").unlink()  # the service's copy never holds the CSCA key (docs/operations.md)
    with tarfile.open(keys_archive / "keyring.tar", "w") as archive:
        archive.add(keyring, arcname=".")
    # the audit checkpoint key, as Secret audit-signing-key's volume holds it (the key file at the item's path)
    audit_volume, audit_mount = secret_volume("audit", "audit-web", "audit-signing-key")
    audit_key_dir = volumes / "audit-signing-key"
    audit_key_dir.mkdir()
    subprocess.run([sys.executable, "-m", "services.audit.signing", "init",
                    str(audit_key_dir / audit_volume["secret"]["items"][0]["path"])], check=True, capture_output=True)
    # the partner feeds' pseudonym master key, as Secret partner-key's volume holds it (64 hex characters)
    partner_volume, partner_mount = secret_volume("partner", "partner-web", "partner-key")
    partner_key_dir = volumes / "partner-key"
    partner_key_dir.mkdir()
    (partner_key_dir / partner_volume["secret"]["items"][0]["path"]).write_text(token_hex(32) + "\n")
    for path in (volumes, *volumes.rglob("*")):
        os.chown(path, UID, UID)
    runner.mounts.update({"/etc/vaxtrail/jwt": (jwt_dir, True),
                          "/etc/vaxtrail/certificate-keys-archive": (keys_archive, True),
                          "/var/run/vaxtrail/certificate-keys": (keys, False),
                          audit_mount["mountPath"]: (audit_key_dir, True),
                          partner_mount["mountPath"]: (partner_key_dir, True)})
    secrets: dict[tuple[str, str], str] = {("registration-identity-key", "key"): "smoke-test-identity-key-" + "x" * 16}
    for service in SERVICES:
        database = f"smoke_{RUN}_{service}"
        ensure_database(infra.server_url, database)
        secrets[(f"{service}-db-app", "uri")] = infra.database_url(database)
        secrets[(f"vaxtrail-{service}", "password")] = "unused-on-a-plaintext-listener"
    secrets[("vaxtrail-ops", "password")] = "unused-on-a-plaintext-listener"
    cluster = {"KAFKA_BOOTSTRAP": infra.kafka_bootstrap, "KAFKA_SECURITY_PROTOCOL": "PLAINTEXT",
               "KAFKA_GROUP_PREFIX": f"smoke-{RUN}", "JWT_PUBLIC_KEY_FILE": "/etc/vaxtrail/jwt/public.pem",
               "WEB_CONCURRENCY": "1", "WEB_THREADS": "2"}

    def role(service: str, kind: str, name: str, **overrides: str) -> tuple[list[str], dict[str, str]]:
        spec = pod(service, kind, name)
        container = spec["containers"][0]
        env = kubelet_env(container, config_maps(), secrets) | cluster | overrides
        return container["command"] + container.get("args", []), env

    role.private_key = private.read_bytes()
    role.audit_public_key = base64.b64encode(Signer.load(next(audit_key_dir.iterdir())).public_key).decode()
    role.infra = infra
    yield role
    for service in SERVICES:
        with psycopg.connect(infra.server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "smoke_{RUN}_{service}" WITH (FORCE)')


def http_get(url: str, token: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError:
        return 0, b""


def http_post(url: str, token: str, body: dict) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_for(what: str, check, processes, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        dead = [p for p in processes if p.poll() is not None]
        if dead:
            logs = "\n".join(f"--- {p.log_path.name}\n{p.log_path.read_text()[-3000:]}" for p in dead)
            pytest.fail(f"{what}: a process from the image exited\n{logs}")
        time.sleep(0.2)
    logs = "\n".join(f"--- {p.log_path.name}\n{p.log_path.read_text()[-2000:]}" for p in processes)
    pytest.fail(f"{what}: not within {timeout:.0f}s\n{logs}")


def test_every_role_of_the_image_runs_healthy(runner: ImageRunner, world) -> None:
    # migrate: one Job per service, against the database CloudNativePG would have created
    for service in SERVICES:
        argv, env = world(service, "Job", f"{service}-migrate")
        done = runner.run(argv, env)
        assert done.returncode == 0, done.stdout + done.stderr
        with psycopg.connect(env[f"{service.upper()}_DATABASE_URL"]) as conn:
            assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] > 0

    # topics: the manifest's check (national sizes) finds the test broker's 6 partitions too few; the local check passes
    argv, env = world("ops", "Job", "vaxtrail-topics")
    national = runner.run(argv, env)
    assert national.returncode == 1 and "has 6 partitions, declared 24" in national.stdout, national.stdout + national.stderr
    local = runner.run([a for a in argv if a != "--national"], env)
    declared = len(all_topics())
    assert local.returncode == 0 and f"{declared} of {declared} topics as declared" in local.stdout, \
        local.stdout + local.stderr

    # the certificate keyring: the init container's command unpacks the Secret's tar
    init = pod("certificate", "Deployment", "certificate-web")["initContainers"][0]
    done = runner.run(init["command"], {})
    assert done.returncode == 0 and (runner.mounts["/var/run/vaxtrail/certificate-keys"][0] / "keyring.json").is_file(), \
        done.stdout + done.stderr
    runner.mounts["/var/run/vaxtrail/certificate-keys"] = (runner.mounts["/var/run/vaxtrail/certificate-keys"][0], True)

    # web and worker of every service
    ports = free_ports(2 * len(SERVICES) + 1)
    web_ports = dict(zip(SERVICES, ports[: len(SERVICES)], strict=True))
    metrics_ports = dict(zip(SERVICES, ports[len(SERVICES):-1], strict=True))
    gateway_port = ports[-1]
    processes = []
    for service in SERVICES:
        argv, env = world(service, "Deployment", f"{service}-web",
                          BIND=f"127.0.0.1:{web_ports[service]}", PORT=str(web_ports[service]))
        processes.append(runner.start(f"{service}-web", argv, env))
        argv, env = world(service, "Deployment", f"{service}-worker",
                          METRICS_PORT=str(metrics_ports[service]), METRICS_BIND="127.0.0.1")
        processes.append(runner.start(f"{service}-worker", argv, env))
    for service in SERVICES:
        for route in ("/healthz", "/readyz"):
            wait_for(f"{service} {route}", lambda s=service, r=route: http_get(f"http://127.0.0.1:{web_ports[s]}{r}")[0] == 200,
                     processes)
        wait_for(f"{service} relay leader", lambda s=service: f'vaxtrail_relay_leader{{service="{s}"}} 1.0'.encode()
                 in http_get(f"http://127.0.0.1:{metrics_ports[s]}/metrics")[1], processes)

    # the audit web signs with the key mounted from its Secret (AUDIT_SIGNING_KEY_FILE of audit-config)
    status, body = http_get(f"http://127.0.0.1:{web_ports['audit']}/v1/checkpoints/latest")
    assert status == 200 and json.loads(body)["public_key"] == world.audit_public_key, body

    # the web gateway: the built app from the image, and /api/<service>/… to each service's web
    upstreams = {f"WEB_UPSTREAM_{s.upper()}": f"http://127.0.0.1:{web_ports[s]}" for s in SERVICES}
    argv, env = world("web", "Deployment", "web-gateway", BIND=f"127.0.0.1:{gateway_port}", PORT=str(gateway_port),
                      **upstreams)
    assert env["VAXTRAIL_SERVICE"] == "web" and env["VAXTRAIL_ENV"] == "production" and "WEB_DIST" not in env
    processes.append(runner.start("web-gateway", argv, env))
    gateway = f"http://127.0.0.1:{gateway_port}"
    for route in ("/healthz", "/readyz"):
        wait_for(f"web gateway {route}", lambda r=route: http_get(f"{gateway}{r}")[0] == 200, processes)
    dist = next(runner.rootfs.glob("opt/vaxtrail/lib/python3*/site-packages/web/app/dist"))
    index = (dist / "index.html").read_bytes()
    assert http_get(f"{gateway}/") == (200, index)
    assert http_get(f"{gateway}/site/check-in") == (200, index)  # a route of the app
    script = next((dist / "assets").glob("app-*.js"))
    assert f"/assets/{script.name}".encode() in index and http_get(f"{gateway}/assets/{script.name}") == (200, script.read_bytes())

    # a receipt through inventory's web, visible in stock through inventory's worker
    token = mint_token(world.private_key, subject="smoke-admin", role="national_admin", scopes=["national"])
    inventory = f"http://127.0.0.1:{web_ports['inventory']}/v1"
    assert http_post(f"{inventory}/reference/seed", token, {"version": 1})[0] in (200, 201)
    status, body = http_post(f"{inventory}/receipts", token, {
        "location_id": "NAT-EPI", "lot_id": "ABV5300", "presentation_id": "AZ-VAXZEVRIA-10", "doses": 1000,
        "vials": 100, "source": "covax", "shipment_reference": f"SMOKE-{RUN}", "received_at": "2021-04-17T08:30:00+07:00"})
    assert status in (200, 201), body

    def stocked() -> bool:
        status, body = http_get(f"{inventory}/stock?location_id=NAT-EPI", token)
        return status == 200 and any(item.get("lot_id") == "ABV5300" for item in json.loads(body)["items"])

    wait_for("the receipt in stock on hand", stocked, processes)
    status, body = http_get(f"{gateway}/api/inventory/v1/stock?location_id=NAT-EPI", token)  # through the gateway
    assert status == 200 and any(item.get("lot_id") == "ABV5300" for item in json.loads(body)["items"]), body

    # rebuild: the read model empties and the running worker replays it from offset 0
    argv, env = world("inventory", "Deployment", "inventory-worker")
    ops = pod("inventory", "Job", "inventory-migrate")["containers"][0]["command"]
    done = runner.run([*ops, "rebuild", "inventory", "stock_on_hand"], env)
    assert done.returncode == 0 and "replayed" in done.stdout, done.stdout + done.stderr
    with psycopg.connect(env["INVENTORY_DATABASE_URL"]) as conn:
        assert conn.execute("SELECT generation FROM projection_generation WHERE projection = 'stock_on_hand'"
                            ).fetchone()[0] == 1
    wait_for("stock on hand replayed after the rebuild", stocked, processes)

    done = runner.run([*ops, "dlq", "list", "inventory"], env)
    assert done.returncode == 0 and done.stdout.startswith("source\t"), done.stdout + done.stderr
