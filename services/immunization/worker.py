"""Immunization worker: ``python -m services.immunization.worker`` runs the relay, the projections and the FHIR bulk exporter."""

from __future__ import annotations

from eventkit.service import worker_main
from services.immunization import bootstrap
from services.immunization.settings import SERVICE


def main() -> None:
    worker_main(SERVICE, bootstrap.components)


if __name__ == "__main__":
    main()
