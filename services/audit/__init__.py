"""The audit service: owns no business data; it reads the five service topics into per-dose, per-lot, per-person
and per-certificate trails, checks every event's hash-chain link as it consumes it, keeps an RFC 9162 Merkle
tree per service log and signs C2SP checkpoints of them (docs/services/audit.md).

Layout as every service: ``domain/`` (pure: merkle, notes, links, trail, chain, events), ``handlers.py``,
``queries.py``, ``projections/``, ``api/``, ``codec.py``, ``bootstrap.py``; service-specific: ``tree.py`` (the
trees in PostgreSQL), ``signing.py`` (the checkpoint key), ``workers/`` (sealer, publisher), ``verify.py``
(store-vs-log verification behind ``vaxtrail audit verify``) and ``bench.py``.
"""
