"""Immunization settings: the shared :class:`eventkit.settings.Settings` (see its docstring for every variable)."""

from __future__ import annotations

SERVICE = "immunization"
