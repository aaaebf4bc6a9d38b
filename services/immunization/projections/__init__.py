"""Immunization read models, one module per projection (each declared by event class).

- ``registration_reference``, ``inventory_reference``, ``allocation_reference``: the other services' facts
  decisions read (people, supply and lots, session plans) - local copies, never a call to another service;
- ``views``: the service's own topic - sessions, visits (the day sheet), vials, doses, next doses, AEFI.
"""
