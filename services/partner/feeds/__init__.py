"""The partner feeds: building their records (:mod:`.records`), the outbox they wait in and the relay's view of
it (:mod:`.outbox`)."""
