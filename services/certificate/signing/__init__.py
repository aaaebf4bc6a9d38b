"""Keys, signatures and signed lists: the cryptographic layer of the certificate service.

- :mod:`.base45`   RFC 9285 Base45 (strict decoder: every malformed input is an error, never a guess);
- :mod:`.cose`     COSE_Sign1 (RFC 9052) with cbor2 + cryptography, ES256 / PS256;
- :mod:`.signer`   the :class:`~.signer.Signer` interface an HSM can implement, and the file-backed signer;
- :mod:`.keyring`  the key folder: CSCA, list signer, document signers (DSC) and SMART Health Card keys,
                   created by ``python -m services.certificate.signing.keytool init`` and rotated by ``rotate``;
- :mod:`.lists`    signed, versioned JSON documents (trust list, revocation list);
- :mod:`.keytool`  the key management command (init / rotate / withdraw / show).
"""
