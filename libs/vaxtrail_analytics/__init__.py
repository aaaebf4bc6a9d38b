"""What analysts run beside the services: replay as of a moment, exports to Parquet / DuckDB, campaign reports.

Nothing here is a service: these are library functions behind ``vaxtrail replay``, ``vaxtrail export`` and
``vaxtrail report`` (``libs/vaxtrail_cli/commands``). They read the topics and a service's read models; they
never append an event, and they write only into what they create (a replay schema, an export folder, a
report folder).

- :mod:`~vaxtrail_analytics.replay` - a read model rebuilt as of a recorded time into its own schema;
- :mod:`~vaxtrail_analytics.export` - topics to Parquet (pseudonymised), resumable, with a DuckDB database;
- :mod:`~vaxtrail_analytics.report` - coverage, drop-out, supply, wastage, AEFI and certificate delays;
- :mod:`~vaxtrail_analytics.progress` - the terminal progress bar they share.

docs/analysts.md is the user's guide.
"""
