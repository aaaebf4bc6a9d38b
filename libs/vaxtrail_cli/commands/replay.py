"""``vaxtrail replay SERVICE READ_MODEL --as-of TIME --into NAME``: a read model as it stood at a moment.

Builds the projection into schema NAME of the service's own database from every event of its topics whose
*recorded* time (``vaxtrail_recorded_at``, the log's clock) is at or before TIME; the live read model, the
topics and the consumer groups of the services are untouched. See :mod:`vaxtrail_analytics.replay` and
docs/analysts.md.
"""

from __future__ import annotations

import argparse

HELP = "rebuild one read model as of a recorded time into a separate schema of the service's database"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("service", help="e.g. immunization")
    parser.add_argument("read_model", help="the projection's name, e.g. immunization_views")
    parser.add_argument("--as-of", required=True, metavar="TIME",
                        help="ISO-8601 time with a zone (2021-07-01T17:00:00+07:00), or 'now'; compared with the "
                             "events' recorded time")
    parser.add_argument("--into", required=True, metavar="NAME", help="the schema to create, e.g. asof_0701")
    parser.add_argument("--replace", action="store_true", help="drop an earlier replay in NAME first")


def parse_moment(text: str):
    from datetime import UTC, datetime

    from vaxtrail_cli.commands.common import CommandError

    if text == "now":
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--as-of {text!r} is not an ISO-8601 time: {exc}") from exc
    if moment.tzinfo is None:
        raise CommandError(f"--as-of {text!r} has no time zone: add +07:00 or Z")
    return moment


def run(args: argparse.Namespace) -> int:
    from vaxtrail_analytics.progress import Progress
    from vaxtrail_analytics.replay import ReplayRefused, dead_letter_summary, replay

    from eventkit.service import retarget
    from vaxtrail_cli.commands.common import CommandError
    from vaxtrail_cli.commands.dlq import load_service

    as_of = parse_moment(args.as_of)
    settings, wiring = load_service(args.service)
    try:
        projection = retarget(wiring.projection(settings, args.read_model), settings)
    except KeyError as exc:
        raise CommandError(f"{exc.args[0]} (workers such as inventory's consumption worker or the certificate "
                           "issuer are not read models and are never replayed)") from exc
    bar = Progress(f"{args.service}.{args.read_model} as of {as_of.isoformat()}", 0)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done)

    try:
        result = replay(settings.database_url, settings.kafka_bootstrap, projection, wiring.migrations,
                        service=settings.service, schema=args.into, as_of=as_of, replace=args.replace,
                        progress=progress, security=settings.kafka_security)
    except ReplayRefused as exc:
        raise CommandError(str(exc)) from exc
    bar.finish()
    print(f"{args.service}.{args.read_model} as of {result.as_of.isoformat()} (recorded time) is in schema "
          f"{result.schema}: tables {', '.join(result.tables)}; {result.records:,} records read in "
          f"{result.seconds:.1f} s")
    if result.seeded_from_live:
        print(f"copied from the live schema (per-deployment values): {', '.join(result.seeded_from_live)}")
    for letter in result.dead_letters:
        print(f"not applied (the live projection dead-lettered it too): {dead_letter_summary(letter)}")
    print(f"query it: SET search_path = {result.schema};  drop it: DROP SCHEMA {result.schema} CASCADE;")
    return 0
