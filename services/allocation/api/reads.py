"""Routes over the read models: stock and availability at a store, demand, one node of the supply tree.

Each checks the caller's scope against what is asked for (:mod:`.access`): a store or location by its
scope path, demand by its level and province.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from eventkit.auth import requires
from eventkit.clock import campaign_date
from eventkit.errors import NotFound
from eventkit.web.openapi import documented
from eventkit.web.validation import parse_query
from services.allocation.api import models as m
from services.allocation.api.access import READERS, plan_scope, require_read_scope
from services.allocation.handlers import Deps
from services.allocation.handlers.supply import availability as availability_at


def blueprint(deps: Deps) -> Blueprint:
    bp = Blueprint("reads", __name__, url_prefix="/v1")
    read = deps.read

    def store(args: m.SupplyQuery) -> None:
        require_read_scope(read.scope_of(args.location_id), "stock of this store", "location_id")

    @bp.get("/supply")
    @requires(*READERS)
    @documented("Usable stock per lot at a store, from the inventory read model (eventually consistent)",
                tags=["read models"], query=m.SupplyQuery, errors=[403])
    def supply():
        args = parse_query(m.SupplyQuery)
        store(args)
        today = campaign_date(deps.clock(), deps.zone)
        return jsonify({"items": read.stock_summary(args.location_id, args.presentation_id, today)})

    @bp.get("/availability")
    @requires(*READERS)
    @documented("Doses plans from a store can still take: usable, committed, reserved, free (INV-15, INV-18)",
                tags=["read models"], query=m.SupplyQuery, errors=[403])
    def availability():
        args = parse_query(m.SupplyQuery)
        store(args)
        return jsonify(availability_at(deps, args.location_id, args.presentation_id))

    @bp.get("/locations/<location_id>")
    @requires(*READERS)
    @documented("One node of the supply tree, from the inventory read model", tags=["read models"],
                errors=[403, 404])
    def location(location_id: str):
        require_read_scope(read.scope_of(location_id), "this location", "location_id")
        found = read.location(location_id)
        if found is None:
            raise NotFound(f"no location {location_id} (yet)", field="location_id")
        return jsonify(found)

    @bp.get("/doses-given")
    @requires(*READERS)
    @documented("Doses given at a site (not voided) per product and series / dose number, from the immunization "
                "topic: what second-dose reserves are computed from", tags=["read models"], query=m.SiteQuery,
                errors=[403])
    def doses_given():
        args = parse_query(m.SiteQuery)
        require_read_scope(read.scope_of(args.site_id), "doses given at this site", "site_id")
        by_product = read.doses_given_at(args.site_id)
        return jsonify({"site_id": args.site_id, "doses": sum(sum(c.values()) for c in by_product.values()),
                        "by_product": by_product})

    @bp.get("/demand")
    @requires(*READERS)
    @documented("Approved registrants per recipient unit, from the registration read model", tags=["read models"],
                query=m.DemandQuery, errors=[403])
    def demand():
        args = parse_query(m.DemandQuery)
        require_read_scope(plan_scope(args.level, args.province_code), "demand at this level",
                           "level" if args.level == "NATIONAL" else "province_code")
        recipients = read.recipients(args.level, args.province_code, campaign_date(deps.clock(), deps.zone))
        found = read.demand(args.level, recipients, ())
        return jsonify({"items": [{"unit_id": d.unit_id, "population": d.population, "by_group": dict(d.by_group)}
                                  for d in found.values()]})

    return bp
