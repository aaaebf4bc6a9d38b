"""The audit service's read models, each declared by event class (``eventkit.readmodels.declare``):

- ``log.py``: ``audit_log``, every event type of the five service topics (each event in its service's log):
  envelope, payload hash, link keys and the chain check of each event, findings when a link fails;
- ``checkpoints.py``: ``audit_checkpoints`` of the audit topic (the signed checkpoints, for the API).
"""
