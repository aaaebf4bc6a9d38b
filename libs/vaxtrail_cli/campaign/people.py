"""People a campaign registers: fresh, well-formed citizen IDs and the organisation upload's CSV.

A citizen ID is 12 digits: ``0``, the 2-digit province code, one digit for century of birth and sex
(0 = man born in the 1900s, 1 = woman born in the 1900s), the 2-digit year of birth and a 6-digit serial.
The serial is random, so a run against a stack that already holds other people (a live ``make up``) picks
IDs nobody has with overwhelming odds; a collision is reported by the upload as "already registered" and
the driver simply leaves that row out.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date

# The bulk upload's columns (POST /v1/organisations/{id}/uploads, docs/services/registration.md).
COLUMNS = ("national_id_kind", "national_id", "full_name", "date_of_birth", "date_of_birth_estimated", "sex",
           "phone", "province_code", "district_code", "commune_code", "address_line", "occupation", "nationality",
           "priority_group")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng")
GIVEN = ("Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thu Hà", "Đức Huy", "Ngọc Lan", "Thanh Tùng")


@dataclass(frozen=True)
class Person:
    """A person as the driver registers them (the services assign the person id)."""

    national_id: str
    full_name: str
    date_of_birth: date
    sex: str
    province_code: str
    district_code: str

    def row(self) -> dict[str, str]:
        return {"national_id_kind": "CITIZEN_ID", "national_id": self.national_id, "full_name": self.full_name,
                "date_of_birth": self.date_of_birth.isoformat(), "sex": self.sex,
                "phone": f"09{int(self.national_id[-8:]):08d}", "province_code": self.province_code,
                "district_code": self.district_code, "occupation": "giáo viên"}


def citizen_id(province: str, sex: str, born: date, rng: random.Random) -> str:
    century_sex = (born.year // 100 - 19) * 2 + (1 if sex == "FEMALE" else 0)
    return f"0{province}{century_sex}{born:%y}{rng.randrange(10**6):06d}"


def people(count: int, province: str, district: str, *, seed: int | None = None) -> list[Person]:
    """``count`` adults (born 1960-1999) of one district, with distinct fresh citizen IDs."""
    rng = random.Random(seed)
    found: dict[str, Person] = {}
    while len(found) < count:
        index = len(found)
        sex = "MALE" if rng.random() < 0.5 else "FEMALE"
        born = date(rng.randrange(1960, 2000), rng.randrange(1, 13), rng.randrange(1, 29))
        number = citizen_id(province, sex, born, rng)
        found.setdefault(number, Person(number, f"{FAMILY[index % 8]} {GIVEN[index // 8 % 8]}", born, sex,
                                        province, district))
    return list(found.values())


def to_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()
