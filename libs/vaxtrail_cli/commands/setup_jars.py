"""``vaxtrail setup-jars``: resolve the Kafka broker jars with Maven (skipped when already present)."""

from __future__ import annotations

import argparse

HELP = "resolve the Kafka broker jars with Maven into the cache (no-op when present)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--print-path", action="store_true", help="print the jar folder only")


def run(args: argparse.Namespace) -> int:
    from vaxtrail_cli.commands.common import stack_paths
    from vaxtrail_cli.kafka_broker import find_java, resolve_jars

    paths = stack_paths()
    if args.print_path:
        print(paths.kafka_libs)
        return 0
    find_java()
    resolve_jars(paths.kafka_libs)
    return 0
