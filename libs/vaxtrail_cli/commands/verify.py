"""``vaxtrail verify``: the offline certificate verifier (``services/certificate/verify.py``) as a subcommand.

Verifies an EU DCC (``HC1:``) or a SMART Health Card (``shc:/``) given as a string, a file holding one, a QR
image or a certificate PDF the service printed, against a pinned CSCA and the signed lists (or ``--sync URL``
to fetch them first). Prints JSON; exit 0 valid, 1 rejected (``reason``), 2 setup or usage error.
"""

from __future__ import annotations

import argparse

HELP = "verify a certificate offline: HC1: / shc:/ string, text file, QR image or certificate PDF"


def configure(parser: argparse.ArgumentParser) -> None:
    from services.certificate import verify

    verify.configure(parser)


def run(args: argparse.Namespace) -> int:
    from services.certificate import verify

    return verify.run(args)
