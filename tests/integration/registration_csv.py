"""CSV files for the registration bulk-upload tests and benchmark: valid rows and labelled bad ones."""

from __future__ import annotations

import csv
import io
from datetime import date

from services.registration.bulk import COLUMNS

from .registration_support import citizen_id

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng")
GIVEN = ("Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thu Hà", "Đức Huy", "Ngọc Lan", "Thanh Tùng")


def valid_row(index: int, province: str, district: str, commune: str = "", group: str = "") -> dict:
    sex = "MALE" if index % 2 else "FEMALE"
    born = date(1960 + index % 40, 1 + index % 12, 1 + index % 28)
    return {"national_id_kind": "CITIZEN_ID", "national_id": citizen_id(province, sex, born),
            "full_name": f"{FAMILY[index % 8]} {GIVEN[index // 8 % 8]}", "date_of_birth": born.isoformat(),
            "sex": sex, "phone": f"09{index % 10**8:08d}", "province_code": province, "district_code": district,
            "commune_code": commune, "occupation": "giáo viên", "priority_group": group}


BAD_ROWS = {
    "phone": ({"phone": "0212345678"}, "phone-format"),
    "date_of_birth": ({"date_of_birth": "2030-01-01", "national_id_kind": "LEGACY_ID_CARD",
                       "national_id": "023456789"}, "INV-31"),
    "province_code": ({"province_code": "99"}, "admin-code"),
    "full_name": ({"full_name": ""}, "missing"),
    "priority_group": ({"priority_group": "G12"}, "INV-31"),
}


def bad_row(index: int, province: str, district: str, field: str) -> dict:
    return valid_row(index, province, district) | BAD_ROWS[field][0]


def to_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()
