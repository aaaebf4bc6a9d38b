"""The fault suite's read-model comparison names what differs: the table, its counts and digests, and the rows
found only live or only after the rebuild (pure: no database)."""

from __future__ import annotations

from vaxtrail_cli.readmodel_digests import differences


def test_equal_digests_report_nothing_and_a_changed_table_is_named_with_its_rows() -> None:
    before = {"registration.citizen_record.person_certificates": (2, "aaaa"), "inventory.stock.stock": (1, "bb")}
    after = {"registration.citizen_record.person_certificates": (2, "cccc"), "inventory.stock.stock": (1, "bb")}
    assert differences(before, before) == []
    live = {"registration.citizen_record.person_certificates": {"(C1,P1,f)", "(C2,P1,f)"}}
    rebuilt = {"registration.citizen_record.person_certificates": {"(C1,P1,f)", "(C2,P1,t)"}}
    [line] = differences(before, after, live, rebuilt)
    assert line == ("registration.citizen_record.person_certificates: live 2 rows md5 aaaa, rebuilt 2 rows md5"
                    " cccc; only live (1): ['(C2,P1,f)']; only rebuilt (1): ['(C2,P1,t)']")


def test_a_table_that_vanished_is_named_absent() -> None:
    assert differences({"audit.trail.doses": (3, "dd")}, {}) == ["audit.trail.doses: live 3 rows md5 dd, rebuilt absent"]
