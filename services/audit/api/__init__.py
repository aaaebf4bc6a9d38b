"""The audit API: ``trails.py`` (dose, lot, person and certificate trails) and ``proofs.py`` (checkpoints,
inclusion and consistency proofs); request and response models in ``models.py``."""
