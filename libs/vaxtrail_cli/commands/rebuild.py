"""``vaxtrail rebuild SERVICE PROJECTION``: empty a read model and replay its topics from offset 0.

The reset (tables, tracking, processed ids, a new generation) is one transaction; the service's running
worker notices the new generation and replays. With no worker running, the replay happens when it starts.
"""

from __future__ import annotations

import argparse

HELP = "empty one projection's read model and tracking; the worker replays it from offset 0"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("service", help="e.g. inventory")
    parser.add_argument("projection", help="e.g. stock_on_hand")


def run(args: argparse.Namespace) -> int:
    import importlib

    from eventkit import db
    from eventkit.projections import rebuild
    from eventkit.settings import Settings, SettingsError
    from vaxtrail_cli.commands.common import CommandError, load_stack_env, stack_paths

    load_stack_env(stack_paths())
    try:
        settings = Settings.from_env(args.service)
        wiring = importlib.import_module(f"services.{args.service}.bootstrap").WIRING
        projection = wiring.projection(settings, args.projection)
    except (SettingsError, KeyError, ModuleNotFoundError) as exc:
        raise CommandError(str(exc)) from exc
    pool = db.make_pool(settings.database_url, max_size=1)
    try:
        rebuild(pool, projection)
    finally:
        pool.close()
    print(f"{args.service}.{args.projection}: emptied {', '.join(projection.tables) or 'no tables'} and reset "
          f"tracking; the worker replays {', '.join(projection.topics)} from offset 0")
    return 0
