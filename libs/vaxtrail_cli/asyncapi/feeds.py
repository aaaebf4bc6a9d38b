"""The partner feeds in the AsyncAPI document: their channels, records, headers and who sends and reads them.

Each feed's records are one message of ``schemas/vaxtrail/partner/v1/feeds.proto``. The shared feeds are topics
of the registry (:func:`eventkit.topics.all_topics`, with their production ``KafkaTopic`` bindings); the doses
feed is one topic per partner, a channel with a ``partner`` parameter (created by the partner service when it
first publishes to it, so it has no ``KafkaTopic``). The record headers are those
:meth:`services.partner.feeds.outbox.FeedOutbox.route` writes. docs/partners.md says why each field is there.
"""

from __future__ import annotations

from typing import Any

from eventkit.envelope import CONTENT_TYPE
from eventkit.topics import PARTNER_FEEDS, PER_PARTNER_FEEDS, partner_feed_topic
from vaxtrail_cli.asyncapi.headers import TEXT, header_schema

KAFKA_BINDING = "0.5.0"
FEED_MESSAGES = {
    "DOSES": ("vaxtrail.partner.v1.DoseGiven", "vaxtrail.partner.v1.DoseWithdrawn",
              "vaxtrail.partner.v1.DoseCorrected", "vaxtrail.partner.v1.PersonKeysMerged"),
    "STOCK": ("vaxtrail.partner.v1.LotStatusChanged",), "AEFI": ("vaxtrail.partner.v1.AefiCase",),
    "REVOCATIONS": ("vaxtrail.partner.v1.CertificateRevocation",)}
"""The messages of each feed (ce_type tells them apart on a topic)."""
MESSAGES = {feed: names[0] for feed, names in FEED_MESSAGES.items()}
"""Each feed's first message."""
KEYS = {"DOSES": "The partner's pseudonymous person key (HMAC-SHA256, hex).", "STOCK": "The lot id.",
        "AEFI": "The pseudonymous AEFI report id (hex).", "REVOCATIONS": "The certificate id (UVCI)."}
MESSAGE_KEYS = {"vaxtrail.partner.v1.DoseWithdrawn": "The person key the withdrawn DoseGiven carried.",
                "vaxtrail.partner.v1.DoseCorrected": "The person key the corrected DoseGiven carried.",
                "vaxtrail.partner.v1.PersonKeysMerged": "The retired person key (after every record sent under it)."}
FEED_HEADERS: dict[str, tuple[dict[str, Any], str]] = {
    "ce_specversion": ({"type": "string", "const": "1.0"}, "CloudEvents spec version."),
    "ce_id": ({"type": "string", "format": "uuid"}, "Record id (UUIDv5 of feed, partner and source event): the "
                                                    "same record re-sent keeps it; skip an id already seen."),
    "ce_type": (TEXT, "The protobuf full name of the value's message."),
    "ce_source": ({"type": "string", "const": "/vaxtrail/partner"}, "Always the partner service."),
    "content-type": ({"type": "string", "const": CONTENT_TYPE}, "Binary protobuf."),
    "vaxtrail_feed": ({"type": "string", "enum": sorted(PARTNER_FEEDS)}, "The feed."),
}


def feed_headers() -> dict[str, Any]:
    return header_schema(FEED_HEADERS, set(), closed=True, description=(
        "A partner feed record's headers (CloudEvents Kafka binding, binary mode). No ce_time: a dose's time "
        "of day is not part of any feed."))


def roots() -> set[str]:
    return {name for names in FEED_MESSAGES.values() for name in names}


def messages(compiled: dict) -> dict[str, Any]:
    out = {}
    for feed, name in ((f, n) for f, names in FEED_MESSAGES.items() for n in names):
        message = compiled[name]
        out[name] = {
            "name": message.proto.name, "title": name,
            "summary": message.comment.split(". ")[0].rstrip(".") + "." if message.comment else name,
            "contentType": "application/protobuf",
            "headers": {"$ref": "#/components/schemas/FeedHeaders"},
            "payload": {"$ref": f"#/components/schemas/{name}"},
            "bindings": {"kafka": {"key": {"type": "string", "description": MESSAGE_KEYS.get(name, KEYS[feed])},
                                   "bindingVersion": KAFKA_BINDING}},
            "tags": [{"name": "partner"}]}
    return out


def is_feed(topic: str) -> bool:
    return any(topic == partner_feed_topic(f) for f in PARTNER_FEEDS if f not in PER_PARTNER_FEEDS)


def channels_and_operations(bindings: dict[str, dict[str, Any]]) -> tuple[dict, dict]:
    """``bindings``: topic -> its production Kafka channel binding (the shared feeds)."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for feed, purpose in PARTNER_FEEDS.items():
        per_partner = feed in PER_PARTNER_FEEDS
        address = partner_feed_topic(feed, "{partner}") if per_partner else partner_feed_topic(feed)
        cid = f"partner_{feed.lower()}"
        shorts = {name.rsplit(".", 1)[-1]: name for name in FEED_MESSAGES[feed]}
        channel: dict[str, Any] = {
            "address": address, "title": address,
            "description": (f"Partner feed {feed}: {purpose}. Owner: partner (derived from the internal topics, "
                            "docs/partners.md)."
                            + (" One topic per partner, created with its first record." if per_partner else "")),
            "messages": {short: {"$ref": f"#/components/messages/{name}"} for short, name in shorts.items()}}
        if per_partner:
            channel["parameters"] = {"partner": {"description": "The partner's name, as granted "
                                                                "(vaxtrail partner add)."}}
        else:
            channel["bindings"] = {"kafka": bindings[address]}
        channels[cid] = channel
        ref = [{"$ref": f"#/channels/{cid}/messages/{short}"} for short in shorts]
        operations[f"partner_publishes_{feed.lower()}"] = {
            "action": "send", "channel": {"$ref": f"#/channels/{cid}"}, "title": f"partner publishes feed {feed}",
            "summary": ("The partner service's feed relay publishes each record its derivation committed, in "
                        "commit order, at least once (ce_id identifies a record)."),
            "messages": ref, "tags": [{"name": "partner"}],
            "bindings": {"kafka": {"clientId": {"type": "string", "const": "partner-feed-relay"},
                                   "bindingVersion": KAFKA_BINDING}}}
        operations[f"partners_read_{feed.lower()}"] = {
            "action": "receive", "channel": {"$ref": f"#/channels/{cid}"}, "title": f"a partner reads feed {feed}",
            "summary": "A partner agency granted this feed reads it in a consumer group of its own prefix.",
            "messages": ref, "tags": [{"name": "partner"}],
            "bindings": {"kafka": {"groupId": {"type": "string", "pattern": "^partner\\.[a-z0-9-]+\\..+$",
                                               "description": "partner.<name>.<anything>: the grant's prefix."},
                                   "bindingVersion": KAFKA_BINDING}}}
    return channels, operations
