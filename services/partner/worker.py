"""Partner worker: ``python -m services.partner.worker`` runs the relay, the feed derivation and the feed relay."""

from __future__ import annotations

from eventkit.service import worker_main
from services.partner import bootstrap
from services.partner.settings import SERVICE


def main() -> None:
    worker_main(SERVICE, bootstrap.components)


if __name__ == "__main__":
    main()
