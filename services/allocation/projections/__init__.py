"""Allocation read models, of other services' topics and one of its own (each rebuildable from offset 0 with
``vaxtrail rebuild``).

- :mod:`.supply` (``vaxtrail.inventory.v1``): supply tree, presentations, lots, stock per store x lot;
- :mod:`.demand` (``vaxtrail.registration.v1``): approved registrants per province / district and groups;
- :mod:`.doses` (``vaxtrail.immunization.v1``): doses given per site and product;
- :mod:`.public` (own topic): approved plans' lines and releases, for the public figures.

Each is declared by event class (:func:`eventkit.readmodels.declare`): its topic and the event types it
ignores are derived. Queries over them live in :mod:`services.allocation.queries`.
"""
