"""Handlers for identity: register (one person, or a chunk of an upload), correct, merge.

A registration claims its national-ID guard in the same transaction as ``PersonRegistered``; two racing
registrations of one document both load the guard at version 0 and the store lets one commit. The loser's
handler runs again (``Handler(register_person, retries=1)``), now finds the guard held and answers 409 naming
the holder (INV-31) - the same answer as a sequential duplicate.
"""

from __future__ import annotations

from typing import Any

from eventkit.aggregates import Reply, Transaction
from eventkit.errors import DomainError
from services.registration.domain import events as ev
from services.registration.domain import identity, person
from services.registration.domain.commands import (
    CompleteUpload,
    CorrectPerson,
    MergePersons,
    RegisterPerson,
    RegisterUploadRows,
)
from services.registration.handlers.base import (
    GUARD,
    PERSON,
    UPLOAD,
    Deps,
    load_person,
    person_reply,
    upload_stream_id,
)


def register_person(tx: Transaction, command: RegisterPerson, deps: Deps) -> Reply:
    now = deps.clock()
    produced = person.register(person.Person.empty(), command, deps.refs, now=now)
    details = produced[0]
    guard = deps.guard_of(details.national_id_kind, details.national_id)
    claimed = identity.claim(tx.load(GUARD, guard), command.person_id, details.national_id_kind, "REGISTRATION",
                             now=now)
    tx.append(GUARD, guard, [claimed])
    tx.append(PERSON, command.person_id, produced, new=True)
    return person_reply(command.person_id)


def register_upload_rows(tx: Transaction, command: RegisterUploadRows, deps: Deps) -> Reply:
    """Register every row of the chunk whose document is free; report the others by line.

    Answers ``registered`` (lines) and ``problems`` (``{"line", "status", ...}``): a row whose document a
    person of this upload already holds is a duplicate within the file, any other holder means "already
    registered". Every guard and holder read is a version guard: if any moved on, nothing is written (409)
    and the caller registers the chunk row by row.
    """
    now = deps.clock()
    problems: list[dict[str, Any]] = []
    decided = []
    for line, row in command.rows:
        try:
            produced = person.register(person.Person.empty(), row, deps.refs, now=now)
        except DomainError as exc:
            problems.append(invalid(line, exc))
            continue
        decided.append((line, row, produced, deps.guard_of(produced[0].national_id_kind, produced[0].national_id)))
    guards = tx.load_many(GUARD, [guard for *_, guard in decided])
    holders = tx.load_many(PERSON, sorted({g.person_id for g in guards.values() if g.person_id}))
    claimed_here: dict[str, int] = {}
    registered: list[int] = []
    for line, row, produced, guard in decided:
        holder = guards[guard].person_id
        if guard in claimed_here:
            problems.append(duplicate_in_file(line, claimed_here[guard]))
        elif holder:
            problems.append(held(line, holder, holders[holder], command.upload_id))
        else:
            claimed_here[guard] = line
            tx.append(GUARD, guard, [identity.claim(guards[guard], row.person_id, produced[0].national_id_kind,
                                                    "REGISTRATION", now=now)])
            tx.append(PERSON, row.person_id, produced, new=True)
            registered.append(line)
    return Reply(command.upload_id, {"registered": registered, "problems": sorted(problems, key=lambda p: p["line"])})


def invalid(line: int, exc: DomainError) -> dict[str, Any]:
    return {"line": line, "status": "invalid", "field": exc.field, "rule": exc.rule, "reason": exc.detail}


def duplicate_in_file(line: int, of_line: int) -> dict[str, Any]:
    return {"line": line, "status": "duplicate_in_file", "duplicate_of_line": of_line, "rule": "INV-31",
            "field": "national_id"}


def held(line: int, holder_id: str, holder: person.Person, upload_id: str) -> dict[str, Any]:
    """The problem of a row whose document ``holder_id`` holds: this upload's own row, or someone else."""
    if holder.details is not None and holder.details.upload_id == upload_id:
        return duplicate_in_file(line, holder.details.upload_line)
    return {"line": line, "status": "already_registered", "person_id": holder_id, "rule": "INV-31",
            "field": "national_id"}


def complete_upload(tx: Transaction, command: CompleteUpload, deps: Deps) -> Reply:
    """``BulkUploadCompleted`` on the (organisation, file) stream; says whether that file came before."""
    stream = upload_stream_id(command.organisation_id, command.file_sha256)
    earlier = tx.load(UPLOAD, stream)
    tx.append(UPLOAD, stream, [ev.BulkUploadCompleted(
        command.upload_id, command.organisation_id, command.file_sha256, command.rows, command.registered,
        command.invalid, command.duplicates_in_file, command.already_registered, deps.clock())])
    return Reply(command.upload_id, {"same_file_uploaded_before": earlier > 0})


def correct_person(tx: Transaction, command: CorrectPerson, deps: Deps) -> Reply:
    """``PersonDetailsCorrected``; a new document is claimed and the old one released in the same append."""
    state, now = load_person(tx, command.person_id), deps.clock()
    corrected = person.correct(state, dict(command.changes), command.reason, command.evidence, deps.refs, now=now)
    tx.append(PERSON, command.person_id, [corrected])
    old, new = state.details, person.apply_changes(state.details, corrected.changes)
    if (old.national_id_kind, old.national_id) != (new.national_id_kind, new.national_id):
        old_guard = deps.guard_of(old.national_id_kind, old.national_id)
        new_guard = deps.guard_of(new.national_id_kind, new.national_id)
        claimed = identity.claim(tx.load(GUARD, new_guard), command.person_id, new.national_id_kind, "CORRECTION",
                                 now=now)
        tx.append(GUARD, new_guard, [claimed])
        tx.append(GUARD, old_guard, identity.release(tx.load(GUARD, old_guard), command.person_id, "CORRECTION",
                                                     now=now))
    return person_reply(command.person_id)


def merge_persons(tx: Transaction, command: MergePersons, deps: Deps) -> Reply:
    """``PersonsMerged`` on the merged person; its document is reclaimed for the survivor (whose version,
    loaded here, guards the append too)."""
    survivor = load_person(tx, command.surviving_person_id)
    merged = load_person(tx, command.merged_person_id, field="merged_person_id")
    now = deps.clock()
    event = person.merge(survivor, merged, command.reason, now=now)
    guard = deps.guard_of(merged.details.national_id_kind, merged.details.national_id)
    reclaimed = identity.claim(tx.load(GUARD, guard), command.surviving_person_id, merged.details.national_id_kind,
                               "MERGE", now=now)
    tx.append(PERSON, command.merged_person_id, [event])
    tx.append(GUARD, guard, [reclaimed])
    return person_reply(command.surviving_person_id)
