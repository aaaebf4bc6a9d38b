"""The inventory service: reference data (supply tree, presentation versions, lots), the stock ledger per
location x lot, shipments through the supply tree, the cold chain, and consumption reported by immunization.

Layout (the same in every service): ``domain/`` pure decisions, ``handlers/`` the command table,
``queries/`` read-model queries, ``projections/`` read models, ``api/`` routes and models, ``bootstrap.py``
the wiring; ``seed/`` is the versioned reference seed. See docs/services/inventory.md.
"""
