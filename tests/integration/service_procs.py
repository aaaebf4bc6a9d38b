"""Start a service's real web (gunicorn) and worker processes for a test, and stop them afterwards.

Each test run gets its own database for the service (``<SERVICE>_DATABASE_URL``), a free HTTP port and
its own metrics folder, so runs never see each other's rows. The machinery is the library's
(:mod:`vaxtrail_cli.private_services`, which the end-to-end benchmark's private stack uses too); this module
adds the tests' private folders.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from vaxtrail_cli.private_services import RunningService, drop_service_database, start_service
from vaxtrail_cli.processes import free_ports

__all__ = ["RunningService", "drop_service_database", "free_port", "private_workdir", "start_service"]


def private_workdir(name: str) -> Path:
    """A folder for a service's keys, logs and metrics outside pytest's pruned basetemp (see the ``infra``
    fixture for why); removed when the test process exits unless ``VAXTRAIL_KEEP_TEST_LOGS`` is set."""
    path = Path(tempfile.mkdtemp(prefix=f"vaxtrail-test-{name}-"))
    if not os.environ.get("VAXTRAIL_KEEP_TEST_LOGS"):  # set it to keep the services' logs for a post-mortem
        atexit.register(shutil.rmtree, path, True)
    return path


def free_port() -> int:
    return free_ports(1)[0]
