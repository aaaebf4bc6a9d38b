"""Offline verification of ``HC1:`` and ``shc:/`` certificates against a trust list and a revocation list.

Everything a verifier needs fits in three files it can keep on a phone: the pinned country signing CA
certificate, the signed trust list and the signed revocation list. :func:`verify` takes the verification
time as a parameter; every rejection is a :class:`Rejected` naming one reason of :data:`REASONS`
(the reject list of CERTIFICATES.md).
"""

from datetime import datetime

from services.certificate.verifier.core import REASONS, Rejected, TrustStore, Verified
from services.certificate.verifier.dcc import verify_hc1
from services.certificate.verifier.smart import PREFIX as SHC_PREFIX
from services.certificate.verifier.smart import verify_shc


def verify(text: str, store: TrustStore, *, at: datetime) -> Verified:
    """Verify an ``HC1:`` or ``shc:/`` string at ``at``; raises :class:`Rejected` with the reason."""
    if isinstance(text, str) and text.startswith(SHC_PREFIX):
        return verify_shc(text, store, at=at)
    return verify_hc1(text, store, at=at)


__all__ = ["REASONS", "Rejected", "TrustStore", "Verified", "verify"]
