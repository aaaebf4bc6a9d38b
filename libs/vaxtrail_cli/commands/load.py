"""``vaxtrail load``: the end-to-end load generator over the public HTTP APIs (vaxtrail_cli.campaign.load).

Runs against the running local stack (``make up``) as a client would: it creates its own lot, sites,
plans, sessions and people (fresh ids carrying the run id) and touches nothing else. Prints the figures
(doses/s per mode and for the mix, HTTP p50/p95/p99 per route, lag per read model, the exact-count check)
and writes them as JSON. Exit code 1 when the counts do not match.
"""

from __future__ import annotations

import argparse

HELP = "drive a campaign's session days through the public APIs and measure doses/s, latencies and lags"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--people", type=int, default=2_000, help="people vaccinated in all (default 2,000)")
    parser.add_argument("--sites", type=int, default=8, help="sites, one session each (default 8)")
    parser.add_argument("--tables", type=int, default=6, help="injection tables per site (default 6)")
    parser.add_argument("--batch-share", type=float, default=0.5,
                        help="share of each site's tables that are offline devices uploading batches (default 0.5)")
    parser.add_argument("--batch-size", type=int, default=50, help="items per device upload (default 50)")
    parser.add_argument("--processes", type=int, default=2, help="worker processes driving the lanes (default 2)")
    parser.add_argument("--duration", type=float, default=0.0,
                        help="seconds after which nobody new starts (default 0: until everyone is through)")
    parser.add_argument("--sample-every", type=int, default=20,
                        help="follow one person in N to their certificate and citizen record (default 20)")
    parser.add_argument("--settle", type=float, default=300.0,
                        help="seconds the read models get to catch up after the last dose (default 300)")
    parser.add_argument("--check-people", type=int, default=-1,
                        help="people whose records are compared at the end (default -1: everyone vaccinated)")
    parser.add_argument("--out", default="bench/results", help="folder for load-<run>.json (default bench/results)")


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from vaxtrail_cli.campaign import report
    from vaxtrail_cli.campaign.load import LoadConfig, run_load
    from vaxtrail_cli.commands.common import ready_local_stack

    stack = ready_local_stack()
    config = LoadConfig(people=args.people, sites=args.sites, tables=args.tables, batch_share=args.batch_share,
                        batch_size=args.batch_size, processes=args.processes, duration=args.duration,
                        sample_every=args.sample_every, settle=args.settle, check_people=args.check_people)
    result = run_load(stack.urls, stack.private_key, config)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"load-{result['run']}.json"
    path.write_text(json.dumps(result, indent=2))
    print(report.markdown(result))
    print(f"written: {path}")
    return 0 if result["checks"]["ok"] else 1
