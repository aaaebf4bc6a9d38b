"""The allocation service: allocation plans down the supply tree, second-dose reserves, district session plans.

Layout: ``domain/`` (pure decisions), ``handlers.py`` (read -> decide -> append), ``ledger.py`` (what the
own event store has promised), ``projections/`` + ``views.py`` (read models of the inventory, registration
and immunization topics), ``api/`` (Flask blueprints), ``codec.py``, ``bootstrap.py``. See
docs/services/allocation.md.
"""
