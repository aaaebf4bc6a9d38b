"""The partner service's HTTP API: grants (:mod:`.partners`)."""
