"""``python -m tools.k8s_manifests [--check]``: write the generated manifests, or check they are current."""

from __future__ import annotations

import argparse
import sys

from tools.k8s_manifests.files import differences, write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.k8s_manifests", description=__doc__)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a generated file differs")
    args = parser.parse_args(argv)
    if args.check:
        stale = differences()
        for path in stale:
            print(f"deploy/k8s/{path} is not what `make k8s` generates", file=sys.stderr)
        return 1 if stale else 0
    for path in write():
        print(f"  wrote deploy/k8s/{path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
