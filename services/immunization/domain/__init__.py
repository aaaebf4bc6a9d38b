"""Immunization domain: pure commands, events and decisions (no I/O, no framework imports).

Modules: ``events`` (every event dataclass), ``reference`` (the read-model facts a decision needs:
person, site, presentation, lot, session plan), ``screening`` (versioned screening rulesets),
``schedule`` (versioned schedule rules: intervals, mixing, boosters, age), ``session`` (session + vials),
``visit`` (check-in, screening, observation), ``record`` (a person's dose record: doses, historical doses,
corrections), ``aefi`` (adverse events).
"""
