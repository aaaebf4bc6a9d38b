"""Inventory settings: the shared :class:`eventkit.settings.Settings` (see its docstring for every variable).

The inventory service adds no variables of its own yet.
"""

from __future__ import annotations

SERVICE = "inventory"
