"""The allocation service: allocation plans down the supply tree, second-dose reserves, district session plans.

Layout: ``domain/`` (pure commands, events, decisions), ``handlers/`` (handler functions, ``Deps`` and the
``COMMANDS`` table), ``queries.py`` (SQL over the read models), ``projections/`` (read models of the
inventory, registration and immunization topics), ``api/`` (Flask blueprints and request models),
``codec.py``, ``bootstrap.py``. See docs/services/allocation.md.
"""
