"""Offline verification of ``HC1:`` and ``shc:/`` certificates against a trust list and a revocation list.

Everything a verifier needs fits in three files it can keep on a phone: the pinned country signing CA
certificate, the signed trust list and the signed revocation list. :func:`verify` takes the verification
time as a parameter; every rejection is a :class:`Rejected` naming one reason of :data:`REASONS`
(the reject list of CERTIFICATES.md).
"""

from services.certificate.verifier.core import REASONS, Rejected, TrustStore, Verified, verify

__all__ = ["REASONS", "Rejected", "TrustStore", "Verified", "verify"]
