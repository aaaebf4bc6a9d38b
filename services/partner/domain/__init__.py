"""The partner service's pure domain: grants (:mod:`.partners`) and pseudonyms (:mod:`.pseudonyms`)."""
