"""The certificate service: signed vaccination certificates anyone can verify offline.

It keeps each person's canonical record from the registration, immunization and inventory topics, issues
EU DCC (``HC1:``) and SMART Health Card certificates for the level the valid doses support (INV-32),
revokes / suspends / reissues them when doses are voided or corrected, people merged or lots recalled, and
publishes a signed trust list and revocation list. See docs/services/certificate.md.
"""
