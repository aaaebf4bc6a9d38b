"""The verifier page (/verify, no sign-in) against the Python verifier: real certificates issued by the running
certificate service (its web + worker, fed the dose events other services would publish), verified in Chromium
with WebCrypto and by ``services.certificate.verifier.verify`` against the same signed lists, case by case -
valid, tampered, revoked, expired, garbage. Both must give the same verdict and the same reason. Then the page
verifies with the network off (the app shell from the service worker, the lists from the device's cache).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import requests
from playwright.sync_api import expect

from services.certificate.signing.keyring import load_keyring
from services.certificate.signing.lists import list_payload
from services.certificate.verifier import Rejected, TrustStore, verify
from tests.integration.certificate_procs import AZ, a_person_with_a_certificate, bearer
from tests.integration.certificate_world import World as Publisher
from tests.integration.kafka_helpers import wait_for

from .camera import qr_video
from .certificates import claims_of, garbage_cases, hc1_cases, shc_cases
from .harness import Screens, chromium_path, launch, new_context, start_gateway
from .ui import browser_verdict, open_verifier


@pytest.fixture(scope="module")
def issued(infra):
    """The certificate service behind a gateway, two people's certificates (the second one's both revoked) and
    the signed lists as the gateway serves them once both revocations are published."""
    from cryptography import x509

    from eventkit.auth import generate_dev_keypair
    from tests.integration.service_procs import drop_service_database, private_workdir
    from vaxtrail_cli.private_services import start_certificate

    chromium_path()
    workdir = private_workdir("verifier")
    private, public = generate_dev_keypair(workdir / "keys")
    service = start_certificate(server_url=infra.server_url, kafka_bootstrap=infra.kafka_bootstrap, public_key=public,
                                workdir=workdir)
    service.private_key = private.read_bytes()
    publisher = Publisher(infra.kafka_bootstrap)
    try:
        gateway = start_gateway(SimpleNamespace(services={"certificate": service}), workdir)
        try:
            publisher.presentation(AZ)
            _, valid = a_person_with_a_certificate(service, publisher)
            revoked_person, revoked = a_person_with_a_certificate(service, publisher)
            for kind in ("EU_DCC_HC1", "SMART_HEALTH_CARD"):  # each format's certificate has its own id
                target = revoked["current"][kind]["certificate_id"]
                answer = requests.post(service.url("/v1/revocations"), timeout=10,
                                       json={"person_id": revoked_person, "certificate_id": target, "reason": "FRAUD"},
                                       headers=bearer(service, "national_admin", "national")
                                       | {"Idempotency-Key": f"rev-{uuid.uuid4().hex}"})
                assert answer.status_code == 201, answer.text

            def published():
                signed = requests.get(gateway.url("/api/certificate/v1/revocation-list"), timeout=5).json()["signed"]
                document = list_payload(signed)
                return signed if any(document["dcc"].values()) and any(document["shc"].values()) else None

            revocation = wait_for(published, what="the revocation list naming both revoked certificates")
            lists = SimpleNamespace(
                anchor=x509.load_pem_x509_certificate(requests.get(gateway.url("/api/certificate/v1/csca"), timeout=5).content),
                trust=requests.get(gateway.url("/api/certificate/v1/trust-list"), timeout=5).json()["signed"],
                revocation=revocation)
            yield SimpleNamespace(service=service, gateway=gateway, workdir=workdir, lists=lists, valid=valid["current"],
                                  revoked=revoked["current"])
        finally:
            gateway.stop()
    finally:
        publisher.close()
        service.stop()
        drop_service_database(service, infra.server_url)


# -- the two verifiers ---------------------------------------------------------------------------------------------
def python_verdict(lists, text: str, at: datetime) -> tuple[bool, str]:
    store = TrustStore.from_signed(lists.anchor, lists.trust, lists.revocation, at=at)
    try:
        verify(text, store, at=at)
    except Rejected as rejected:
        return False, rejected.reason
    return True, ""


def test_the_verifier_page_and_the_python_verifier_agree_on_every_case(issued, playwright_session):
    hc1, shc = issued.valid["EU_DCC_HC1"]["qr"], issued.valid["SMART_HEALTH_CARD"]["qr"]
    now = datetime.now(UTC)
    keyring = load_keyring(issued.service.keys)
    expected = {
        "valid HC1": (True, ""), "valid SHC": (True, ""), "HC1 in CWT tag 61": (True, ""),
        "re-signed: iat and exp as floats": (True, ""),
        "HC1 payload byte flipped": (False, "SIGNATURE_INVALID"), "SHC payload character changed": (False, "SIGNATURE_INVALID"),
        "HC1 with a kid not on the trust list": (False, "KID_UNKNOWN"), "HC1 alg -8 (EdDSA)": (False, "ALG_UNSUPPORTED"),
        "HC1 without a kid": (False, "KID_MISSING"), "HC1 kid of 7 bytes": (False, "KID_LENGTH"),
        "HC1 signature of 63 bytes": (False, "SIGNATURE_LENGTH"), "SHC signature of 63 bytes": (False, "SIGNATURE_LENGTH"),
        "re-signed: mp outside the value sets": (False, "VALUE_SET"),
        "re-signed: two vaccination entries": (False, "ENTRY_COUNT"), "re-signed: lower-case fnt": (False, "SCHEMA"),
        "re-signed: dose number 1.0 (a float)": (False, "SCHEMA"), "re-signed: iat tomorrow": (False, "IAT_FUTURE"),
        "re-signed: exp after the DSC's notAfter": (False, "EXP_BEYOND_DSC"), "re-signed: iat as text": (False, "SCHEMA"),
        "re-signed SHC: no Immunization": (False, "ENTRY_COUNT"), "re-signed SHC: nbf tomorrow": (False, "IAT_FUTURE"),
        "re-signed SHC: no zip header": (False, "ZLIB"), "re-signed SHC: no kid": (False, "KID_MISSING"),
        "revoked HC1": (False, "REVOKED"), "revoked SHC": (False, "REVOKED"),
        "HC2: prefix": (False, "PREFIX"), "garbage text": (False, "PREFIX"), "invalid Base45": (False, "BASE45"),
        "not zlib": (False, "ZLIB"), "zip bomb": (False, "ZIP_BOMB"), "not CBOR": (False, "CBOR"),
        "not COSE_Sign1": (False, "COSE_STRUCTURE"), "shc:/ odd digits": (False, "NUMERIC"),
        "shc:/ not a JWS": (False, "JWS_STRUCTURE"),
    }
    cases = {"valid HC1": hc1, "valid SHC": shc, **hc1_cases(keyring, hc1, now), **shc_cases(keyring, shc, now),
             "revoked HC1": issued.revoked["EU_DCC_HC1"]["qr"], "revoked SHC": issued.revoked["SMART_HEALTH_CARD"]["qr"],
             **garbage_cases(hc1)}
    camera = qr_video(hc1, issued.workdir / "verifier-camera.y4m")
    table = []
    # the session's Playwright driver (conftest), this module's own Chromium and fake camera
    browser = launch(playwright_session, camera)
    try:
        context = new_context(browser, issued.gateway)
        page = open_verifier(context)
        screens = Screens()
        page.click("#start-camera")  # the fake camera shows the valid HC1's QR code
        expect(page.locator("#verifier[data-checks='1'] #verdict[data-valid=true]")).to_have_count(1)
        screens.check(page, "verify-valid")
        for name, text in cases.items():
            table.append((name, python_verdict(issued.lists, text, datetime.now(UTC)), browser_verdict(page, text)))
            if name == "HC1 payload byte flipped":
                screens.check(page, "verify-invalid")

        # offline: the shell from the service worker, the lists from the device's cache
        expect(page.locator("html[data-offline-ready=true]")).to_have_count(1)
        context.set_offline(True)
        page.reload()
        expect(page.locator("#verifier[data-ready=true] #lists[data-offline=true]")).to_have_count(1)
        offline = browser_verdict(page, hc1)
        table.append(("valid HC1, network off", python_verdict(issued.lists, hc1, datetime.now(UTC)), offline))
        offline_revoked = browser_verdict(page, issued.revoked["EU_DCC_HC1"]["qr"])
        table.append(("revoked HC1, network off",
                      python_verdict(issued.lists, issued.revoked["EU_DCC_HC1"]["qr"], datetime.now(UTC)),
                      offline_revoked))
        context.close()

        # expired: both verifiers a day after the certificate's exp (the browser's clock moved there)
        expires = _dcc_expiry(hc1)
        at = expires + timedelta(days=1)
        later = new_context(browser, issued.gateway, clock_at=at.timestamp())
        page = open_verifier(later)
        for name, text in (("expired HC1", hc1), ("expired SHC", shc)):
            table.append((name, python_verdict(issued.lists, text, at), browser_verdict(page, text)))
        later.close()

        # withdrawn: every signer withdrawn from the trust list (the key tool, as an operator would)
        withdrawn = withdraw_every_key(issued)
        fresh = new_context(browser, issued.gateway, service_workers="block")  # so page routes see every fetch
        page = open_verifier(fresh)

        def shows_withdrawn() -> bool:  # a web worker that had not reloaded its keys yet may answer first
            if page.locator(f"#lists[data-trust-version='{withdrawn.trust_version}']").count():
                return True
            page.reload()
            expect(page.locator("#verifier[data-ready=true]")).to_have_count(1)
            return False

        wait_for(shows_withdrawn, what="the page holding the trust list with the withdrawn keys")
        for name, text in (("HC1 of a withdrawn signer", hc1), ("SHC of a withdrawn key", shc)):
            table.append((name, python_verdict(withdrawn, text, datetime.now(UTC)), browser_verdict(page, text)))

        # a replay of the old trust list (v1, before the withdrawal) is refused: the device keeps v2
        fresh.route("**/api/certificate/v1/trust-list", lambda route: route.fulfill(
            json={"type": "vaxtrail-trust-list", "version": 1, "signed": issued.lists.trust}))
        page.click("#refresh-lists")
        expect(page.locator("#lists [role=alert]")).to_contain_text("cũ hơn")
        expect(page.locator(f"#lists[data-trust-version='{withdrawn.trust_version}']")).to_have_count(1)
        table.append(("HC1 after a replayed old trust list", python_verdict(withdrawn, hc1, datetime.now(UTC)),
                      browser_verdict(page, hc1)))
        fresh.close()
    finally:
        browser.close()
    print("\n" + "\n".join(f"{name:40} python={p!s:22} browser={b!s:22}" for name, p, b in table))
    disagreements = [(name, p, b) for name, p, b in table if p != b]
    assert not disagreements, json.dumps(disagreements, indent=1)
    assert {name: p for name, p, _ in table if name in expected} == expected  # each case tests what it says
    assert [p for name, p, _ in table if name.startswith("expired")] == [(False, "EXPIRED")] * 2
    assert [p for name, p, _ in table if name.endswith("network off")] == [(True, ""), (False, "REVOKED")]
    assert [p for name, p, _ in table if "withdrawn" in name or "replayed" in name] == [(False, "DSC_WITHDRAWN")] * 3


def withdraw_every_key(issued) -> SimpleNamespace:
    """Withdraw every DSC and SHC key of the service's key folder; the lists once the gateway serves the new
    trust list (the service reads its key folder live)."""
    from services.certificate.signing.keyring import withdraw_key

    before = list_payload(issued.lists.trust)
    for entry in before["dsc"] + before["shc"]:
        withdraw_key(issued.service.keys, entry["kid"])

    def served():
        # Each web worker reads the key folder on its own (at most every few seconds, and one withdrawal at a
        # time): the list counts once every worker answers the same newer version, several times in a row.
        answers = [requests.get(issued.gateway.url("/api/certificate/v1/trust-list"), timeout=5).json()["signed"]
                   for _ in range(8)]
        versions = {list_payload(signed)["version"] for signed in answers}
        return answers[-1] if len(versions) == 1 and versions.pop() > before["version"] else None

    trust = wait_for(served, what="the trust list with the withdrawn keys")
    return SimpleNamespace(anchor=issued.lists.anchor, trust=trust, revocation=issued.lists.revocation,
                           trust_version=list_payload(trust)["version"])


def _dcc_expiry(hc1: str) -> datetime:
    return datetime.fromtimestamp(claims_of(hc1)[4], UTC)
