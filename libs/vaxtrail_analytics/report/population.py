"""Target population: versioned reference data (province totals, optionally per age band) with its source.

The shipped file, ``population.vn-census-2019.v2.json``, holds only figures that could be cited, each province
with its ``cite`` (see its ``completeness``: 40 of the 63 provinces, no age bands; ``provinces_missing`` lists the
others, ``regions`` holds GSO's regional totals for checks); ``vaxtrail report --population FILE`` takes a fuller
file of the same format (keys other than those below are ignored)::

    {"format": "vaxtrail.population", "version": "...", "source": "...",
     "provinces": [{"code": "79", "name": "...", "total": 8993082}],
     "age_bands": {"79": {"18-49": 4300000, "50-64": 1500000, "65+": 600000}}}

Age bands are those of :data:`AGE_BANDS` (age in whole years at the report's date, from the birth year).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

SHIPPED = Path(__file__).with_name("population.vn-census-2019.v2.json")
AGE_BANDS = (("0-17", 0, 17), ("18-49", 18, 49), ("50-64", 50, 64), ("65+", 65, 200))


@dataclass(frozen=True)
class Population:
    version: str
    source: str
    completeness: str
    provinces: dict[str, int]
    names: dict[str, str]
    bands: dict[str, dict[str, int]] = field(default_factory=dict)
    national: int | None = None

    def describe(self) -> dict:
        return {"version": self.version, "source": self.source, "completeness": self.completeness,
                "provinces": len(self.provinces), "age_bands": sorted(self.bands)}


def load(path: Path | None = None) -> Population:
    data = json.loads((path or SHIPPED).read_text())
    if data.get("format") != "vaxtrail.population":
        raise ValueError(f"{path}: not a vaxtrail.population file")
    known = {name for name, _, _ in AGE_BANDS}
    bands = {code: {band: int(n) for band, n in per.items()} for code, per in data.get("age_bands", {}).items()}
    for code, per in bands.items():
        if set(per) - known:
            raise ValueError(f"{path}: province {code} has age bands {sorted(set(per) - known)}; "
                             f"expected {sorted(known)}")
    return Population(version=data["version"], source=data["source"], completeness=data.get("completeness", ""),
                      provinces={p["code"]: int(p["total"]) for p in data["provinces"]},
                      names={p["code"]: p.get("name", p["code"]) for p in data["provinces"]},
                      bands=bands, national=(data.get("national") or {}).get("total"))
