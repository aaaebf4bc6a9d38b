"""Organisation bulk upload: a CSV streamed row by row, registered in chunks, every problem reported by line.

Memory stays flat as the file grows: the body is read through a hashing reader and ``csv.reader`` one row at
a time; rows are registered in chunks of ``chunk_size`` (one atomic append per chunk: the chunk's national-ID
guards and persons); problems go to a spooled temporary file that the response streams back. Duplicates
within the file are found through the national-ID guards themselves (a guard held by a person of this
upload is "duplicate of line N"), so no per-file set grows with the file.

Idempotent: a row whose national ID is already registered is never registered again, so the same file
uploaded twice registers nobody twice (the second report lists every row as already registered, and
``BulkUploadCompleted`` records that the file's SHA-256 was seen before).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import IO

from eventkit.envelope import CommandContext, uuid7
from eventkit.errors import ConcurrencyConflict, DomainError
from services.registration.domain import events as ev
from services.registration.domain import identity, person
from services.registration.handlers import GUARD, PERSON, RegistrationHandlers

COLUMNS = ("national_id_kind", "national_id", "full_name", "date_of_birth", "date_of_birth_estimated", "sex",
           "phone", "province_code", "district_code", "commune_code", "address_line", "occupation", "nationality",
           "priority_group")
REQUIRED = ("national_id_kind", "national_id", "full_name", "date_of_birth", "sex", "province_code")
UPLOAD = "bulk_upload"
# Domain errors name command fields; the uploader reads CSV columns.
_COLUMN_OF = {"group_code": "priority_group", "catalogue_version": "priority_group", "evidence": "priority_group",
              "effective_date": "priority_group", **{f"address.{c}": c for c in
                                                     ("province_code", "district_code", "commune_code", "address_line")}}


def _decoded_lines(lines, undecodable: set[int]):
    """UTF-8 text lines for csv.reader; a line that does not decode is marked (and decoded with U+FFFD) so
    its row is reported instead of failing the whole upload half-way."""
    for number, raw in enumerate(lines, 1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            undecodable.add(number)
            yield raw.decode("utf-8", errors="replace")


class _HashingReader(io.RawIOBase):
    """Reads the request body through SHA-256 so the file's digest is known when the last row is read."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self._stream.read(len(buffer))
        self.sha256.update(chunk)
        buffer[: len(chunk)] = chunk
        return len(chunk)


@dataclass
class Summary:
    upload_id: str
    organisation_id: str
    rows: int = 0
    registered: int = 0
    invalid: int = 0
    duplicates_in_file: int = 0
    already_registered: int = 0
    file_sha256: str = ""
    same_file_uploaded_before: bool = False
    extra: dict = field(default_factory=dict)


class RowError(Exception):
    def __init__(self, field: str, rule: str, reason: str) -> None:
        super().__init__(reason)
        self.field, self.rule, self.reason = field, rule, reason


def parse_row(header: list[str], row: list[str], *, upload_id: str, organisation_id: str, line: int,
              person_id: str) -> person.RegisterPerson:
    if len(row) != len(header):
        raise RowError("(row)", "csv-columns", f"expected {len(header)} columns, got {len(row)}")
    values = {name: value.strip() for name, value in zip(header, row, strict=True)}
    for name in REQUIRED:
        if not values.get(name):
            raise RowError(name, "missing", f"{name} is required")
    try:
        born = date.fromisoformat(values["date_of_birth"])
    except ValueError:
        raise RowError("date_of_birth", "date-format", "date_of_birth is YYYY-MM-DD") from None
    estimated = values.get("date_of_birth_estimated", "").lower()
    if estimated not in ("", "true", "false", "1", "0", "yes", "no"):
        raise RowError("date_of_birth_estimated", "bool-format", "date_of_birth_estimated is true or false")
    return person.RegisterPerson(
        person_id=person_id, national_id_kind=values["national_id_kind"].upper(), national_id=values["national_id"],
        full_name=values["full_name"], date_of_birth=born, sex=values["sex"].upper(),
        address=ev.Address(values["province_code"], values.get("district_code", ""),
                           values.get("commune_code", ""), values.get("address_line", "")),
        channel="ORGANISATION_BULK", registered_by=organisation_id, registered_by_kind="ORGANISATION",
        date_of_birth_estimated=estimated in ("true", "1", "yes"), phone=values.get("phone", ""),
        occupation=values.get("occupation", ""), nationality=(values.get("nationality") or "VN").upper(),
        upload_id=upload_id, upload_line=line, priority_group=values.get("priority_group", "").upper(),
    )


class BulkUpload:
    def __init__(self, handlers: RegistrationHandlers, pool, *, chunk_size: int = 500) -> None:
        self._handlers = handlers
        self._pool = pool
        self._chunk_size = chunk_size

    def process(self, organisation_id: str, body, context: CommandContext, report: IO[str], *,
                in_scope: Callable[[ev.Address], bool] = lambda address: True) -> Summary:
        """Register every valid row of the CSV ``body``; write one JSON line per problem to ``report``."""
        summary = Summary(str(uuid7()), organisation_id)
        self._in_scope = in_scope
        context = replace(context, idempotency_key=None)  # each row's idempotency is its national-ID guard
        reader = _HashingReader(body)
        undecodable: set[int] = set()  # physical lines not in UTF-8 (only bad lines are remembered)
        rows = csv.reader(_decoded_lines(io.BufferedReader(reader, 1 << 16), undecodable))
        header = [h.strip().lower() for h in next(rows, [])]
        if undecodable:
            raise DomainError("the CSV header is not UTF-8", field="header", rule="csv-header")
        missing = [c for c in REQUIRED if c not in header]
        unknown = [h for h in header if h not in COLUMNS]
        if missing or unknown:
            problem = f"missing column(s) {missing}" if missing else f"unknown column(s) {unknown}"
            raise DomainError(f"CSV header: {problem}; columns are {', '.join(COLUMNS)}", field="header",
                              rule="csv-header")
        chunk: list[tuple[int, person.RegisterPerson]] = []
        for line, row in self._rows(rows, undecodable, summary, report):
            try:
                chunk.append((line, parse_row(header, row, upload_id=summary.upload_id, line=line,
                                              organisation_id=organisation_id, person_id=str(uuid7()))))
            except RowError as exc:
                self._problem(report, summary, line, "invalid", field=exc.field, rule=exc.rule, reason=exc.reason)
            if len(chunk) >= self._chunk_size:
                self._register_chunk(chunk, summary, context, report)
                chunk = []
        if chunk:
            self._register_chunk(chunk, summary, context, report)
        summary.file_sha256 = reader.sha256.hexdigest()
        self._complete(summary, context)
        return summary

    def _rows(self, rows, undecodable: set[int], summary: Summary, report: IO[str]):
        """(line, cells) of every non-blank row; unreadable rows are problems, not a failed upload."""
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as exc:
                summary.rows += 1
                self._problem(report, summary, rows.line_num, "invalid", field="(row)", rule="csv-format",
                              reason=str(exc))
                continue
            if undecodable:
                summary.rows += 1
                self._problem(report, summary, rows.line_num, "invalid", field="(row)", rule="encoding",
                              reason="the row is not UTF-8")
                undecodable.clear()
                continue
            if any(cell.strip() for cell in row):
                summary.rows += 1
                yield rows.line_num, row

    # -- one chunk: one atomic append -------------------------------------------------------------------
    def _register_chunk(self, chunk, summary: Summary, context: CommandContext, report: IO[str]) -> None:
        handlers, now = self._handlers, self._handlers.clock()
        prepared = []
        for line, command in chunk:
            try:
                produced = person.register(person.Person.empty(), command, handlers.refs, now=now)
            except DomainError as exc:
                self._problem(report, summary, line, "invalid", field=exc.field, rule=exc.rule, reason=exc.detail)
                continue
            if not self._in_scope(command.address):
                self._problem(report, summary, line, "invalid", field="province_code", rule="scope",
                              reason="the row's province / district is outside the uploader's scope")
                continue
            prepared.append((line, command, produced, handlers.guard_of(produced[0].national_id_kind,
                                                                         produced[0].national_id)))
        guards = self._load_many(GUARD, [g for *_, g in prepared])
        holders = self._load_many(PERSON, [s.person_id for s, _ in guards.values() if s.person_id])
        claimed_here: dict[str, int] = {}
        changes, accepted = [], []
        for line, command, produced, guard in prepared:
            state, version = guards.get(guard, (identity.NationalIdGuard(), 0))
            if guard in claimed_here:
                self._problem(report, summary, line, "duplicate_in_file", duplicate_of_line=claimed_here[guard])
            elif state.person_id:
                self._duplicate(report, summary, line, state.person_id, holders.get(state.person_id))
            else:
                claimed_here[guard] = line
                claim = identity.claim(state, command.person_id, produced[0].national_id_kind, "REGISTRATION", now=now)
                changes += [handlers.change(GUARD, guard, version, [claim]),
                            handlers.change(PERSON, command.person_id, 0, produced)]
                accepted.append((line, command))
        if not changes:
            return
        try:
            handlers.append(changes, context, "")
            summary.registered += len(accepted)
        except ConcurrencyConflict:  # someone registered one of these IDs meanwhile: go row by row
            for line, command in accepted:
                self._register_one(line, command, summary, context, report)

    def _register_one(self, line, command, summary: Summary, context, report) -> None:
        try:
            self._handlers.register_person(command, context, "")
            summary.registered += 1
        except identity.NationalIdTaken as exc:
            holder = self._load_many(PERSON, [exc.existing_person_id]).get(exc.existing_person_id)
            self._duplicate(report, summary, line, exc.existing_person_id, holder)
        except DomainError as exc:
            self._problem(report, summary, line, "invalid", field=exc.field, rule=exc.rule, reason=exc.detail)

    def _duplicate(self, report, summary: Summary, line: int, person_id: str, holder) -> None:
        details = holder[0].details if holder else None
        if details is not None and details.upload_id == summary.upload_id:
            self._problem(report, summary, line, "duplicate_in_file", duplicate_of_line=details.upload_line)
        else:
            self._problem(report, summary, line, "already_registered", person_id=person_id, rule="INV-31",
                          field="national_id")

    @staticmethod
    def _problem(report: IO[str], summary: Summary, line: int, status: str, **detail) -> None:
        counter = {"invalid": "invalid", "duplicate_in_file": "duplicates_in_file",
                   "already_registered": "already_registered"}[status]
        setattr(summary, counter, getattr(summary, counter) + 1)
        if "field" in detail:
            detail["field"] = _COLUMN_OF.get(detail["field"], detail["field"])
        if status == "duplicate_in_file":
            detail.setdefault("rule", "INV-31")
            detail.setdefault("field", "national_id")
        report.write(json.dumps({"line": line, "status": status, **detail}, ensure_ascii=False) + "\n")

    def _load_many(self, spec, ids: Iterable[str]) -> dict[str, tuple[object, int]]:
        """Current state and version of many aggregates of this service's own store, in one query."""
        ids = sorted(set(ids))
        if not ids:
            return {}
        found: dict[str, tuple[object, int]] = {}
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT aggregate_id, aggregate_version, event_type, payload FROM events"
                " WHERE aggregate_id = ANY(%s) ORDER BY aggregate_id, aggregate_version", (ids,)).fetchall()
        for aggregate_id, version, event_type, payload in rows:
            state = found.get(aggregate_id, (spec.initial(), 0))[0]
            found[aggregate_id] = (spec.evolve(state, self._handlers.codec.decode(event_type, bytes(payload))), version)
        return found

    def _complete(self, summary: Summary, context: CommandContext) -> None:
        aggregate_id = f"upload/{summary.organisation_id}/{summary.file_sha256}"
        earlier = self._handlers.repository.store.load(aggregate_id)
        summary.same_file_uploaded_before = bool(earlier)
        completed = ev.BulkUploadCompleted(
            summary.upload_id, summary.organisation_id, summary.file_sha256, summary.rows, summary.registered,
            summary.invalid, summary.duplicates_in_file, summary.already_registered, self._handlers.clock())
        self._handlers.append([self._handlers.change_of(UPLOAD, aggregate_id, len(earlier), [completed])], context, "")
