"""Certificate read models.

- :mod:`.records`       projection ``canonical_records`` of the registration, immunization and inventory
                        topics: persons, doses, lots, presentations, next-dose recommendations, and the
                        ``certificate_pending`` work list the issuer drains;
- :mod:`.certificates`  projection ``certificate_views`` of the service's own topic: certificates and their
                        status, from which the revocation list and SMART Health Card CRLs are served.
"""
