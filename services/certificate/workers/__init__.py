"""The certificate worker's own components, besides the relay and the projections every service runs.

- :mod:`.issuer`        drains ``certificate_pending``: record changes -> certificates (exactly once);
- :mod:`.keypublisher`  the keyring as ``SigningKeyActivated`` / ``SigningKeyRetired`` / ``TrustListPublished``;
- :mod:`.listpublisher` a new signed revocation list version (``RevocationListPublished``) after each change.

All three hand commands to the service's command bus (``handlers.py``); ``bootstrap.components`` wires them.
"""
