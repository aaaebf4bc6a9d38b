"""Registration command handlers: plain functions ``handler(tx, command, deps) -> Reply``, and the one table.

- :mod:`.identity`: register (one person, or a chunk of an organisation upload), correct, merge;
- :mod:`.workflow`: priority groups, approval / rejection (and a site's walk-in approval), district assignment;
- :mod:`.appointments`: book, cancel, reschedule;
- :mod:`.base`: the aggregates (``PERSON``, ``GUARD``, ``SEATS``, ``UPLOAD``), :class:`Deps`, ``load_person``.

``bootstrap.bus`` builds ``CommandBus(EventSourcing(...), COMMANDS, deps)``; ``EventSourcing.execute`` answers
a retried command from its idempotency key before any handler runs (INV-34).
"""

from __future__ import annotations

from eventkit.handling import CommandTable, Handler
from services.registration.domain.commands import (
    ApproveRegistration,
    ApproveWalkIn,
    AssignDistrict,
    AssignPriorityGroup,
    CancelAppointment,
    CompleteUpload,
    CorrectPerson,
    MergePersons,
    RegisterPerson,
    RegisterUploadRows,
    RejectRegistration,
    RescheduleAppointment,
    RevokePriorityGroup,
    ScheduleAppointment,
)
from services.registration.handlers.appointments import (
    cancel_appointment,
    reschedule_appointment,
    schedule_appointment,
)
from services.registration.handlers.base import GUARD, PERSON, SEATS, UPLOAD, Deps, guard_id, seats_id
from services.registration.handlers.identity import (
    complete_upload,
    correct_person,
    merge_persons,
    register_person,
    register_upload_rows,
)
from services.registration.handlers.workflow import (
    approve_registration,
    approve_walk_in,
    assign_district,
    assign_priority_group,
    reject_registration,
    revoke_priority_group,
)

COMMANDS: CommandTable = {
    # A lost race for a national ID re-runs the handler, which then finds the guard held: 409 naming the holder.
    RegisterPerson: Handler(register_person, retries=1),
    RegisterUploadRows: register_upload_rows,          # a conflict: the upload registers the chunk row by row
    CompleteUpload: Handler(complete_upload, retries=3),  # counts commute: re-decide on a 409
    CorrectPerson: correct_person,
    MergePersons: merge_persons,
    AssignPriorityGroup: assign_priority_group,
    RevokePriorityGroup: revoke_priority_group,
    ApproveRegistration: approve_registration,
    ApproveWalkIn: approve_walk_in,
    RejectRegistration: reject_registration,
    AssignDistrict: assign_district,
    ScheduleAppointment: schedule_appointment,
    CancelAppointment: cancel_appointment,
    RescheduleAppointment: reschedule_appointment,
}

__all__ = ["COMMANDS", "GUARD", "PERSON", "SEATS", "UPLOAD", "Deps", "guard_id", "seats_id"]
