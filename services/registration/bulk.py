"""Organisation bulk upload: a CSV streamed row by row, registered in chunks, every problem reported by line.

Memory stays flat as the file grows: the body is read through a hashing reader and ``csv.reader`` one row at
a time; each row is checked like any registration (field rules, then the uploader's scope) and the valid ones
are registered in chunks of ``chunk_size``: one ``RegisterUploadRows`` command per chunk, one atomic append of
the chunk's national-ID guards and persons (a chunk that loses a race for one of its IDs is registered row by
row with ``RegisterPerson``); the upload ends with ``CompleteUpload``. Problems go to a spooled temporary file
that the response streams back. Duplicates
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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from pydantic import TypeAdapter, ValidationError

from eventkit.envelope import CommandContext, uuid7
from eventkit.errors import ConcurrencyConflict, DomainError
from eventkit.handling import CommandBus
from eventkit.web.models import line as single_line
from services.registration.domain import events as ev
from services.registration.domain import identity, person
from services.registration.domain.commands import CompleteUpload, RegisterPerson, RegisterUploadRows
from services.registration.handlers import PERSON
from services.registration.handlers.identity import held, invalid

COLUMNS = ("national_id_kind", "national_id", "full_name", "date_of_birth", "date_of_birth_estimated", "sex",
           "phone", "province_code", "district_code", "commune_code", "address_line", "occupation", "nationality",
           "priority_group")
REQUIRED = ("national_id_kind", "national_id", "full_name", "date_of_birth", "sex", "province_code")
# A cell is one line of text, like a request field: a control character (NUL, ESC, a line break inside a quoted
# cell) makes the row invalid, reported by line, instead of reaching the store (which refuses it) or a read model.
_CELL = TypeAdapter(single_line(10_000))
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
              person_id: str) -> RegisterPerson:
    if len(row) != len(header):
        raise RowError("(row)", "csv-columns", f"expected {len(header)} columns, got {len(row)}")
    values = {name: value.strip() for name, value in zip(header, row, strict=True)}
    for name, value in values.items():
        try:
            _CELL.validate_python(value)
        except ValidationError as exc:
            error = exc.errors(include_url=False, include_input=False)[0]
            raise RowError(name, error["type"], f"{name}: {error['msg']}") from None
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
    return RegisterPerson(
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
    def __init__(self, bus: CommandBus, *, chunk_size: int = 500) -> None:
        self._bus = bus
        self._chunk_size = chunk_size

    def process(self, organisation_id: str, body, context: CommandContext, report: IO[str], *,
                in_scope: Callable[[ev.Address], bool] = lambda address: True) -> Summary:
        """Register every valid row of the CSV ``body``; write one JSON line per problem to ``report``.

        ``context`` carries no idempotency key: each row's idempotency is its national-ID guard.
        """
        summary = Summary(str(uuid7()), organisation_id)
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
        chunk: list[tuple[int, RegisterPerson]] = []
        for line, row in self._rows(rows, undecodable, summary, report):
            try:
                command = parse_row(header, row, upload_id=summary.upload_id, line=line,
                                    organisation_id=organisation_id, person_id=str(uuid7()))
            except RowError as exc:
                self._problem(report, summary, line, "invalid", field=exc.field, rule=exc.rule, reason=exc.reason)
                continue
            if self._acceptable(line, command, in_scope, summary, report):
                chunk.append((line, command))
            if len(chunk) >= self._chunk_size:
                self._register_chunk(chunk, summary, context, report)
                chunk = []
        if chunk:
            self._register_chunk(chunk, summary, context, report)
        summary.file_sha256 = reader.sha256.hexdigest()
        completed = self._bus.handle(CompleteUpload(
            summary.upload_id, organisation_id, summary.file_sha256, summary.rows, summary.registered,
            summary.invalid, summary.duplicates_in_file, summary.already_registered), context)
        summary.same_file_uploaded_before = completed.response["same_file_uploaded_before"]
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

    def _acceptable(self, line: int, command: RegisterPerson, in_scope, summary: Summary, report: IO[str]) -> bool:
        """A row's field rules first (as for any registration), then the uploader's scope over its address."""
        deps = self._bus.deps
        try:
            person.register(person.Person.empty(), command, deps.refs, now=deps.clock())
        except DomainError as exc:
            self._report(report, summary, invalid(line, exc))
            return False
        if not in_scope(command.address):
            self._problem(report, summary, line, "invalid", field="province_code", rule="scope",
                          reason="the row's province / district is outside the uploader's scope")
            return False
        return True

    # -- one chunk: one atomic append -------------------------------------------------------------------
    def _register_chunk(self, chunk, summary: Summary, context: CommandContext, report: IO[str]) -> None:
        try:
            result = self._bus.handle(RegisterUploadRows(summary.upload_id, tuple(chunk)), context)
        except ConcurrencyConflict:  # someone registered one of these IDs meanwhile: go row by row
            for line, command in chunk:
                self._register_one(line, command, summary, context, report)
            return
        summary.registered += len(result.response["registered"])
        for problem in result.response["problems"]:
            self._report(report, summary, problem)

    def _register_one(self, line: int, command: RegisterPerson, summary: Summary, context, report) -> None:
        try:
            self._bus.handle(command, context)
            summary.registered += 1
        except identity.NationalIdTaken as exc:
            holder, _ = self._bus.es.load(PERSON, exc.existing_person_id)
            self._report(report, summary, held(line, exc.existing_person_id, holder, summary.upload_id))
        except DomainError as exc:
            self._report(report, summary, invalid(line, exc))

    def _problem(self, report: IO[str], summary: Summary, line: int, status: str, **detail: Any) -> None:
        self._report(report, summary, {"line": line, "status": status, **detail})

    @staticmethod
    def _report(report: IO[str], summary: Summary, problem: dict[str, Any]) -> None:
        counter = {"invalid": "invalid", "duplicate_in_file": "duplicates_in_file",
                   "already_registered": "already_registered"}[problem["status"]]
        setattr(summary, counter, getattr(summary, counter) + 1)
        if problem.get("field") is not None:
            problem = {**problem, "field": _COLUMN_OF.get(problem["field"], problem["field"])}
        report.write(json.dumps(problem, ensure_ascii=False) + "\n")
