"""``vaxtrail``: the developer command line.

Subcommands live in small modules registered in :data:`COMMANDS` (name -> module path). Each module
defines ``HELP`` (one line), ``configure(parser)`` (its arguments) and ``run(args) -> int`` (exit code);
heavy imports stay inside ``run`` so ``vaxtrail --help`` is fast. To add a command, write
``vaxtrail_cli/commands/<name>.py`` and add one line here.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from vaxtrail_cli.commands.common import CommandError
from vaxtrail_cli.kafka_broker import BrokerError
from vaxtrail_cli.postgres_server import PostgresError
from vaxtrail_cli.processes import ProcessError

COMMANDS: dict[str, str] = {
    "up": "vaxtrail_cli.commands.up",
    "down": "vaxtrail_cli.commands.down",
    "status": "vaxtrail_cli.commands.status",
    "stack": "vaxtrail_cli.commands.stack",
    "migrate": "vaxtrail_cli.commands.migrate",
    "topics": "vaxtrail_cli.commands.topics",
    "token": "vaxtrail_cli.commands.token",
    "setup-jars": "vaxtrail_cli.commands.setup_jars",
    "demo": "vaxtrail_cli.commands.demo",
    "load": "vaxtrail_cli.commands.load",
    "bench": "vaxtrail_cli.commands.bench",
    "rebuild": "vaxtrail_cli.commands.rebuild",
    "dlq": "vaxtrail_cli.commands.dlq",
    "openapi": "vaxtrail_cli.commands.openapi",
    "asyncapi": "vaxtrail_cli.commands.asyncapi",
    "replay": "vaxtrail_cli.commands.replay",
    "export": "vaxtrail_cli.commands.export",
    "report": "vaxtrail_cli.commands.report",
    "trail": "vaxtrail_cli.commands.trail",
    "audit": "vaxtrail_cli.commands.audit",
    "verify": "vaxtrail_cli.commands.verify",
    "partner": "vaxtrail_cli.commands.partner",
    "kafka-config": "vaxtrail_cli.commands.kafka_config",
}


def _load(name: str, module_path: str) -> ModuleType:
    module = importlib.import_module(module_path)
    for attribute in ("HELP", "configure", "run"):
        if not hasattr(module, attribute):
            raise TypeError(f"command module {module_path} (vaxtrail {name}) lacks {attribute}")
    return module


def build_parser(commands: dict[str, str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vaxtrail",
        description="VaxTrail developer CLI: local stack, service processes, migrations, topics, tokens.",
        epilog="State folder: $VAXTRAIL_STATE_DIR or <repo>/.vaxtrail. See docs/local-stack.md.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module_path in (COMMANDS if commands is None else commands).items():
        module = _load(name, module_path)
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.configure(command)
        command.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except (BrokerError, PostgresError, ProcessError, CommandError) as exc:
        print(f"vaxtrail {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
