"""The SASL/SCRAM credentials and ACLs of a broker run with an authorizer: :mod:`vaxtrail_cli.kafka_access` applied.

Credentials are kept in a :class:`CredentialStore`, a JSON file (mode 0600) mapping principal -> password:
``<state>/kafka-principals.json`` for the ``vaxtrail up`` stack, ``<root>/kafka-principals.json`` for a private one.
The admin's credential is written there before the broker is first formatted (``kafka-storage format
--add-scram``); the others are created by the admin through the broker (``AlterUserScramCredentials``):

- :func:`ensure_service_access` - on every ``vaxtrail up``: each service principal's credential and exactly the
  ACLs of the model (missing ones created, ones the model no longer has deleted);
- :func:`grant_partner` / :func:`revoke_partner` - ``vaxtrail partner add`` / ``revoke``: the partner's credential
  and its ACLs, replaced on a re-grant; removed (credential and ACLs) on a revocation.

:func:`client_properties` and :func:`client_env` say how a principal connects: Kafka's client property names (what
``vaxtrail kafka-config`` and ``partner add`` print) and eventkit's variables (``KAFKA_SECURITY_PROTOCOL`` & co.,
what the stack's processes get). A store that does not exist means a plaintext broker: no security at all.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from services.partner.domain.partners import principal as partner_principal
from vaxtrail_cli.kafka_access import (
    ADMIN_PRINCIPAL,
    Grant,
    partner_grants,
    service_access,
)
from vaxtrail_cli.kafka_broker import SCRAM_MECHANISM

PROTOCOL = "SASL_PLAINTEXT"
STORE_NAME = "kafka-principals.json"


@dataclass(frozen=True)
class Credential:
    username: str
    password: str = field(repr=False)

    @property
    def pair(self) -> tuple[str, str]:
        return self.username, self.password

    def security(self) -> dict[str, str]:
        """kafka-python options."""
        return {"security_protocol": PROTOCOL, "sasl_mechanism": SCRAM_MECHANISM,
                "sasl_plain_username": self.username, "sasl_plain_password": self.password}

    def env(self) -> dict[str, str]:
        """eventkit's variables (:data:`eventkit.settings.KAFKA_SECURITY_VARIABLES`)."""
        return {"KAFKA_SECURITY_PROTOCOL": PROTOCOL, "KAFKA_SASL_MECHANISM": SCRAM_MECHANISM,
                "KAFKA_SASL_USERNAME": self.username, "KAFKA_SASL_PASSWORD": self.password}


PLAINTEXT_ENV = {"KAFKA_SECURITY_PROTOCOL": "PLAINTEXT", "KAFKA_SASL_MECHANISM": "", "KAFKA_SASL_USERNAME": "",
                 "KAFKA_SASL_PASSWORD": ""}
"""What a process gets on a plaintext broker: overrides any SASL variable it inherited."""


class CredentialStore:
    """principal -> password, in a JSON file only its owner reads."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def exists(self) -> bool:
        return self.path.is_file()

    def _read(self) -> dict[str, str]:
        try:
            return dict(json.loads(self.path.read_text())["passwords"])
        except FileNotFoundError:
            return {}

    def _write(self, passwords: Mapping[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"mechanism": SCRAM_MECHANISM, "passwords": dict(sorted(passwords.items()))}, handle, indent=2)
            handle.write("\n")
        tmp.replace(self.path)

    def get(self, principal: str) -> Credential | None:
        password = self._read().get(principal)
        return None if password is None else Credential(principal, password)

    def ensure(self, principal: str) -> Credential:
        """The principal's credential, made up (a random password) and saved the first time."""
        passwords = self._read()
        if principal not in passwords:
            passwords[principal] = secrets.token_urlsafe(24)
            self._write(passwords)
        return Credential(principal, passwords[principal])

    def remove(self, principal: str) -> None:
        passwords = self._read()
        if passwords.pop(principal, None) is not None:
            self._write(passwords)

    def admin(self) -> Credential:
        return self.ensure(ADMIN_PRINCIPAL)


def store_at(folder: Path) -> CredentialStore:
    return CredentialStore(folder / STORE_NAME)


def stack_store(paths) -> CredentialStore:
    """The ``vaxtrail up`` stack's store, ``<state>/kafka-principals.json`` (``paths``: a StackPaths)."""
    return store_at(paths.state)


def stack_credential(paths, principal: str) -> Credential | None:
    """How ``principal`` connects to the stack's broker: None when the stack's broker is plaintext (no store,
    e.g. a broker someone else runs)."""
    store = stack_store(paths)
    if not store.exists():
        return None
    credential = store.get(principal)
    if credential is None:
        raise LookupError(f"{store.path} has no credential for {principal} (run `vaxtrail up`)")
    return credential


def service_env(paths, service: str, stack_env: Mapping[str, str]) -> dict[str, str]:
    """The Kafka variables of ``service``'s processes: its own principal's on the stack's SASL broker (in place
    of the admin's that ``stack.env`` carries), nothing to change otherwise."""
    from vaxtrail_cli.kafka_access import service_principal

    if stack_env.get("KAFKA_SASL_USERNAME") != ADMIN_PRINCIPAL:
        return {}
    credential = stack_credential(paths, service_principal(service))
    return credential.env() if credential else {}


def without_kafka_credentials(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` without a Kafka password (for processes that never talk to Kafka, e.g. the web gateway)."""
    return {k: v for k, v in env.items() if k not in ("KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD",
                                                      "KAFKA_SASL_MECHANISM", "KAFKA_SECURITY_PROTOCOL")}


def client_properties(bootstrap: str, credential: Credential | None) -> dict[str, str | None]:
    """Kafka's client properties for a principal (``credential`` None: a plaintext broker)."""
    return {"bootstrap.servers": bootstrap,
            "security.protocol": PROTOCOL if credential else "PLAINTEXT",
            "sasl.mechanism": SCRAM_MECHANISM if credential else None,
            "sasl.username": credential.username if credential else None,
            "sasl.password": credential.password if credential else None}


def client_env(credential: Credential | None) -> dict[str, str]:
    return credential.env() if credential else dict(PLAINTEXT_ENV)


# --- on the broker (as the admin) ------------------------------------------------------------------------------


def _acls(principal: str, grants: Iterable[Grant]) -> list:
    from kafka.admin import (
        ACL,
        ACLOperation,
        ACLPermissionType,
        ACLResourcePatternType,
        ResourcePattern,
        ResourceType,
    )

    return [ACL(principal=f"User:{principal}", host="*", operation=ACLOperation[op],
                permission_type=ACLPermissionType.ALLOW,
                resource_pattern=ResourcePattern(ResourceType[g.resource_type], g.name, ACLResourcePatternType[g.pattern]))
            for g in grants for op in g.operations]


def _key(acl) -> tuple:
    pattern = acl.resource_pattern
    return (acl.principal, acl.host, int(acl.operation), int(acl.permission_type), int(pattern.resource_type),
            pattern.resource_name, int(pattern.pattern_type))


def current_acls(admin, principal: str) -> list:
    """Every ACL binding of ``principal`` on the broker."""
    from kafka.admin import (
        ACLFilter,
        ACLOperation,
        ACLPermissionType,
        ACLResourcePatternType,
        ResourcePatternFilter,
        ResourceType,
    )

    acls, _ = admin.describe_acls(ACLFilter(
        principal=f"User:{principal}", host=None, operation=ACLOperation.ANY, permission_type=ACLPermissionType.ANY,
        resource_pattern=ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY)))
    return acls


def sync_acls(admin, principal: str, grants: Iterable[Grant], *, timeout: float = 30.0) -> tuple[int, int]:
    """Make ``principal``'s ACLs exactly ``grants``, and wait until the broker's authorizer has them (the
    controller commits them; the broker applies them from its metadata log a moment later). Returns (created,
    deleted)."""
    from kafka.admin import ACLFilter

    wanted = {_key(a): a for a in _acls(principal, grants)}
    present = {_key(a): a for a in current_acls(admin, principal)}
    missing = [a for k, a in wanted.items() if k not in present]
    extra = [a for k, a in present.items() if k not in wanted]
    if missing:
        result = admin.create_acls(missing)
        if result["failed"]:
            raise RuntimeError(f"could not create ACLs for {principal}: {result['failed']}")
    if extra:
        filters = [ACLFilter(a.principal, a.host, a.operation, a.permission_type, a.resource_pattern) for a in extra]
        for _, _, error in admin.delete_acls(filters):
            if error.errno != 0:
                raise RuntimeError(f"could not delete ACLs of {principal}: {error}")
    if missing or extra:
        _wait(lambda: {_key(a) for a in current_acls(admin, principal)} == set(wanted), timeout,
              f"the broker to apply {principal}'s ACLs")
    return len(missing), len(extra)


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f}s for {what}")
        time.sleep(0.05)


def upsert_credentials(admin, credentials: Iterable[Credential]) -> None:
    from kafka.admin import UserScramCredentialUpsertion

    credentials = list(credentials)
    alterations = [UserScramCredentialUpsertion(c.username, SCRAM_MECHANISM, c.password) for c in credentials]
    if alterations:
        _check(admin.alter_user_scram_credentials(alterations))
        names = {c.username for c in credentials}
        _wait(lambda: names <= _users_with_credentials(admin, names), 30.0, f"the broker to know {sorted(names)}")


def _users_with_credentials(admin, names: Iterable[str]) -> set[str]:
    described = admin.describe_user_scram_credentials(sorted(names))
    return {user for user, info in described.items() if not info["error"] and info["credential_infos"]}


def delete_credential(admin, username: str) -> None:
    from kafka.admin import UserScramCredentialDeletion

    errors = admin.alter_user_scram_credentials([UserScramCredentialDeletion(username, SCRAM_MECHANISM)])
    _check({user: e for user, e in errors.items() if e and "could not delete" not in e.lower()})


def _check(errors: Mapping[str, str | None]) -> None:
    failed = {user: error for user, error in errors.items() if error}
    if failed:
        raise RuntimeError(f"SCRAM credentials refused: {failed}")


def authorizer_enabled(admin) -> bool:
    """False when the broker runs without an authorizer (``DescribeAcls`` answers SecurityDisabled)."""
    from kafka.errors import SecurityDisabledError

    try:
        current_acls(admin, ADMIN_PRINCIPAL)
        return True
    except SecurityDisabledError:
        return False


def admin_client(bootstrap: str, admin: Credential | None):
    from vaxtrail_cli.topics_admin import admin_client as make

    return make(bootstrap, client_id="vaxtrail-access", **(admin.security() if admin else {}))


def ensure_service_access(bootstrap: str, store: CredentialStore,
                          consumed: Mapping[str, Iterable[str]] | None = None) -> dict[str, tuple[int, int]]:
    """Every service principal's credential and ACLs as the model says (idempotent). Principal -> (created,
    deleted) ACL bindings."""
    access = service_access(consumed)
    credentials = [store.ensure(principal) for principal in access]
    admin = admin_client(bootstrap, store.admin())
    try:
        upsert_credentials(admin, credentials)
        return {principal: sync_acls(admin, principal, grants) for principal, grants in access.items()}
    finally:
        admin.close()


def grant_partner(bootstrap: str, store: CredentialStore, partner: str, topics: Iterable[str]) -> Credential:
    """The partner's credential (kept across re-grants) and exactly the ACLs of its granted ``topics``."""
    credential = store.ensure(partner_principal(partner))
    admin = admin_client(bootstrap, store.admin())
    try:
        upsert_credentials(admin, [credential])
        sync_acls(admin, credential.username, partner_grants(partner, topics))
    finally:
        admin.close()
    return credential


def revoke_partner(bootstrap: str, store: CredentialStore, partner: str) -> None:
    """No ACL and no credential left for the partner."""
    principal = partner_principal(partner)
    admin = admin_client(bootstrap, store.admin())
    try:
        sync_acls(admin, principal, ())
        delete_credential(admin, principal)
    finally:
        admin.close()
    store.remove(principal)
