"""The registration service: owns people (identity, priority groups, approval, district assignment) and appointments.

Skeleton: web (health, readiness, metrics, auth, the shared ``/v1/trail`` route) and worker (the relay of
its event store to ``vaxtrail.registration.v1``) are wired; its domain, handlers, projections and API arrive with
the issue that builds the service, in the layout of ``services/inventory``.
"""
