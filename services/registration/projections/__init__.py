"""Registration read models, one module per projection, each declared by event class
(:func:`eventkit.readmodels.declare`: topics and the ignored set are derived, so a type this version does not
know is dead-lettered rather than skipped). Tables: ``migrations/0001_read_models.sql``; every one is
rebuildable from offset 0 (``vaxtrail rebuild registration <name>``).

- :mod:`.people` (own topic): approval queue and account listing;
- :mod:`.district_centres` (inventory topic): centres district assignment checks;
- :mod:`.planned_sessions` (allocation topic): sessions appointments book into;
- :mod:`.citizen_record` (immunization + certificate topics): doses and certificates for the citizen's view.
"""

from __future__ import annotations

from eventkit.projections import Projection
from services.registration.domain.reference import PriorityCatalogues
from services.registration.projections.citizen_record import citizen_record
from services.registration.projections.district_centres import district_centres
from services.registration.projections.people import people
from services.registration.projections.planned_sessions import planned_sessions


def declared(codec, catalogues: PriorityCatalogues) -> list[Projection]:
    return [people(codec, catalogues), district_centres(), planned_sessions(), citizen_record()]
