"""``vaxtrail trail`` prints a trail as a tree: one branch per step, its envelope facts beneath it."""

from __future__ import annotations

from vaxtrail_cli.commands.trail import render


def step(service: str, name: str, verified: bool = True, leaf: int | None = 3) -> dict:
    return {"service": service, "event_id": "0193c1a2-0000-7000-8000-000000000001",
            "event_type": f"vaxtrail.{service}.v1.{name}", "business_time": "2026-03-01T02:00:00.000000Z",
            "recorded_time": "2026-03-01T05:00:01.000000Z", "actor": {"id": "officer-7", "role": "national_admin"},
            "aggregate_type": "stock_item", "aggregate_id": "stock/NAT-EPI/LOT-1", "aggregate_version": 1,
            "payload_sha256": "9f2c" * 16, "hash": "ab" * 32, "log_position": 12, "leaf_index": leaf,
            "chain_verified": verified}


def test_a_trail_prints_as_a_tree_with_each_steps_facts():
    trail = {"kind": "dose", "id": "D-1", "services": ["immunization", "inventory"], "chain_verified": True,
             "steps": [step("inventory", "DoseReceived"), step("immunization", "DoseAdministered", leaf=None)]}
    lines = render(trail).splitlines()
    assert lines[0] == "dose D-1"
    assert "2 events across 2 services (immunization, inventory); every chain link verified" in lines[1]
    assert lines[2].startswith("├── inventory     DoseReceived      2026-03-01T02:00:00Z  officer-7 (national_admin)")
    assert "position 12 · leaf 3 ·" in lines[3] and lines[3].startswith("│")
    assert lines[4].startswith("└── immunization  DoseAdministered") and "unsealed" in lines[5]


def test_a_broken_link_is_shown_on_its_step_and_in_the_summary():
    trail = {"kind": "lot", "id": "LOT-1", "services": ["inventory"], "chain_verified": False,
             "steps": [step("inventory", "LotRecalled", verified=False)],
             "recall": [{"dose_id": "D-1", "person_id": "P-1", "site_id": "S-1", "session_id": "SES-1",
                         "administered_at": "2026-03-01T02:00:00.000000Z", "dose_status": "GIVEN",
                         "certificates": [{"certificate_id": "C-1", "status": "REVOKED"}]}]}
    text = render(trail)
    assert "SOME CHAIN LINKS DO NOT VERIFY" in text and "✗ chain link broken" in text
    assert "recall: dose D-1 person P-1 at S-1 2026-03-01 [GIVEN] certificates: C-1 (REVOKED)" in text
