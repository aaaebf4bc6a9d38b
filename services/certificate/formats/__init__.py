"""The two certificate formats made from one canonical record: EU DCC (``HC1:``) and SMART Health Card.

:mod:`.factory` turns a domain :class:`~services.certificate.domain.certificates.IssueRequest` into a signed
string and its ``CertificateIssued`` event; :mod:`.images` renders QR PNGs and the printable PDF.
"""
