"""Immunization command handlers: load -> decide -> append, one method per command (``commands.py``).

``store.py`` loads streams and appends one command's events to one or several aggregates atomically.
"""

from services.immunization.handlers.commands import ImmunizationHandlers
from services.immunization.handlers.store import Streams

__all__ = ["ImmunizationHandlers", "Streams"]
