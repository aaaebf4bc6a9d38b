"""The response centre's browser test gets its own PostgreSQL server and Kafka broker (the integration suite's
``infra`` fixture, re-exported: pytest keeps one session fixture per conftest that defines it).

Its stack runs the demo campaign's steps; on the browser world's broker the two stacks would read each other's
topics (the world's doses become second-dose reserves at the national store in this stack's allocation, so the
demo's first-dose plan is refused under INV-18, and this stack's receipts change the world's national supply).
"""

from __future__ import annotations

from tests.integration.conftest import infra  # noqa: F401 - the session fixture, re-exported for this folder
