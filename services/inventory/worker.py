"""Inventory worker: ``python -m services.inventory.worker`` runs the relay, the projections and the
consumption worker (:func:`services.inventory.bootstrap.components`)."""

from __future__ import annotations

from eventkit.service import worker_main
from services.inventory import bootstrap
from services.inventory.settings import SERVICE


def main() -> None:
    worker_main(SERVICE, bootstrap.components)


if __name__ == "__main__":
    main()
