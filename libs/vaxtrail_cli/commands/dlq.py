"""``vaxtrail dlq list|replay SERVICE``: what a service's projections dead-lettered, and re-applying it.

``list`` reads the service's dead-letter topic (``vaxtrail.<service>.dlq.v1``) from the beginning and
prints one line per dead letter - copies produced by a retried batch are counted once (``copies``) - with
whether ``replay`` has handled it. ``replay`` re-applies the pending dead letters to the projection named in
their headers (``--projection`` limits it to one) through the runner's own decode / claim / apply path,
exactly once, and records each replayed DLQ offset in the service database (``dlq_replays``), so a second
replay does nothing. Exit status 1 if a dead letter still fails (it stays pending). See
:mod:`eventkit.projections.replay`.
"""

from __future__ import annotations

import argparse

HELP = "list a service's dead-lettered records, or replay them to their projection after a fix"
COLUMNS = ("source", "projection", "reason", "event_type", "event_id", "own", "copies", "status", "error")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("list", "replay"))
    parser.add_argument("service", help="e.g. inventory")
    parser.add_argument("--projection", help="only the dead letters of this projection")
    parser.add_argument("--topic", help="read this dead-letter topic instead of vaxtrail.<service>.dlq.v1")


def run(args: argparse.Namespace) -> int:
    import psycopg
    from kafka.errors import KafkaError

    from eventkit import db
    from eventkit.kafka import make_consumer
    from eventkit.projections.deadletter import read_dead_letters
    from vaxtrail_cli.commands.common import CommandError

    settings, wiring = load_service(args.service)
    topic = args.topic or settings.dlq_topic
    try:
        letters = read_dead_letters(
            lambda: make_consumer(settings.kafka_bootstrap, group_id=None, client_id=f"{settings.service}-dlq-cli",
                                  **settings.kafka_security),
            topic)
    except (KafkaError, LookupError, TimeoutError) as exc:
        raise CommandError(f"cannot read {topic} from {settings.kafka_bootstrap}: {exc}") from exc
    try:
        pool = db.make_pool(settings.database_url, max_size=1, name=f"{settings.service}-dlq-cli")
        try:
            if args.action == "list":
                return list_letters(pool, letters, topic, args.projection)
            return replay_letters(pool, letters, lambda name: wiring.projection(settings, name), args.projection)
        finally:
            pool.close()
    except psycopg.errors.UndefinedTable as exc:
        raise CommandError(f"{exc}: run `vaxtrail migrate {args.service}` first") from exc
    except psycopg.Error as exc:  # a replay in progress rolled back: nothing half-done, run it again
        raise CommandError(f"database error, run the command again: {exc}") from exc


def load_service(service: str):
    """The service's settings (from the environment / ``stack.env``) and its ``bootstrap.WIRING``."""
    import importlib

    from eventkit.settings import Settings, SettingsError
    from vaxtrail_cli.commands.common import CommandError, load_stack_env, stack_paths

    load_stack_env(stack_paths())
    try:
        return Settings.from_env(service), importlib.import_module(f"services.{service}.bootstrap").WIRING
    except (SettingsError, ModuleNotFoundError) as exc:
        raise CommandError(str(exc)) from exc


def list_letters(pool, letters, topic: str, projection: str | None) -> int:
    from eventkit.projections.deadletter import group_copies
    from eventkit.projections.replay import replayed

    done = replayed(pool, topic)
    shown = 0
    print("\t".join(COLUMNS))
    for group in group_copies(letters):
        first = group[0]
        if projection is not None and first.projection != projection:
            continue
        outcomes = {done.get((c.dlq_partition, c.dlq_offset)) for c in group}
        status = "pending" if None in outcomes else "replayed:" + ",".join(sorted(outcomes))
        print("\t".join((first.source, first.projection or "?", first.reason or "?", first.event_type or "-",
                         first.event_id or "-", "yes" if first.own else "no", str(len(group)), status,
                         " ".join(first.error.split()) or "-")))
        shown += 1
    print(f"# {shown} dead letter(s) in {topic} ({len(letters)} record(s) including copies)")
    return 0


def replay_letters(pool, letters, projection_named, projection: str | None) -> int:
    from eventkit.projections.replay import FAILED, replay_dead_letters

    results = replay_dead_letters(pool, projection_named, letters, only=projection)
    for result in results:
        letter = result.letter
        print("\t".join((result.outcome, letter.source, letter.projection or "?", letter.event_type or "-",
                         letter.event_id or "-", "dlq " + ",".join(f"{c.dlq_partition}/{c.dlq_offset}"
                                                                  for c in result.copies),
                         result.detail or "-")))
    failed = sum(1 for r in results if r.outcome == FAILED)
    print(f"# replayed {len(results) - failed} dead letter(s), {failed} still failing")
    return 1 if failed else 0
