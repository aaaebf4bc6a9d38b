"""``vaxtrail bench`` (= ``make bench``): every benchmark, every figure beside its limit, from one run.

It runs on the stack's PostgreSQL server and broker (started if needed) but only in its own ``bench.<run id>.*``
topics and groups and ``bench_<run id>_*`` databases, which it deletes afterwards (vaxtrail_cli.bench); the
end-to-end benchmark (``e2e``) starts a private stack of its own instead (vaxtrail_cli.bench.e2e), so
``--only e2e`` neither needs nor starts the local stack. The benchmarks themselves live in ``vaxtrail_cli.bench`` (suite.py lists them); results go to
``bench/results/latest.json`` (machine-readable), ``latest.md`` and ``bench-<time>.json``.
"""

from __future__ import annotations

import argparse

HELP = "run every benchmark (raw Kafka, relay, projections, rebuild, certificates, end to end); writes bench/results/"


def configure(parser: argparse.ArgumentParser) -> None:
    from vaxtrail_cli.bench.suite import BENCHMARKS, DEFAULT, Options

    defaults = Options()
    parser.add_argument("--events", type=int, default=defaults.events,
                        help=f"events for raw Kafka / relay / projection (default {defaults.events:,})")
    parser.add_argument("--rebuild-events", type=int, default=defaults.rebuild_events,
                        help=f"events on the topic the rebuild replays (default {defaults.rebuild_events:,})")
    parser.add_argument("--seconds", type=float, default=defaults.seconds,
                        help="seconds per certificate rate measurement (default 3)")
    parser.add_argument("--only", default=",".join(b for b in BENCHMARKS if b in DEFAULT),
                        help=f"comma-separated subset of {','.join(BENCHMARKS)} (default: all but registration_bulk)")
    parser.add_argument("--e2e-duration", type=float, default=None, metavar="SECONDS",
                        help="seconds of the e2e run's session day, after which nobody new starts "
                             "(default: the short run's 120)")
    parser.add_argument("--out", default="bench/results", help="results folder (default bench/results)")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from vaxtrail_cli.bench import suite
    from vaxtrail_cli.commands.common import CommandError, stack_paths
    from vaxtrail_cli.stack import stack_up

    only = frozenset(name.strip() for name in args.only.split(",") if name.strip())
    unknown = only - set(suite.BENCHMARKS)
    if unknown:
        raise CommandError(f"unknown benchmark(s) {', '.join(sorted(unknown))}; known: {', '.join(suite.BENCHMARKS)}")
    if args.e2e_duration is not None and args.e2e_duration <= 0:
        raise CommandError("--e2e-duration must be a positive number of seconds")
    options = suite.Options(events=args.events, rebuild_events=args.rebuild_events, seconds=args.seconds, only=only,
                            results=Path(args.out), e2e_duration=args.e2e_duration)
    server_url = bootstrap = None
    if options.needs_servers():
        info = stack_up(stack_paths())  # idempotent: reuses a running stack or DATABASE_URL / KAFKA_BOOTSTRAP
        server_url, bootstrap = info.server_url, info.kafka_bootstrap
    result = suite.run(server_url, bootstrap, options)
    paths = suite.write_results(result, options.results)
    print(suite.render_markdown(result))
    print(f"written: {', '.join(str(p) for p in paths)}")
    return 0
