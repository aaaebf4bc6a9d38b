"""Allocation read models of other services' topics (each rebuildable from offset 0 with ``vaxtrail rebuild``).

- :mod:`.supply` (``vaxtrail.inventory.v1``): supply tree, presentations, lots, stock per store x lot;
- :mod:`.demand` (``vaxtrail.registration.v1``): approved registrants per province / district and groups;
- :mod:`.doses` (``vaxtrail.immunization.v1``): doses given per site and product.

Queries over them (and over the service's own event store) live in :mod:`services.allocation.views`.
"""
