"""Field rules of a registration, shared by every channel (app, portal, on site, organisation CSV rows).

Each check raises :class:`~eventkit.errors.DomainError` naming the field and the rule; the normalising ones
return the canonical form that is stored (e.g. phones in E.164). INV-31 covers identity and date of birth;
format rules carry their own names (``national-id-format``, ``phone-format``, ``admin-code`` ...).
"""

from __future__ import annotations

import re
from datetime import date

from eventkit.errors import DomainError

NATIONAL_ID_KINDS = ("CITIZEN_ID", "LEGACY_ID_CARD", "PASSPORT", "OTHER")
SEXES = ("MALE", "FEMALE", "OTHER", "UNKNOWN")
RELATIONSHIPS = ("SELF", "CHILD", "PARENT", "SPOUSE", "SIBLING", "OTHER")
EARLIEST_BIRTH = date(1900, 1, 1)

_CITIZEN_ID = re.compile(r"^\d{12}$")
_LEGACY_ID = re.compile(r"^\d{9}$")
_VN_PASSPORT = re.compile(r"^[A-Z]\d{7}$")
_FOREIGN_PASSPORT = re.compile(r"^[A-Z0-9]{6,9}$")
_OTHER_ID = re.compile(r"^[A-Z0-9\-/]{4,20}$")
# Vietnamese mobile numbers after the 2018 renumbering: 03x, 05x, 07x, 08x, 09x + 7 digits.
_MOBILE = re.compile(r"^(3[2-9]|5[25689]|7[06-9]|8[1-9]|9\d)\d{7}$")
_NAME = re.compile(r"^[^\W\d_]+(?:[ .'\-][^\W\d_]+)*\.?$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _reject(detail: str, field: str, rule: str) -> DomainError:
    return DomainError(detail, field=field, rule=rule)


def citizen_id_century_digit(sex: str, born: date) -> int:
    """The 4th digit of a 12-digit citizen ID: century of birth and sex (0/1 = 1900s, 2/3 = 2000s ...)."""
    return (born.year // 100 - 19) * 2 + (1 if sex == "FEMALE" else 0)


def normalise_national_id(kind: str, number: str, *, nationality: str, province_codes,
                          sex: str, date_of_birth: date, estimated: bool) -> str:
    """The document number in canonical form, or a DomainError naming what is wrong with it."""
    if kind not in NATIONAL_ID_KINDS:
        raise _reject(f"national_id_kind must be one of {', '.join(NATIONAL_ID_KINDS)}", "national_id_kind",
                      "national-id-format")
    value = number.strip().upper().replace(" ", "")
    if kind == "CITIZEN_ID":
        if not _CITIZEN_ID.match(value):
            raise _reject("a citizen ID is 12 digits", "national_id", "national-id-format")
        if value[1:3] not in province_codes or value[0] != "0":
            raise _reject(f"a citizen ID starts with the 3-digit code of a province, not {value[:3]}",
                          "national_id", "national-id-format")
        if not estimated and sex in ("MALE", "FEMALE"):
            if int(value[3]) != citizen_id_century_digit(sex, date_of_birth) or value[4:6] != f"{date_of_birth:%y}":
                raise _reject("the citizen ID's sex/century digit and birth year do not match the sex and date "
                              "of birth", "national_id", "national-id-format")
    elif kind == "LEGACY_ID_CARD":
        if not _LEGACY_ID.match(value):
            raise _reject("a legacy identity card (CMND) number is 9 digits", "national_id", "national-id-format")
    elif kind == "PASSPORT":
        pattern = _VN_PASSPORT if nationality == "VN" else _FOREIGN_PASSPORT
        if not pattern.match(value):
            expected = "one letter and 7 digits" if nationality == "VN" else "6 to 9 letters or digits"
            raise _reject(f"a {nationality} passport number is {expected}", "national_id", "national-id-format")
    elif not _OTHER_ID.match(value):
        raise _reject("an identity document number is 4 to 20 letters, digits, '-' or '/'", "national_id",
                      "national-id-format")
    return value


def check_date_of_birth(born: date, today: date) -> None:
    if born > today:
        raise _reject(f"date of birth {born.isoformat()} is in the future", "date_of_birth", "INV-31")
    if born < EARLIEST_BIRTH:
        raise _reject("date of birth is before 1900", "date_of_birth", "INV-31")


def normalise_phone(phone: str) -> str:
    """A Vietnamese mobile number in E.164 (``+84912345678``); empty stays empty."""
    digits = re.sub(r"[\s.\-()]", "", phone)
    if not digits:
        return ""
    if digits.startswith("+84"):
        local = digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        local = digits[2:]
    elif digits.startswith("0"):
        local = digits[1:]
    else:
        raise _reject("a phone number starts with 0, 84 or +84", "phone", "phone-format")
    if not _MOBILE.match(local):
        raise _reject(f"{phone!r} is not a Vietnamese mobile number (03x, 05x, 07x, 08x, 09x + 7 digits)", "phone",
                      "phone-format")
    return "+84" + local


def normalise_name(name: str, field: str = "full_name") -> str:
    value = " ".join(name.split())
    if not 2 <= len(value) <= 100 or not _NAME.match(value):
        raise _reject("a name is 2-100 letters, with spaces, '.', ''' or '-' between words", field, "name-format")
    return value


def check_choice(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise _reject(f"{field} must be one of {', '.join(allowed)}", field, f"{field.replace('_', '-')}-value")
    return value


def check_country(value: str) -> str:
    if not _COUNTRY.match(value):
        raise _reject("nationality is an ISO 3166-1 alpha-2 code such as VN", "nationality", "nationality-format")
    return value


def check_free_text(value: str, field: str, limit: int) -> str:
    value = " ".join(value.split())
    if len(value) > limit:
        raise _reject(f"{field} is at most {limit} characters", field, "length")
    return value
