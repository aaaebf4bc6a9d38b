"""An example partner agency: reads its doses feed and prints each record as JSON, one line each.

    python examples/partner/consumer.py examples/partner/config.json          # from where the group left off
    python examples/partner/consumer.py examples/partner/config.json --from-start --group replay-1

The config is what ``vaxtrail partner add NAME --feeds doses`` prints (docs/partners.md): bootstrap servers and the
SASL/SCRAM username and password the broker knows the partner by. The broker lets it read only its granted topics,
in groups starting with its ``group.id.prefix``; when it refuses (a wrong or revoked credential, a topic not
granted, a group outside the prefix) this program says so and exits with code 2. The group id is the
grant's prefix plus a name of yours: a new name replays the feed from its first record. Records can arrive twice
(the feed relay publishes at least once): the ``ce_id`` header identifies a record, skip one you have seen.
Needs only kafka-python and protobuf, plus the generated ``vaxtrail.partner.v1`` package of this release
(``schemas/gen`` here; compile ``schemas/vaxtrail/partner/v1/feeds.proto`` for another language).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from google.protobuf import json_format
from kafka import KafkaConsumer
from kafka.errors import (
    GroupAuthorizationFailedError,
    KafkaTimeoutError,
    TopicAuthorizationFailedError,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "schemas" / "gen"))
from vaxtrail.partner.v1 import feeds_pb2  # noqa: E402 - after the path of the generated package

MESSAGES = {m.full_name: getattr(feeds_pb2, m.name) for m in feeds_pb2.DESCRIPTOR.message_types_by_name.values()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path, help="the JSON `vaxtrail partner add` printed")
    parser.add_argument("--feed", default="DOSES", help="which granted feed to read (default DOSES)")
    parser.add_argument("--group", default="printer", help="group name after the grant's prefix")
    parser.add_argument("--from-start", action="store_true", help="a new group starts at the first record")
    parser.add_argument("--max-records", type=int, default=0, help="stop after this many (0: run until Ctrl-C)")
    args = parser.parse_args(argv)
    config = json.loads(args.config.read_text())
    security = {"security_protocol": config["security.protocol"]}
    if config.get("sasl.username"):
        security |= {"sasl_mechanism": config["sasl.mechanism"], "sasl_plain_username": config["sasl.username"],
                     "sasl_plain_password": config["sasl.password"]}
    topic = config["topics"][args.feed]
    try:
        consumer = KafkaConsumer(bootstrap_servers=config["bootstrap.servers"],
                                 group_id=config["group.id.prefix"] + args.group, enable_auto_commit=False,
                                 auto_offset_reset="earliest" if args.from_start else "latest", **security)
    except KafkaTimeoutError as exc:  # kafka-python 3: no broker would take the credentials
        return refused(f"no broker at {config['bootstrap.servers']} let {config.get('sasl.username')} in "
                       f"(unreachable, or wrong or revoked credentials): {exc}")
    if topic not in consumer.topics():
        consumer.close()
        return refused(f"the broker shows you no topic {topic}: the feed is not granted to you (or revoked), or "
                       "its first record is not published yet")
    consumer.subscribe([topic])
    try:
        return consume(consumer, args)
    except (TopicAuthorizationFailedError, GroupAuthorizationFailedError) as exc:
        return refused(f"the broker refused: {exc}")
    finally:
        consumer.close()


def refused(message: str) -> int:
    print(f"partner consumer: {message}", file=sys.stderr)
    return 2


def consume(consumer: KafkaConsumer, args: argparse.Namespace) -> int:
    seen: set[str] = set()
    printed = 0
    try:
        for record in consumer:
            headers = {k: v.decode() for k, v in record.headers}
            if headers["ce_id"] not in seen:
                seen.add(headers["ce_id"])
                message = MESSAGES[headers["ce_type"]].FromString(record.value)
                print(json.dumps({"id": headers["ce_id"], "type": headers["ce_type"], "key": record.key.decode(),
                                  "record": json_format.MessageToDict(message, preserving_proto_field_name=True)},
                                 ensure_ascii=False), flush=True)
                printed += 1
            consumer.commit()  # after printing: a crash re-reads, never skips
            if args.max_records and printed >= args.max_records:
                break
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
