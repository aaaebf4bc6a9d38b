"""``python -m vaxtrail_cli.faults [--short] [--out bench/results]`` (``make faults``): see the package docstring."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from vaxtrail_cli.faults import FULL_SCHEDULE, SHORT, FaultConfig, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vaxtrail_cli.faults", description=__doc__)
    parser.add_argument("--short", action="store_true", help="the short schedule of make test")
    parser.add_argument("--out", default="bench/results", help="where faults-<run>.json goes")
    args = parser.parse_args(argv)
    config = SHORT if args.short else FaultConfig(schedule=FULL_SCHEDULE)
    result = run(config, Path(args.out), lambda line: print(line, flush=True))
    print("\n| fault | during the day | injured and healed s | recovery s | backlog before / peak |\n"
          "|---|---|---:|---:|---:|")
    for f in result["faults"]:
        print(f"| {f['fault']} | {'yes' if f['during_the_day'] else 'after'} | {f['injured_and_healed_s']} |"
              f" {f['recovery_s']} | {f['backlog_before']} / {f.get('backlog_peak', '-')} |")
    load = result["load"]
    print(f"\ndoses accepted: {load['rates']['mix']['doses']:,}; requests by status: "
          f"{json.dumps(result['requests_by_status'])}; dead letters: {sum(result['dead_letters'].values())};"
          f" logs: {', '.join(f'{s} ' + ('OK' if r['ok'] else 'BAD') for s, r in result['logs'].items())}")
    models = result["read_models"]
    print(f"read models = a fresh rebuild: {models['tables'] - len(models['differences'])} of {models['tables']}"
          f" tables ({models['projections']} projections, {models['rows']:,} rows) in {models['seconds']} s;"
          f" the final checks took {result['final_checks_s']}")
    print(f"result: {result['result_file']}")
    if result["problems"]:
        print("PROBLEMS:\n  " + "\n  ".join(result["problems"]), file=sys.stderr)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
