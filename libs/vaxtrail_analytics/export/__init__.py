"""``vaxtrail export``: any topics to Parquet (envelope + flattened payload), resumable, and a DuckDB database.

- :mod:`~vaxtrail_analytics.export.privacy` - pseudonyms by default, identifiers for a proven role;
- :mod:`~vaxtrail_analytics.export.columns` - event -> typed flat row, schema from the protobuf descriptor;
- :mod:`~vaxtrail_analytics.export.writer` - consume, chunk, write, commit the state; resume after a kill;
- :mod:`~vaxtrail_analytics.export.duckdb_views` - one view per event type, ``records`` and ``events``.
"""

from vaxtrail_analytics.export.duckdb_views import DATABASE, view_name, write_views
from vaxtrail_analytics.export.privacy import Identifiers, Pseudonymised, new_key, read_key
from vaxtrail_analytics.export.writer import STATE_FILE, ExportRefused, ExportResult, export, remove_leftovers

__all__ = ["DATABASE", "STATE_FILE", "ExportRefused", "ExportResult", "Identifiers", "Pseudonymised", "export",
           "new_key", "read_key", "remove_leftovers", "view_name", "write_views"]
