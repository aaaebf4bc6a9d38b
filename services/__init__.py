"""VaxTrail services: one package each, the same layout in every one (see docs/architecture.md)."""
