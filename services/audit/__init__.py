"""The audit service: owns nothing: it reads every topic for per-dose trails, hash-chain checks, replay and exports.

Skeleton: web (health, readiness, metrics, auth, the shared ``/v1/trail`` route) and worker (the relay of
its event store to ``vaxtrail.audit.v1``) are wired; its domain, handlers, projections and API arrive with
the issue that builds the service, in the layout of ``services/inventory``.
"""
