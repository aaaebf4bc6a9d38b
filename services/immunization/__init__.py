"""The immunization service: owns sessions, visits (check-in, screening, vaccination, observation), vials, dose records, AEFI.

Skeleton: web (health, readiness, metrics, auth, the shared ``/v1/trail`` route) and worker (the relay of
its event store to ``vaxtrail.immunization.v1``) are wired; its domain, handlers, projections and API arrive with
the issue that builds the service, in the layout of ``services/inventory``.
"""
