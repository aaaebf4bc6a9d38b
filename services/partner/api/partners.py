"""Grants of partner feeds, by a national_admin (each one an event on ``vaxtrail.partner.v1``).

- ``POST /v1/partners`` grant (or re-grant with a new feed list); answers the client properties the partner
  needs: its topics, its Kafka principal and its consumer-group prefix (the CLI adds the bootstrap);
- ``POST /v1/partners/<partner>/revocation`` revoke every feed;
- ``GET /v1/partners`` the grants as the derivation sees them (national_admin, auditor).
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from eventkit.auth import current_principal, requires
from eventkit.envelope import CommandContext
from eventkit.handling import CommandBus
from eventkit.store.base import AppendResult
from eventkit.web.commands import command
from eventkit.web.openapi import documented
from services.partner import queries
from services.partner.api import models as m
from services.partner.domain.partners import GrantPartner, RevokePartner


def blueprint(pool, bus: CommandBus) -> Blueprint:
    bp = Blueprint("partners", __name__, url_prefix="/v1")

    @bp.post("/partners")
    @requires("national_admin")
    @documented("Grant a partner agency some partner feeds (an audited event)", tags=["partners"],
                request=m.GrantRequest, responses={201: m.GrantAccepted, 200: m.GrantAccepted},
                errors=[400, 403, 409, 422])
    @command(m.GrantRequest, scope="partners")
    def grant_partner(body: m.GrantRequest, context: CommandContext) -> AppendResult:
        current_principal().require_scope(["national"], field="partner")
        return bus.handle(GrantPartner(body.partner, tuple(body.feeds), body.reason), context)

    @bp.post("/partners/<partner>/revocation")
    @requires("national_admin")
    @documented("Revoke every feed of a partner agency (an audited event)", tags=["partners"],
                request=m.RevokeRequest, responses={201: m.GrantAccepted}, errors=[400, 403, 409, 422])
    @command(m.RevokeRequest, scope="partners:{partner}")
    def revoke_partner(body: m.RevokeRequest, context: CommandContext, partner: str) -> AppendResult:
        current_principal().require_scope(["national"], field="partner")
        return bus.handle(RevokePartner(partner, body.reason), context)

    @bp.get("/partners")
    @requires("national_admin", "auditor")
    @documented("The partner grants (as the feed derivation has applied them)", tags=["partners"],
                responses={200: m.PartnerList})
    def list_partners():
        return jsonify({"partners": queries.partners(pool)})

    return bp
