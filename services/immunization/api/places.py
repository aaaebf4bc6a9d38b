"""Where a request's target is, read before the caller's scope is checked (and before anything is decided).

A session is at its planned site; a visit at its session's site; a dose at the site that gave it (a
historical dose: in the person's district); an AEFI where its first dose was given. Visits, doses and AEFI
cases are read from their streams (``es.load``), plans and sites from the reference read models.

A person's health record (doses, next dose; ``/v1`` and ``/fhir``) is read by the person (scope
``person:<id>``) or by officers in scope who declare a purpose, each such read recorded
(:meth:`Places.authorize_record_read`).
"""

from __future__ import annotations

from eventkit import access
from eventkit.auth import current_principal
from eventkit.errors import NotFound
from eventkit.handling import CommandBus
from services.immunization.domain.aefi import AefiCase
from services.immunization.domain.reference import Site
from services.immunization.domain.visit import Visit
from services.immunization.handlers import AEFI, RECORD, VISIT, planned
from services.immunization.queries import Views


class Places:
    def __init__(self, bus: CommandBus, views: Views) -> None:
        self._es = bus.es
        self._reference = bus.deps.reference
        self._views = views

    def authorize_record_read(self, person_id: str, *, field: str = "person_id", unknown_is_empty: bool = False) -> bool:
        """Authorize a read of the person's health record; append ``PersonalDataAccessed`` for a staff read once
        the person is found. An unknown person: 404, or False with ``unknown_is_empty`` (a FHIR search)."""
        principal = current_principal()
        if principal.role == "citizen":
            principal.require_scope([f"person:{person_id}"], field=field)
            return True
        principal.require_scope(self._views.person_path(person_id), field=field)
        purpose = access.declared_purpose()
        if self._reference.person(person_id) is None:
            if unknown_is_empty:
                return False
            raise NotFound(f"person {person_id} is not registered (or not yet known here)", field=field)
        access.record_access(self._es, person_id, purpose)
        return True

    def session_site(self, session_id: str) -> Site:
        return self._reference.site_or_unknown(planned(self._reference, session_id).site_id)

    def visit(self, visit_id: str) -> Visit:
        state, _ = self._es.load(VISIT, visit_id)
        if not state.visit_id:
            raise NotFound(f"visit {visit_id} is unknown", field="visit_id")
        return state

    def visit_site(self, visit_id: str) -> Site:
        return self.session_site(self.visit(visit_id).session_id)

    def dose_path(self, person_id: str, dose_id: str) -> list[str]:
        """The scope path of a dose: its site's, or the person's district for a dose given elsewhere."""
        dose = self._es.load(RECORD, person_id)[0].dose(dose_id)
        if dose is not None and dose.site_id:
            return self._reference.site_or_unknown(dose.site_id).scope_path
        return self._views.person_path(person_id)

    def aefi_case(self, aefi_id: str) -> AefiCase:
        state, _ = self._es.load(AEFI, aefi_id)
        if not state.aefi_id:
            raise NotFound(f"AEFI {aefi_id} is unknown", field="aefi_id")
        return state
