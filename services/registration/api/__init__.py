"""Registration HTTP API: one blueprint under ``/v1`` assembled from the route modules.

``persons`` (identity), ``workflow`` (priority groups, approval, district, queue, appointments) and ``uploads``
(organisation CSV). A national ID that is already registered answers 409; only staff are told who holds it.
"""

from __future__ import annotations

from flask import Blueprint

from eventkit.auth import current_principal
from eventkit.handling import CommandBus
from eventkit.web.problems import problem_response, problem_type
from eventkit.web.public import register_figures
from services.registration.api import persons, uploads, workflow
from services.registration.bulk import BulkUpload
from services.registration.domain.identity import NationalIdTaken
from services.registration.queries import ReadModels


def blueprint(bus: CommandBus, reads: ReadModels, bulk: BulkUpload) -> Blueprint:
    bp = Blueprint("registration", __name__, url_prefix="/v1")
    persons.register_routes(bp, bus, reads)
    workflow.register_routes(bp, bus, reads)
    uploads.register_routes(bp, bulk)
    zone = bus.deps.refs.zone
    register_figures(bp, name="RegistrationFigures", measures=("registered", "approved"), zone=zone,
                     rows=lambda first, last: reads.public_rows(first, last, str(zone)),
                     summary="Public figures: people registered and approved by province and by day",
                     description="People registered (by the province of their address and the campaign day of "
                                 "registration) and approved (by the day of approval); merged duplicates left out.")

    @bp.errorhandler(NationalIdTaken)
    def national_id_taken(exc: NationalIdTaken):
        kind = problem_type("NationalIdTaken")
        if current_principal().role == "citizen":
            # A citizen may learn that the number is registered, never to whom (no id, no Location).
            return problem_response(409, exc.title, "this national ID is already registered; if it is yours, "
                                    "contact the health department", type_uri=kind, rule=exc.rule, field=exc.field)
        return problem_response(409, exc.title, exc.detail, type_uri=kind, rule=exc.rule, field=exc.field,
                                existing_person_id=exc.existing_person_id,
                                headers={"Location": f"/v1/persons/{exc.existing_person_id}"})

    return bp
