"""``vaxtrail asyncapi [--write | --check]``: the platform's AsyncAPI 3.0 document (``schemas/asyncapi.json``).

Builds it offline from the ``.proto`` files, the topic registry, the services' codecs and projections and
deploy/k8s's Kafka listener (no servers needed). ``--write`` updates the checked-in copy; ``--check`` exits 1
if it is stale (the test suite runs the same comparison). docs/asyncapi.md.
"""

from __future__ import annotations

import argparse

HELP = "print, --write or --check the AsyncAPI document of every topic (schemas/asyncapi.json)"


def configure(parser: argparse.ArgumentParser) -> None:
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="write schemas/asyncapi.json")
    mode.add_argument("--check", action="store_true", help="exit 1 if the checked-in document is stale")


def run(args: argparse.Namespace) -> int:
    from vaxtrail_cli.asyncapi import checked_in_path, current_document, render

    text, path = render(current_document()), checked_in_path()
    if args.write:
        path.write_text(text)
        print(f"wrote {path}")
    elif args.check:
        if not path.exists() or path.read_text() != text:
            print(f"stale AsyncAPI document {path}; run `vaxtrail asyncapi --write`")
            return 1
    else:
        print(text, end="")
    return 0
