"""The list publisher: a worker component that publishes a new signed revocation list version whenever the
revoked and suspended certificates change.

Every ``interval`` seconds it looks at ``certificate_views``' change counter; when it moved (and once at
start) and the view has applied every change the store holds (the counter equals the store's count of
revocations, suspensions and reinstatements), it reads the list and hands ``PublishRevocationList`` to the
command bus. While the view is behind - a ``vaxtrail rebuild`` replaying it from an emptied table, or a change
not yet applied - it waits: a list read from a half-rebuilt view would omit revoked certificates, and it was
signed and published (two versions for every rebuild, the first missing revocations; the fault suite's
read-model digests found it). The handler decides whether
the content is a new version (``domain/revocations.py``), signs it, keeps it and appends
``RevocationListPublished`` - so several changes between two looks make one version, the same content never
makes two, and two workers collide on the ``revocation-list`` stream and one re-decides to nothing.
"""

from __future__ import annotations

import logging
import threading

from eventkit.envelope import CommandContext
from eventkit.handling import CommandBus
from services.certificate.domain.commands import PublishRevocationList

log = logging.getLogger(__name__)
LISTS = CommandContext(actor_id="certificate-lists", actor_role="system")
INTERVAL = 1.0


def publish_once(bus: CommandBus, views) -> int:
    """Publish the list as it is now if it is a new version; returns the number of events appended."""
    _, dcc, shc = views.revocation_list()
    return len(bus.handle(PublishRevocationList(dcc, shc), LISTS).events)


def publisher(bus: CommandBus, views, *, interval: float = INTERVAL):
    """A worker component: publish at start and after every change of the list (failures are retried)."""
    def run(stop: threading.Event) -> None:
        seen = None
        while not stop.is_set():
            try:
                changes = views.revocation_changes()
                if changes != seen and changes == views.revocation_changes_recorded():
                    publish_once(bus, views)
                    seen = changes
            except Exception:  # noqa: BLE001 - retried at the next look; never silently dropped
                log.exception("publishing the revocation list failed; retrying")
            stop.wait(interval)
    return run
