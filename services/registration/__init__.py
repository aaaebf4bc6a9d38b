"""The registration service: owns people (identity, priority groups, approval, district assignment) and
appointments. Layout as every service (docs/architecture.md); routes, events, read models and decisions:
docs/services/registration.md.
"""
