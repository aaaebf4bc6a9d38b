"""Immunization domain: pure commands, events and decisions (no I/O, no framework imports).

Modules: ``events`` (every event dataclass), ``reference`` (the read-model facts a decision needs:
person, site, presentation, lot, session plan), ``screening`` (versioned screening rulesets),
``schedule`` (versioned schedule rules: intervals, mixing, boosters, age), ``session`` (session + vials),
``visit`` (check-in, screening, observation), ``record`` (a person's dose record: state, numbering, next
dose), ``dose_gate`` (step 3: INV-20 … INV-28), ``corrections`` (historical doses, entered in error,
corrected fields; INV-33), ``aefi`` (adverse events).
"""
