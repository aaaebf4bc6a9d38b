"""Certificate worker: ``python -m services.certificate.worker`` runs the relay, the projections, the issuer and the key publisher."""

from __future__ import annotations

from eventkit.service import worker_main
from services.certificate import bootstrap
from services.certificate.settings import SERVICE


def main() -> None:
    worker_main(SERVICE, bootstrap.components)


if __name__ == "__main__":
    main()
