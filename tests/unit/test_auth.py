"""Bearer token authentication, role checks and scope coverage (eventkit.auth)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import stat
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from flask import Flask

from eventkit.auth import (
    AUTHENTICATOR_EXTENSION,
    NATIONAL_ADMIN,
    PROVINCE_OFFICER,
    SITE_MANAGER,
    Authenticator,
    Forbidden,
    KeySetUnavailable,
    Principal,
    Unauthenticated,
    current_principal,
    generate_dev_keypair,
    mint_token,
    requires,
)
from eventkit.settings import Settings, SettingsError

SITE_IN_79 = ["national", "province:79", "district:760", "site:S-0001"]
SITE_IN_01 = ["national", "province:01", "district:01-001", "site:S-0420"]


@pytest.fixture
def keys(tmp_path: Path) -> tuple[bytes, Path]:
    private_path, public_path = generate_dev_keypair(tmp_path / "keys")
    return private_path.read_bytes(), public_path


@pytest.fixture
def authenticator(keys: tuple[bytes, Path]) -> Authenticator:
    return Authenticator.from_settings(settings(jwt_public_key_file=str(keys[1])))


def settings(**overrides: str) -> Settings:
    return Settings(service="inventory", database_url="postgresql:///unused", kafka_bootstrap="unused", **overrides)


def token(private_pem: bytes, **overrides: object) -> str:
    claims: dict = {"subject": "officer-79-01", "role": PROVINCE_OFFICER, "scopes": ["province:79"]}
    claims.update(overrides)
    return mint_token(private_pem, **claims)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forged(header: dict, secret: bytes | None) -> str:
    now = int(datetime.now(UTC).timestamp())
    claims = {"sub": "mallory", "role": NATIONAL_ADMIN, "scope": ["national"], "iss": "vaxtrail",
              "aud": "vaxtrail", "iat": now, "exp": now + 600}
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    signature = b"" if secret is None else hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def test_valid_token_yields_its_principal(keys, authenticator):
    principal = authenticator.authenticate(f"Bearer {token(keys[0])}")
    assert principal == Principal(actor_id="officer-79-01", role=PROVINCE_OFFICER, scopes=("province:79",))


def test_dev_keypair_is_private_and_kept_across_runs(tmp_path):
    private_path, public_path = generate_dev_keypair(tmp_path)
    first = private_path.read_bytes()
    assert stat.S_IMODE(private_path.stat().st_mode) == 0o600
    assert generate_dev_keypair(tmp_path) == (private_path, public_path)
    assert private_path.read_bytes() == first


def test_authenticator_refuses_to_start_without_a_key():
    with pytest.raises(SettingsError, match="JWT_JWKS_URL"):
        Authenticator.from_settings(settings())


@pytest.mark.parametrize("header", [None, "", "Bearer", "Basic dXNlcjpwdw==", "Bearer not-a-jwt", "Bearer a.b.c"])
def test_missing_or_malformed_credentials_are_unauthenticated(authenticator, header):
    with pytest.raises(Unauthenticated) as raised:
        authenticator.authenticate(header)
    assert raised.value.status == 401
    assert raised.value.challenge.startswith("Bearer")


def test_expired_token_is_unauthenticated(keys, authenticator):
    stale = token(keys[0], now=datetime.now(UTC) - timedelta(hours=2), ttl_seconds=3600)
    with pytest.raises(Unauthenticated, match="expired"):
        authenticator.authenticate(f"Bearer {stale}")


@pytest.mark.parametrize("claim", [{"audience": "partner-portal"}, {"issuer": "someone-else"}])
def test_token_for_another_audience_or_issuer_is_unauthenticated(keys, authenticator, claim):
    with pytest.raises(Unauthenticated):
        authenticator.authenticate(f"Bearer {token(keys[0], **claim)}")


def test_token_signed_by_another_key_is_unauthenticated(tmp_path, authenticator):
    other_private, _ = generate_dev_keypair(tmp_path / "other")
    with pytest.raises(Unauthenticated, match="[Ss]ignature"):
        authenticator.authenticate(f"Bearer {token(other_private.read_bytes())}")


def test_unsigned_token_is_unauthenticated(authenticator):
    with pytest.raises(Unauthenticated, match="none"):
        authenticator.authenticate(f"Bearer {forged({'alg': 'none', 'typ': 'JWT'}, None)}")


def test_hs256_token_keyed_with_the_public_key_is_unauthenticated(keys, authenticator):
    # The classic algorithm-confusion attack: HMAC "signed" with the (public) verification key.
    with pytest.raises(Unauthenticated, match="HS256"):
        authenticator.authenticate(f"Bearer {forged({'alg': 'HS256', 'kid': 'local-dev-1'}, keys[1].read_bytes())}")


def test_role_outside_the_declared_roles_is_forbidden(keys, authenticator):
    app = Flask("auth-test")
    app.extensions[AUTHENTICATOR_EXTENSION] = authenticator

    @requires(NATIONAL_ADMIN, SITE_MANAGER)
    def recall_lot() -> str:
        return current_principal().actor_id

    headers = {"Authorization": f"Bearer {token(keys[0])}"}
    with app.test_request_context(headers=headers), pytest.raises(Forbidden) as raised:
        recall_lot()
    assert raised.value.status == 403
    assert recall_lot.required_roles == {NATIONAL_ADMIN, SITE_MANAGER}
    admin = {"Authorization": f"Bearer {token(keys[0], role=NATIONAL_ADMIN, scopes=['national'])}"}
    with app.test_request_context(headers=admin):
        assert recall_lot() == "officer-79-01"


def test_national_scope_covers_every_site():
    principal = Principal("admin-1", NATIONAL_ADMIN, ("national",))
    assert principal.covers(SITE_IN_79) and principal.covers(SITE_IN_01)


def test_province_scope_covers_its_own_sites_only():
    principal = Principal("officer-79-01", PROVINCE_OFFICER, ("province:79",))
    assert principal.covers(SITE_IN_79)
    assert not principal.covers(SITE_IN_01)
    with pytest.raises(Forbidden, match="does not cover") as raised:
        principal.require_scope(SITE_IN_01, field="site_id")
    assert raised.value.field == "site_id"


def test_site_scope_does_not_cover_its_district():
    principal = Principal("manager-S-0001", SITE_MANAGER, ("site:S-0001",))
    assert principal.covers(SITE_IN_79)
    assert not principal.covers(SITE_IN_79[:3])


def test_mint_token_rejects_unknown_role_and_bad_scope(keys):
    with pytest.raises(ValueError, match="unknown role"):
        token(keys[0], role="superuser")
    with pytest.raises(ValueError, match="invalid scope"):
        token(keys[0], scopes=["planet:earth"])


@pytest.fixture
def jwks_url(keys) -> Iterator[str]:
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(serialization.load_pem_public_key(keys[1].read_bytes())))
    body = json.dumps({"keys": [{**jwk, "kid": "local-dev-1", "use": "sig", "alg": "ES256"}]}).encode()

    class JwksHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), JwksHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/.well-known/jwks.json"
    server.shutdown()
    server.server_close()
    thread.join()


def test_jwks_endpoint_verifies_tokens_by_kid(keys, jwks_url):
    authenticator = Authenticator.from_settings(settings(jwt_jwks_url=jwks_url))
    assert authenticator.authenticate(f"Bearer {token(keys[0])}").role == PROVINCE_OFFICER
    with pytest.raises(Unauthenticated, match="rotated-9"):
        authenticator.authenticate(f"Bearer {token(keys[0], kid='rotated-9')}")


def test_unreachable_jwks_endpoint_is_503_not_401(keys):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    authenticator = Authenticator.from_settings(settings(jwt_jwks_url=f"http://127.0.0.1:{closed_port}/jwks"))
    with pytest.raises(KeySetUnavailable) as raised:
        authenticator.authenticate(f"Bearer {token(keys[0])}")
    assert raised.value.status == 503


# -- claims a signed token may carry but a principal cannot be built from ------------------------------------


def signed(private_pem: bytes, *, headers: dict | None = None, **claims: object) -> str:
    """A token correctly signed by ``private_pem`` whatever its claims say (mint_token refuses bad ones)."""
    now = datetime.now(UTC)
    body = {"sub": "officer-79-01", "role": PROVINCE_OFFICER, "scope": ["province:79"], "iss": "vaxtrail",
            "aud": "vaxtrail", "iat": now, "exp": now + timedelta(minutes=10), **claims}
    key = serialization.load_pem_private_key(private_pem, password=None)
    return jwt.encode(body, key, algorithm="ES256", headers={"kid": "local-dev-1", **(headers or {})})


@pytest.mark.parametrize("role", [[PROVINCE_OFFICER], {"name": PROVINCE_OFFICER}, 7, None, True])
def test_token_whose_role_is_not_a_string_is_unauthenticated(keys, authenticator, role):
    with pytest.raises(Unauthenticated, match="role"):
        authenticator.authenticate(f"Bearer {signed(keys[0], role=role)}")


@pytest.mark.parametrize("subject", ["", "   ", "\t", "officer\x00-79", "officer\n79"])
def test_token_with_an_empty_blank_or_control_character_subject_is_unauthenticated(keys, authenticator, subject):
    with pytest.raises(Unauthenticated, match="sub"):
        authenticator.authenticate(f"Bearer {signed(keys[0], sub=subject)}")


@pytest.mark.parametrize("scope", ["province:79", ["province:79", 79], [["province:79"]], [], {"province": "79"},
                                   None, ["planet:earth"]])
def test_token_whose_scope_is_not_a_list_of_scope_strings_is_unauthenticated(keys, authenticator, scope):
    with pytest.raises(Unauthenticated, match="scope"):
        authenticator.authenticate(f"Bearer {signed(keys[0], scope=scope)}")


def test_token_without_a_kid_is_unauthenticated_when_the_key_file_names_one(keys, authenticator):
    with pytest.raises(Unauthenticated, match="kid"):
        authenticator.authenticate(f"Bearer {token(keys[0], kid=None)}")


def test_token_with_an_unknown_kid_is_unauthenticated_when_the_key_file_names_one(keys, authenticator):
    with pytest.raises(Unauthenticated, match="rotated-9"):
        authenticator.authenticate(f"Bearer {token(keys[0], kid='rotated-9')}")


def test_key_file_without_a_kid_in_its_name_accepts_any_kid(keys, tmp_path):
    plain = tmp_path / "jwt-public.pem"
    plain.write_bytes(keys[1].read_bytes())
    authenticator = Authenticator.from_settings(settings(jwt_public_key_file=str(plain)))
    assert authenticator.authenticate(f"Bearer {token(keys[0], kid=None)}").role == PROVINCE_OFFICER
    assert authenticator.authenticate(f"Bearer {token(keys[0], kid='any')}").role == PROVINCE_OFFICER


def test_jwks_endpoint_refuses_a_token_without_a_kid(keys, jwks_url):
    authenticator = Authenticator.from_settings(settings(jwt_jwks_url=jwks_url))
    with pytest.raises(Unauthenticated, match="kid"):
        authenticator.authenticate(f"Bearer {token(keys[0], kid=None)}")


def test_scope_refusal_does_not_reveal_where_the_target_is():
    principal = Principal("officer-79-01", PROVINCE_OFFICER, ("province:79",))
    with pytest.raises(Forbidden) as raised:
        principal.require_scope(SITE_IN_01, field="site_id")
    detail = raised.value.detail
    assert "does not cover" in detail
    for leak in ("national", "province:01", "district:01-001", "S-0420", "site:"):
        assert leak not in detail
