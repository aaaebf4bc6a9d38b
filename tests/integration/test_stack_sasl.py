"""``vaxtrail stack up`` (what ``vaxtrail up`` starts first) on private ports: the broker comes up with SASL/SCRAM
and the ACLs of the model, ``stack.env`` carries the admin's credential, ``vaxtrail kafka-config`` prints each
principal's properties, and they connect - to what their principal may touch only."""

from __future__ import annotations

import json
import shutil
import stat
import tempfile
from pathlib import Path

import pytest
from kafka import TopicPartition
from kafka.errors import KafkaError, TopicAuthorizationFailedError

from eventkit.kafka import check_kafka, make_consumer
from vaxtrail_cli import processes, statefile
from vaxtrail_cli.paths import StackPaths


@pytest.fixture(scope="module")
def stack(pytestconfig):
    from vaxtrail_cli import stack as local_stack

    state = Path(tempfile.mkdtemp(prefix="vaxtrail-test-sasl-stack-"))
    pg, kafka, controller, web = processes.free_ports(4)
    libs = StackPaths.from_env(cwd=Path(pytestconfig.rootpath)).kafka_libs
    paths = StackPaths(state=state, kafka_libs=libs, pg_port=pg, kafka_port=kafka, kafka_controller_port=controller,
                       web_port=web)
    try:
        first = local_stack.stack_up(paths, environ={}, out=print)
        again = []
        local_stack.stack_up(paths, environ={}, out=again.append)  # idempotent: reuses all, changes nothing
        yield paths, first, again
    finally:
        local_stack.stack_down(paths, out=print)
        shutil.rmtree(state, ignore_errors=True)


def _properties(paths: StackPaths, monkeypatch, capsys, *argv: str) -> dict:
    from vaxtrail_cli.main import main

    for name in statefile.STACK_ENV_KEYS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VAXTRAIL_STATE_DIR", str(paths.state))
    assert main(["kafka-config", *argv]) == 0
    return json.loads(capsys.readouterr().out)


def _security(properties: dict) -> dict:
    return {"security_protocol": properties["security.protocol"], "sasl_mechanism": properties["sasl.mechanism"],
            "sasl_plain_username": properties["sasl.username"], "sasl_plain_password": properties["sasl.password"]}


def _end_offsets(bootstrap: str, properties: dict, topic: str) -> dict:
    """On a fresh consumer: one that has already seen the topic refused in its metadata retries until a timeout
    instead of raising the authorization error (kafka-python 3.0.12)."""
    consumer = make_consumer(bootstrap, group_id=None, client_id="t", **_security(properties))
    try:
        return consumer.end_offsets([TopicPartition(topic, 0)])
    finally:
        consumer.close()


def test_the_stack_env_holds_the_admins_credential_readable_by_its_owner_only(stack) -> None:
    paths, info, again = stack
    saved = statefile.read_env_file(paths.stack_env)
    assert saved["KAFKA_SECURITY_PROTOCOL"] == "SASL_PLAINTEXT" and saved["KAFKA_SASL_USERNAME"] == "vaxtrail-admin"
    for secret in (paths.stack_env, paths.state / "kafka-principals.json", paths.kafka_home / "server.properties"):
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600, secret
    assert any("0 ACLs created, 0 removed" in line for line in again), again


def test_kafka_config_prints_what_each_principal_connects_with(stack, monkeypatch, capsys) -> None:
    paths, info, _ = stack
    admin = _properties(paths, monkeypatch, capsys)
    assert admin["bootstrap.servers"] == info.kafka_bootstrap and admin["sasl.username"] == "vaxtrail-admin"
    inventory = _properties(paths, monkeypatch, capsys, "inventory")
    assert inventory["sasl.username"] == "svc-inventory" and inventory["sasl.mechanism"] == "SCRAM-SHA-512"
    check_kafka(info.kafka_bootstrap, **_security(inventory))
    assert _end_offsets(info.kafka_bootstrap, inventory, "vaxtrail.inventory.v1")
    with pytest.raises(TopicAuthorizationFailedError):
        _end_offsets(info.kafka_bootstrap, inventory, "vaxtrail.registration.v1")
    with pytest.raises(KafkaError):
        check_kafka(info.kafka_bootstrap)  # no credential: refused


def test_each_service_process_gets_its_own_principal(stack) -> None:
    from vaxtrail_cli.services import ServiceProcess, process_env

    paths, info, _ = stack
    env = process_env(ServiceProcess("audit", "worker", paths), info.env)
    assert env["KAFKA_SASL_USERNAME"] == "svc-audit" and env["KAFKA_SASL_PASSWORD"] != info.env["KAFKA_SASL_PASSWORD"]
    check_kafka(info.kafka_bootstrap, security_protocol=env["KAFKA_SECURITY_PROTOCOL"],
                sasl_mechanism=env["KAFKA_SASL_MECHANISM"], sasl_plain_username=env["KAFKA_SASL_USERNAME"],
                sasl_plain_password=env["KAFKA_SASL_PASSWORD"])
