"""``GET /v1/public/figures``: one public, aggregated route per service, registered the same way everywhere.

The route has no ``@requires``: it answers without a token (the public portal reads it through the gateway).
A service supplies only ``rows(first, last)`` - ``(province_code, campaign day, measure, count)`` read from
its read models - and :func:`eventkit.figures.tabulate` shapes and suppresses them, so no service can publish
a person, a site's day or an unsuppressed small count by accident.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, tzinfo

from flask import Blueprint, jsonify

from eventkit.figures import FiguresQuery, figures_model, tabulate
from eventkit.web.openapi import documented
from eventkit.web.validation import parse_query

Rows = Callable[[date, date], Iterable[tuple[str, date, str, int]]]
SUPPRESSION_RULE = ("Counts from 1 to 9 are published as \"<10\" (0 stays 0); where a series would then have "
                    "exactly one such cell, its smallest other non-zero cell is published as \"<10\" too, so "
                    "it cannot be recovered from the total. Aggregates only: no person, site or district.")


def register_figures(bp: Blueprint, *, name: str, measures: Sequence[str], rows: Rows, zone: tzinfo,
                     summary: str, description: str, clock: Callable[[], datetime] | None = None,
                     path: str = "/public/figures") -> None:
    """Add the public figures route to ``bp`` (its OpenAPI entry included)."""
    model = figures_model(name, measures)
    now = clock or (lambda: datetime.now(UTC))

    @documented(summary, tags=["public"], query=FiguresQuery, responses={200: model}, errors=[400, 422],
                description=f"{description} No sign-in. {SUPPRESSION_RULE}")
    def public_figures():
        q = parse_query(FiguresQuery)
        first, last = q.period(now().astimezone(zone).date())
        response = jsonify(tabulate(rows(first, last), measures, first, last, q.province))
        response.headers["Cache-Control"] = "public, max-age=60"
        return response

    public_figures.__name__ = f"public_figures_{path.strip('/').replace('/', '_').replace('-', '_')}"
    bp.add_url_rule(path, view_func=public_figures, methods=["GET"])
