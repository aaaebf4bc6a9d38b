"""``python -m vaxtrail_cli.soak [--minutes 30] [--rate R] [--out bench/results]`` (``make soak``): see the
package docstring."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vaxtrail_cli.soak import SoakConfig, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vaxtrail_cli.soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=30.0, help="length of the soaked day (default 30)")
    parser.add_argument("--rate", type=float, help="doses per second to soak at (default: half of what an unpaced "
                                                   "short day reaches first, on the same stack)")
    parser.add_argument("--round-minutes", type=float, default=2.0,
                        help="each round's paced day, after its people are registered (default 2)")
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between samples (default 5)")
    parser.add_argument("--out", default="bench/results", help="where soak-<run>.json and .md go")
    args = parser.parse_args(argv)
    config = SoakConfig(minutes=args.minutes, rate=args.rate, interval=args.interval, round_minutes=args.round_minutes)
    result = run(config, Path(args.out), lambda line: print(line, flush=True))
    print("\n".join(result["result_files"]))
    if result["problems"]:
        print("PROBLEMS:\n  " + "\n  ".join(result["problems"]), file=sys.stderr)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
