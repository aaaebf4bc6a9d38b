"""Immunization read models: ``reference`` (other services' topics) and ``views`` (its own topic)."""

from services.immunization.projections.reference import (
    allocation_reference,
    inventory_reference,
    registration_reference,
)
from services.immunization.projections.views import immunization_views

__all__ = ["allocation_reference", "immunization_views", "inventory_reference", "registration_reference"]
