"""EU DCC (HCERT 1.3): payload, CWT claims and the ``HC1:`` string.

``HC1:`` + Base45( zlib( COSE_Sign1( CWT {1: iss, 6: iat, 4: exp, -260: {1: DCC}} ) ) ). Exactly one
vaccination entry: the latest valid dose, with ``dn``/``sd`` from the series (a booster after two primary
doses is 3/3).
"""

from __future__ import annotations

import zlib
from datetime import datetime

import cbor2

from services.certificate.domain.certificates import IssueRequest
from services.certificate.domain.record import PRIMARY
from services.certificate.formats.names import icao, split_name
from services.certificate.signing.base45 import b45encode
from services.certificate.signing.cose import sign1
from services.certificate.signing.keyring import DocumentSigner

PREFIX = "HC1:"
DISEASE_COVID19 = "840539006"
SCHEMA_VERSION = "1.3.0"


def dose_numbers(request: IssueRequest) -> tuple[int, int]:
    last = request.doses[-1]
    if last.series == PRIMARY:
        return last.dose_number, max(last.product.series_doses, last.dose_number)
    return len(request.doses), len(request.doses)


def dcc_payload(request: IssueRequest, issuer_name: str) -> dict:
    person = request.record.person
    family, given = split_name(person)
    last = request.doses[-1]
    dn, sd = dose_numbers(request)
    dob = person.date_of_birth[:4] if person.date_of_birth_estimated else person.date_of_birth
    names = {"fn": family, "fnt": icao(family)}
    if given:
        names |= {"gn": given, "gnt": icao(given)}
    return {
        "ver": SCHEMA_VERSION,
        "nam": names,
        "dob": dob,
        "v": [{"tg": DISEASE_COVID19, "vp": last.product.vp, "mp": last.product.mp, "ma": last.product.ma,
               "dn": dn, "sd": sd, "dt": last.administered_on.isoformat(), "co": last.country or "VN",
               "is": issuer_name, "ci": request.certificate_id}],
    }


def cwt_claims(issuer_country: str, dcc: dict, issued_at: datetime, expires_at: datetime) -> bytes:
    return cbor2.dumps({1: issuer_country, 6: int(issued_at.timestamp()), 4: int(expires_at.timestamp()),
                        -260: {1: dcc}})


def encode_hc1(signer: DocumentSigner, claims: bytes) -> str:
    return PREFIX + b45encode(zlib.compress(sign1(signer.signer, signer.kid, claims), 9))
