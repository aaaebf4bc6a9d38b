"""Settings come from the environment, once, with no insecure defaults."""

from __future__ import annotations

import pytest

from eventkit.settings import PORTS, Settings, SettingsError, service_database_url


def test_each_service_gets_its_own_database_on_the_named_server():
    settings = Settings.from_env("inventory", {"DATABASE_URL": "postgresql://postgres@127.0.0.1:15432/postgres",
                                               "KAFKA_BOOTSTRAP": "127.0.0.1:19092"})
    assert settings.database_url == "postgresql://postgres@127.0.0.1:15432/vaxtrail_inventory"
    assert settings.topic == "vaxtrail.inventory.v1" and settings.dlq_topic == "vaxtrail.inventory.dlq.v1"
    assert settings.http_port == PORTS["inventory"] == 8002
    assert settings.jwt_public_key_file is None and settings.jwt_jwks_url is None


def test_a_socket_url_keeps_its_host_parameter():
    url = service_database_url("postgresql://postgres:@/postgres?host=/run/pg", "audit")
    assert url == "postgresql://postgres:@/vaxtrail_audit?host=/run/pg"


def test_a_service_database_url_overrides_the_derived_one():
    settings = Settings.from_env("registration", {"REGISTRATION_DATABASE_URL": "postgresql://db/reg",
                                                  "KAFKA_BOOTSTRAP": "k:9092"})
    assert settings.database_url == "postgresql://db/reg"


@pytest.mark.parametrize("environ, missing", [
    ({"KAFKA_BOOTSTRAP": "k:9092"}, "DATABASE_URL"),
    ({"DATABASE_URL": "postgresql://db/x"}, "KAFKA_BOOTSTRAP"),
])
def test_missing_servers_are_an_error_naming_the_variable(environ, missing):
    with pytest.raises(SettingsError, match=missing):
        Settings.from_env("inventory", environ)


def test_unknown_services_and_bad_numbers_are_refused():
    env = {"DATABASE_URL": "postgresql://db/x", "KAFKA_BOOTSTRAP": "k:9092"}
    with pytest.raises(SettingsError, match="unknown service"):
        Settings.from_env("billing", env)
    with pytest.raises(SettingsError):
        Settings.from_env("inventory", env | {"RELAY_BATCH_SIZE": "many"})
