"""Registration HTTP API: one blueprint under ``/v1`` assembled from the route modules.

``persons`` (identity), ``workflow`` (priority groups, approval, district, queue, appointments) and ``uploads``
(organisation CSV). A national ID that is already registered answers 409 with ``existing_person_id``.
"""

from __future__ import annotations

from flask import Blueprint

from eventkit.web.problems import problem_response, problem_type
from services.registration.api import persons, uploads, workflow
from services.registration.bulk import BulkUpload
from services.registration.domain.identity import NationalIdTaken
from services.registration.handlers import RegistrationHandlers
from services.registration.views import ReadModels


def blueprint(handlers: RegistrationHandlers, views: ReadModels, bulk: BulkUpload) -> Blueprint:
    bp = Blueprint("registration", __name__, url_prefix="/v1")
    persons.register_routes(bp, handlers, views)
    workflow.register_routes(bp, handlers, views)
    uploads.register_routes(bp, bulk)

    @bp.errorhandler(NationalIdTaken)
    def national_id_taken(exc: NationalIdTaken):
        return problem_response(409, exc.title, exc.detail, type_uri=problem_type("NationalIdTaken"), rule=exc.rule,
                                field=exc.field, existing_person_id=exc.existing_person_id,
                                headers={"Location": f"/v1/persons/{exc.existing_person_id}"})

    return bp
