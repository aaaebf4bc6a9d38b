"""eventkit: VaxTrail's seedwork library.

Everything services share lives here, so services hold only domain code and wiring:

- ``settings``     one frozen settings object per process, read from the environment
- ``envelope``     the event envelope (ARCHITECTURE.md §3), ids and the per-aggregate hash chain
- ``kafka_record`` envelope <-> Kafka record (CloudEvents binary mode + ``vaxtrail_*`` headers)
- ``store``        the event store contract, its PostgreSQL implementation and errors
- ``relay``        store -> Kafka publisher (the outbox relay)
- ``projections``  projection runner with tracking, dead-lettering and rebuild
- ``topics``       the declarative topic list
- ``web``          Flask app factory, problem+json errors, health, metrics, logging
- ``auth``         bearer JWT roles and scopes
- ``testing``      in-memory event store and a given/when/then helper
- ``products``     the campaign's vaccine products: every code, brand and name -> product, platform, component
"""
