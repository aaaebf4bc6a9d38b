"""``vaxtrail topics``: create every topic of :func:`eventkit.topics.all_topics` (idempotent) and list them.

``--national --replication-factor 3`` creates the production sizes on a cluster that no operator manages
(with Strimzi, the ``KafkaTopic`` resources of deploy/k8s create them; ``--check`` then only verifies).
Kafka TLS / SASL settings come from the ``KAFKA_SECURITY_PROTOCOL`` family (eventkit.settings).
"""

from __future__ import annotations

import argparse

HELP = "create missing Kafka topics (existing ones are left alone) and list them"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--national", action="store_true", help="national partition counts (production)")
    parser.add_argument("--replication-factor", type=int, default=1, help="for topics created now (default 1)")
    parser.add_argument("--check", action="store_true",
                        help="create nothing: exit 1 unless every topic exists with at least its partitions")


def run(args: argparse.Namespace) -> int:
    import os

    from eventkit.settings import kafka_security
    from eventkit.topics import all_topics
    from vaxtrail_cli.commands.common import load_stack_env, require_env, stack_paths
    from vaxtrail_cli.topics_admin import check_topics, ensure_topics

    load_stack_env(stack_paths())
    bootstrap = require_env("KAFKA_BOOTSTRAP")
    security = kafka_security(os.environ)
    specs = all_topics(national=args.national)
    if args.check:
        problems = check_topics(bootstrap, specs, security=security)
        for problem in problems:
            print(f"  missing  {problem}")
        print(f"Kafka {bootstrap}: {len(specs) - len(problems)} of {len(specs)} topics as declared")
        return 1 if problems else 0
    result = ensure_topics(bootstrap, specs, replication_factor=args.replication_factor, security=security)
    created = set(result.created)
    print(f"Kafka {bootstrap}: {len(result.created)} created, {len(result.existing)} already present")
    for spec in specs:
        config = ", ".join(f"{k}={v}" for k, v in sorted(spec.config.items()))
        print(f"  {'created' if spec.name in created else 'present':<8} {spec.name:<32} "
              f"partitions={spec.partitions:<3} {config}")
    return 0
