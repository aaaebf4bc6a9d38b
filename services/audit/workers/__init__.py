"""The audit worker's own loops besides the relay and the projections: the sealer (events -> Merkle trees)
and the publisher (signed checkpoints, chain findings -> ``AuditChainBroken``)."""
