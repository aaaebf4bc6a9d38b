"""``vaxtrail openapi [SERVICE...] [--write | --check]``: the services' OpenAPI documents.

Builds each document offline from the routes (no servers needed). ``--write`` updates the checked-in
``services/<name>/openapi.json``; ``--check`` exits 1 if any checked-in copy is stale (the test suite
runs the same comparison).
"""

from __future__ import annotations

import argparse

HELP = "print, --write or --check the services' OpenAPI documents (services/<name>/openapi.json)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("services", nargs="*", help="default: every service")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="write services/<name>/openapi.json")
    mode.add_argument("--check", action="store_true", help="exit 1 if a checked-in document is stale")


def run(args: argparse.Namespace) -> int:
    from eventkit.settings import SERVICES
    from vaxtrail_cli.openapi_docs import checked_in_path, current_document, render

    stale = []
    for service in args.services or SERVICES:
        text = render(current_document(service))
        path = checked_in_path(service)
        if args.write:
            path.write_text(text)
            print(f"wrote {path}")
        elif args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(service)
        else:
            print(text)
    if stale:
        print(f"stale OpenAPI documents: {', '.join(stale)}; run `vaxtrail openapi --write`")
        return 1
    return 0
