"""``vaxtrail rebuild SERVICE PROJECTION``: empty a read model, replay its topics from offset 0, show progress.

The reset (tables, tracking, stream marks, a new generation) is one transaction. Then, by default, the
command follows the replay - done by the service's running worker, which notices the new generation - with
a progress bar up to the end offsets the topics had at the reset, and prints the time and rate. With
``--replay`` it replays in this process (in the worker's consumer group: a running worker shares the
partitions); with ``--no-wait`` it only resets.
"""

from __future__ import annotations

import argparse

HELP = "empty one projection's read model and replay its topics from offset 0, with a progress bar"
IDLE_SECONDS = 30.0


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("service", help="e.g. inventory")
    parser.add_argument("projection", help="e.g. stock_on_hand")
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--replay", action="store_true", help="replay in this process (joins the worker's group)")
    how.add_argument("--no-wait", action="store_true", help="only reset; the worker replays in the background")


def run(args: argparse.Namespace) -> int:
    import importlib

    from eventkit import db
    from eventkit.projections import rebuild
    from eventkit.service import projection_runner, retarget
    from eventkit.settings import Settings, SettingsError
    from vaxtrail_cli import catchup
    from vaxtrail_cli.commands.common import CommandError, load_stack_env, stack_paths

    load_stack_env(stack_paths())
    try:
        settings = Settings.from_env(args.service)
        wiring = importlib.import_module(f"services.{args.service}.bootstrap").WIRING
        projection = retarget(wiring.projection(settings, args.projection), settings)
    except (SettingsError, KeyError, ModuleNotFoundError) as exc:
        raise CommandError(str(exc)) from exc
    pool = db.make_pool(settings.database_url, max_size=4)
    try:
        bounds = None if args.no_wait else catchup.topic_bounds(settings.kafka_bootstrap, projection.topics,
                                                                          security=settings.kafka_security)
        rebuild(pool, projection)
        print(f"{args.service}.{args.projection}: emptied {', '.join(projection.tables) or 'no tables'} and reset "
              f"tracking; replaying {', '.join(projection.topics)} from offset 0")
        if bounds is None:
            return 0
        bar = catchup.ProgressBar(args.projection)
        if args.replay:
            runner = projection_runner(settings, pool, projection, instance_id=None)
            replay = catchup.replay_here(runner, pool, bounds, progress=bar)
        else:
            replay = catchup.follow(pool, projection.name, bounds, progress=bar, idle_timeout=IDLE_SECONDS)
    finally:
        pool.close()
    if not replay.complete:
        print(f"no progress for {IDLE_SECONDS:.0f} s at {replay.events:,} of {replay.total:,} events: is the "
              f"{args.service} worker running? (`vaxtrail up`, or run this again with --replay)")
        return 1
    print(f"replayed {replay.events:,} events in {replay.seconds:,.1f} s: {replay.rate:,.0f} events/s"
          f" ({replay.steady_rate:,.0f}/s from the first batch)")
    return 0
