"""The doses feed follows a dose after its DoseGiven whatever order the topics deliver in (the derivation's
handlers against a real PostgreSQL, no broker): what a partner holds after applying its records in outbox order
is the current state - withdrawn doses gone, corrected ones corrected, merged people under one key, historical
doses flagged - for every order of the internal events, after a rebuild in another order, and for a partner
granted after all of it (which gets the current state and nothing else)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime
from itertools import permutations
from types import SimpleNamespace

import psycopg

from eventkit.clock import CAMPAIGN_ZONE
from eventkit.db import migrate
from services.partner.bootstrap import MIGRATIONS
from services.partner.codec import build_codec
from services.partner.domain import partners, pseudonyms
from services.partner.projections.derivation import TABLES, partner_feeds
from tests.integration.certificate_world import timestamp
from vaxtrail.common.v1 import types_pb2 as common
from vaxtrail.immunization.v1 import events_pb2 as immunization
from vaxtrail.partner.v1 import feeds_pb2
from vaxtrail.registration.v1 import events_pb2 as registration

KEY = bytes(range(32))
WHEN = datetime(2021, 6, 1, 3, 0, tzinfo=UTC)
DERIVATION = partner_feeds(build_codec(), lambda: KEY, CAMPAIGN_ZONE)
DECODERS = {m.full_name: getattr(feeds_pb2, m.name) for m in feeds_pb2.DESCRIPTOR.message_types_by_name.values()}


def apply(conn, event_id: str, message) -> None:
    name = (f"vaxtrail.partner.v1.{type(message).__name__}" if isinstance(message, (partners.PartnerGranted, partners.PartnerRevoked))
            else message.DESCRIPTOR.full_name)
    DERIVATION.handlers[name](conn, SimpleNamespace(event_id=uuid.UUID(event_id)), message)


def grant(partner: str) -> partners.PartnerGranted:
    return partners.PartnerGranted(partner, ("DOSES",), f"partner-{partner}", f"partner.{partner}.", "test", WHEN,
                                   (f"vaxtrail.partner.doses.{partner}.v1",))


def records(conn, partner: str) -> list[tuple[str, str, object]]:
    rows = conn.execute("SELECT record_id::text, record_type, value FROM feed_outbox WHERE partner = %s"
                        " ORDER BY position", (partner,)).fetchall()
    return [(rid, kind, DECODERS[kind].FromString(bytes(value))) for rid, kind, value in rows]


def held(found: list) -> dict[str, tuple]:
    """What a partner holds after applying its records in order, as docs/partners.md tells it to: dose_ref ->
    (person_key, historical, country, lot_number, dose_number, birth_year)."""
    state: dict[str, dict] = {}
    for _, kind, m in found:
        name = kind.rsplit(".", 1)[-1]
        if name == "DoseGiven":
            state[m.dose_ref] = {"person_key": m.person_key, "historical": m.historical, "country": m.country,
                                 "lot_number": m.lot_number, "dose_number": m.dose_number, "birth_year": m.birth_year}
        elif name == "DoseWithdrawn":
            assert m.dose_ref in state, "a withdrawal of a record the partner never got"
            del state[m.dose_ref]
        elif name == "DoseCorrected":
            assert m.dose_ref in state, "a correction of a record the partner never got"
            state[m.dose_ref] |= {"lot_number": m.lot_number, "dose_number": m.dose_number, "country": m.country}
        elif name == "PersonKeysMerged":
            for dose in state.values():
                if dose["person_key"] == m.retired_person_key:
                    dose["person_key"] = m.surviving_person_key
    return {ref: tuple(d.values()) for ref, d in state.items()}


class Story:
    """One person registered twice (A survives, B is merged into it): B's dose X (lot corrected), A's dose Y
    (entered in error), B's historical dose Z from France; one partner granted DOSES."""

    def __init__(self) -> None:
        run = uuid.uuid4().hex[:8]
        self.partner = f"agency-{run}"
        self.a, self.b = f"P-A-{run}", f"P-B-{run}"
        self.x, self.y, self.z = (str(uuid.uuid4()) for _ in range(3))
        person = lambda pid, born: registration.PersonRegistered(  # noqa: E731
            person_id=pid, date_of_birth=born, sex="FEMALE", address=common.Address(province_code="79",
                                                                                   district_code="760"))
        dose = lambda pid, did, n: immunization.DoseAdministered(  # noqa: E731
            dose_id=did, person_id=pid, site_id="S-79-760-01", administered_at=timestamp(WHEN),
            presentation_id="AZ-VAXZEVRIA-10", vaccine_code="210", lot_number="AB1", series="PRIMARY", dose_number=n)
        self.events = {
            "grant": (str(uuid.uuid4()), grant(self.partner)),
            "person A": (str(uuid.uuid4()), person(self.a, "1950-01-02")),
            "person B": (str(uuid.uuid4()), person(self.b, "1950-01-02")),  # records sent stay as sent
            "dose X": (self.x, dose(self.b, "D-X", 2)),
            "dose Y": (self.y, dose(self.a, "D-Y", 1)),
            "historical Z": (self.z, immunization.DoseRecordedHistorical(
                dose_id="D-Z", person_id=self.b, product="Comirnaty", lot_number="FE1", administered_date="2021-03-14",
                country="FR", source="FOREIGN_CERTIFICATE", series="PRIMARY", dose_number=1)),
            "correct X": (str(uuid.uuid4()), immunization.DoseCorrected(
                dose_id="D-X", reverses_event_id=self.x, reason="lot misread", person_id=self.b,
                changes=[common.FieldChange(field="lot_number", old_value="AB1", new_value="AB7"),
                         common.FieldChange(field="body_site", old_value="LEFT_DELTOID", new_value="RIGHT_DELTOID")])),
            "withdraw Y": (str(uuid.uuid4()), immunization.DoseEnteredInError(
                dose_id="D-Y", reverses_event_id=self.y, reason="wrong person", person_id=self.a)),
            "merge B into A": (str(uuid.uuid4()), registration.PersonsMerged(
                surviving_person_id=self.a, merged_person_id=self.b, reason="same citizen ID")),
        }

    def current(self, partner: str) -> dict[str, tuple]:
        """What ``partner`` must hold once every event is in."""
        key = pseudonyms.person_key(KEY, partner, self.a)
        ref = lambda e: pseudonyms.dose_ref(KEY, partner, e)  # noqa: E731
        return {ref(self.x): (key, False, "", "AB7", 2, 1950), ref(self.z): (key, True, "FR", "FE1", 1, 1950)}

    def play(self, conn, order) -> None:
        for name in order:
            apply(conn, *self.events[name])


def _assert_once(found: list) -> None:
    ids = [rid for rid, _, _ in found]
    assert len(ids) == len(set(ids))
    given = [m.dose_ref for _, kind, m in found if kind.endswith("DoseGiven")]
    assert len(given) == len(set(given)), "a dose sent twice"


def test_every_order_of_the_events_leaves_the_partner_with_the_current_state(database):
    migrate(database, MIGRATIONS)
    names = list(Story().events)
    orders = [names, names[::-1], *random.Random(20211).sample(list(permutations(names)), 60)]
    with psycopg.connect(database, autocommit=True) as conn:
        for order in orders:
            conn.execute(f"TRUNCATE feed_outbox, {', '.join(TABLES)}")  # a grant gets every earlier dose
            story = Story()
            story.play(conn, order)
            found = records(conn, story.partner)
            _assert_once(found)
            assert held(found) == story.current(story.partner), order


def test_a_withdrawal_before_its_dose_sends_nothing_and_a_correction_before_its_dose_sends_it_corrected(database):
    migrate(database, MIGRATIONS)
    story = Story()
    with psycopg.connect(database, autocommit=True) as conn:
        story.play(conn, ["grant", "withdraw Y", "correct X", "person A", "dose Y", "dose X", "person B"])
        found = records(conn, story.partner)
    assert [kind.rsplit(".", 1)[-1] for _, kind, _ in found] == ["DoseGiven"]
    [(_, _, given)] = found
    assert (given.lot_number, given.dose_ref) == ("AB7", pseudonyms.dose_ref(KEY, story.partner, story.x))


def test_the_records_after_a_dose_given_name_it_and_follow_it_under_its_key(database):
    migrate(database, MIGRATIONS)
    story = Story()
    with psycopg.connect(database, autocommit=True) as conn:
        story.play(conn, ["grant", "person A", "person B", "dose X", "dose Y", "historical Z", "correct X",
                          "withdraw Y", "merge B into A"])
        found = records(conn, story.partner)
        keys = dict(conn.execute("SELECT record_id::text, convert_from(record_key, 'UTF8') FROM feed_outbox"
                                 " WHERE partner = %s", (story.partner,)).fetchall())
    kinds = [kind.rsplit(".", 1)[-1] for _, kind, _ in found]
    assert kinds == ["DoseGiven", "DoseGiven", "DoseGiven", "DoseCorrected", "DoseWithdrawn", "PersonKeysMerged"]
    given = {m.dose_ref: (rid, m) for rid, kind, m in found if kind.endswith("DoseGiven")}
    corrected, withdrawn, merged = (m for _, kind, m in found[3:])
    key_a, key_b = (pseudonyms.person_key(KEY, story.partner, p) for p in (story.a, story.b))
    assert given[withdrawn.dose_ref][1].person_key == withdrawn.person_key == key_a
    assert withdrawn.given_record_id == given[withdrawn.dose_ref][0]
    assert (corrected.person_key, list(corrected.corrected_fields), corrected.lot_number) == (key_b, ["lot_number"],
                                                                                            "AB7")
    assert (merged.retired_person_key, merged.surviving_person_key) == (key_b, key_a)
    assert all(keys[rid] == getattr(m, "person_key", None) or keys[rid] == m.retired_person_key
               for rid, _, m in found)
    z = given[pseudonyms.dose_ref(KEY, story.partner, story.z)][1]
    assert (z.historical, z.country, z.site_id, z.vaccine_code, z.date) == (True, "FR", "", "Comirnaty", "2021-03-14")


def test_a_rebuild_in_another_order_doubles_nothing_and_a_later_partner_gets_only_the_current_state(database):
    migrate(database, MIGRATIONS)
    story = Story()
    names = list(story.events)
    with psycopg.connect(database, autocommit=True) as conn:
        story.play(conn, names)
        before = records(conn, story.partner)
        for _ in range(2):  # a rebuild: the read models truncated, the outbox kept, the events again
            conn.execute(f"TRUNCATE {', '.join(TABLES)}")
            story.play(conn, names[::-1])
        after = records(conn, story.partner)
        assert after[:len(before)] == before
        _assert_once(after)
        assert held(after) == held(before) == story.current(story.partner)

        late = f"late-{story.partner}"
        apply(conn, str(uuid.uuid4()), grant(late))
        found = records(conn, late)
    assert sorted(kind.rsplit(".", 1)[-1] for _, kind, _ in found) == ["DoseGiven", "DoseGiven"]
    assert held(found) == story.current(late)


def test_a_partner_granted_again_gets_what_changed_while_it_was_revoked(database):
    migrate(database, MIGRATIONS)
    story = Story()
    with psycopg.connect(database, autocommit=True) as conn:
        story.play(conn, ["grant", "person A", "person B", "dose X", "dose Y", "historical Z"])
        apply(conn, str(uuid.uuid4()), partners.PartnerRevoked(story.partner, "paused", WHEN))
        story.play(conn, ["correct X", "withdraw Y", "merge B into A"])
        assert [k for _, k, _ in records(conn, story.partner)][3:] == []  # nothing while revoked
        story.play(conn, ["grant"])
        found = records(conn, story.partner)
    _assert_once(found)
    assert held(found) == story.current(story.partner)
