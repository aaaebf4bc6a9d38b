"""``vaxtrail topics``: create every topic of :func:`eventkit.topics.all_topics` (idempotent) and list them."""

from __future__ import annotations

import argparse

HELP = "create missing Kafka topics (existing ones are left alone) and list them"


def configure(parser: argparse.ArgumentParser) -> None:
    del parser


def run(args: argparse.Namespace) -> int:
    from eventkit.topics import all_topics
    from vaxtrail_cli.commands.common import load_stack_env, require_env, stack_paths
    from vaxtrail_cli.topics_admin import ensure_topics

    load_stack_env(stack_paths())
    bootstrap = require_env("KAFKA_BOOTSTRAP")
    specs = all_topics()
    result = ensure_topics(bootstrap, specs)
    created = set(result.created)
    print(f"Kafka {bootstrap}: {len(result.created)} created, {len(result.existing)} already present")
    for spec in specs:
        config = ", ".join(f"{k}={v}" for k, v in sorted(spec.config.items()))
        print(f"  {'created' if spec.name in created else 'present':<8} {spec.name:<32} "
              f"partitions={spec.partitions:<3} {config}")
    return 0
