"""The partner service's one projection, ``partner_feeds`` (:mod:`.derivation`): grants and minimised facts in,
feed records out (into the outbox, in the same transaction as its tracking)."""
