"""``vaxtrail bench``: raw Kafka rates vs. relay and projection throughput (see vaxtrail_cli.bench)."""

from __future__ import annotations

import argparse

HELP = "measure raw Kafka produce/consume vs. relay and projection throughput; writes bench/results/"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--events", type=int, default=50_000, help="events per measurement (default 50,000)")
    parser.add_argument("--out", default="bench/results", help="results folder (default bench/results)")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from vaxtrail_cli import bench
    from vaxtrail_cli.commands.common import stack_paths
    from vaxtrail_cli.stack import stack_up

    info = stack_up(stack_paths())  # idempotent: reuses a running stack or DATABASE_URL / KAFKA_BOOTSTRAP
    result = bench.run(info.server_url, info.kafka_bootstrap, args.events)
    json_path, md_path = bench.write_results(result, Path(args.out))
    print(bench.render_markdown(result))
    print(f"written: {json_path} and {md_path}")
    return 0
