"""Allocation worker: ``python -m services.allocation.worker`` runs the relay, the projections and the reserve worker
(:func:`services.allocation.bootstrap.components`)."""

from __future__ import annotations

from eventkit.service import worker_main
from services.allocation import bootstrap
from services.allocation.settings import SERVICE


def main() -> None:
    worker_main(SERVICE, bootstrap.components)


if __name__ == "__main__":
    main()
