"""Immunization settings: the shared :class:`eventkit.settings.Settings` (see its docstring) plus one variable.

=============================== ===================================================================
``VACCINATION_COUNTRY``         ISO 3166-1 alpha-2 code of the country the campaign vaccinates in
                                (default ``VN``): the DDCC:VS country of vaccination of every dose given
                                here, in the FHIR API (a historical dose keeps the country it was recorded
                                with).
=============================== ===================================================================
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from eventkit.settings import SettingsError

SERVICE = "immunization"
COUNTRY_VARIABLE = "VACCINATION_COUNTRY"


def vaccination_country(environ: Mapping[str, str]) -> str:
    value = environ.get(COUNTRY_VARIABLE, "VN").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", value):
        raise SettingsError(f"{COUNTRY_VARIABLE} must be an ISO 3166-1 alpha-2 code such as VN, not {value!r}")
    return value
