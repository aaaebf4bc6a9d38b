"""Audit worker: ``python -m services.audit.worker`` runs the relay, the projections, the sealer and the publisher."""

from __future__ import annotations

from eventkit.service import worker_main
from services.audit import bootstrap
from services.audit.settings import SERVICE


def main() -> None:
    worker_main(SERVICE, bootstrap.components)


if __name__ == "__main__":
    main()
