"""Certificate HTTP API: :mod:`.trust` (trust list, revocation list, JWKS, CRLs, ``POST /v1/verify``),
:mod:`.record` (the citizen's record, QR PNG, PDF, manual revocation) and :mod:`.models` (their request
and response models)."""
