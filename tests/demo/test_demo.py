"""``vaxtrail demo``'s campaign against the five real services: its summary names ids the services hold.

The driver (``vaxtrail_cli.campaign.demo``) runs through the public APIs only, against the services started
as the end-to-end test starts them (their own databases, one broker); the summary it writes is read back
and every id in it is looked up through the services' APIs, as someone following the demo would. Its last step
prints the corrected dose's audit trail and verifies an inclusion proof of its DoseAdministered against the audit
service's own key (what ``vaxtrail audit verify-proof`` trusts on a local stack).
"""

from __future__ import annotations


def test_the_summary_names_a_dose_a_lot_a_person_and_a_certificate(demo):
    summary, *_ = demo
    assert all(summary.get(name) for name in ("dose_id", "lot_id", "person_id", "certificate_id"))


def test_the_lot_the_person_and_the_dose_exist_in_the_services(demo):
    summary, api, actors, _ = demo
    person, citizen = summary["person_id"], actors.citizen(summary["person_id"])
    lots = api.get("inventory", "/v1/lots", actors.national()).expect(200)["items"]
    assert summary["lot_id"] in {lot["lot_id"] for lot in lots}
    record = api.get("registration", f"/v1/persons/{person}", citizen).expect(200)
    assert record["status"] == "APPROVED" and [d["dose_id"] for d in record["doses"]] == [summary["dose_id"]]
    doses = api.get("immunization", f"/v1/persons/{person}/doses", citizen).expect(200)["items"]
    [dose] = [d for d in doses if d["dose_id"] == summary["dose_id"]]
    assert (dose["lot_id"], dose["corrections"], dose["entered_in_error"]) == (summary["lot_id"], 1, False)


def test_the_certificate_is_the_one_reissued_after_the_correction_and_verifies(demo):
    summary, api, actors, _ = demo
    person, citizen = summary["person_id"], actors.citizen(summary["person_id"])
    record = api.get("certificate", f"/v1/persons/{person}/record", citizen).expect(200)
    current = record["current"]["EU_DCC_HC1"]
    assert current["certificate_id"] == summary["certificate_id"]
    statuses = {c["certificate_id"]: c["status"] for c in record["certificates"]}
    assert statuses[summary["revoked_certificate_id"]] == "REVOKED"
    verified = api.post("certificate", "/v1/verify", {"qr": current["qr"]}, citizen).expect(200)
    assert (verified["valid"], verified["certificate_id"]) == (True, summary["certificate_id"])


def test_the_recalled_lots_certificate_is_revoked_and_nothing_replaces_it(demo):
    summary, api, actors, _ = demo
    recall = summary["recall"]
    record = api.get("certificate", f"/v1/persons/{recall['person_id']}/record",
                     actors.citizen(recall["person_id"])).expect(200)
    assert "EU_DCC_HC1" not in record["current"]
    assert {c["certificate_id"]: c["status"] for c in record["certificates"]}[recall["certificate_id"]] == "REVOKED"


def test_each_step_was_told_and_the_sessions_had_postponements_and_wastage(demo):
    summary, _, _, lines = demo
    assert len(summary["postponed_person_ids"]) == 2 and summary["certificates"] == 10
    told = "\n".join(lines)
    for step in ("refused: 422 INV-2", "approved and released", "1 postponed", "open-vial wastage", "AEFI",
                 "verified: valid=True", "REVOKED, reissued", "recalled"):
        assert step in told, (step, told)


def test_the_corrected_doses_trail_was_printed_as_vaxtrail_trail_prints_it(demo):
    summary, _, _, lines = demo
    told = "\n".join(lines)
    dose = summary["dose_id"]
    assert f"\ndose {dose}\n" in told and "every chain link verified" in told, told
    for step in ("DoseAdministered", "DoseCorrected", "CertificateRevoked", "CertificateReissued", "SessionPlanned",
                 "DoseReceived"):
        assert step in told, (step, told)


def test_the_inclusion_proof_of_the_doses_administration_verified_against_a_signed_checkpoint(demo):
    summary, api, actors, lines = demo
    proof = summary["proof"]
    trail = api.get("audit", f"/v1/doses/{summary['dose_id']}/trail", actors.auditor()).expect(200)
    [given] = [s for s in trail["steps"] if s["event_type"].endswith(".DoseAdministered")]
    failed = [line for line in lines if "inclusion proof" in line and "FAILED" in line]
    assert (proof["event_id"], proof["verified"]) == (given["event_id"], True), (proof, failed)
    assert 0 <= proof["leaf_index"] < proof["checkpoint_tree_size"]
    told = "\n".join(lines)
    assert (f"DoseAdministered {proof['event_id']}: leaf {proof['leaf_index']} of {proof['origin']} tree size "
            f"{proof['checkpoint_tree_size']}, root {proof['checkpoint_root']}; signed checkpoint verified") in told
