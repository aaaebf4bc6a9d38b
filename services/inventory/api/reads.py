"""Read routes over the projections: stock as of any date, stock cards, shipments, picking, near-expiry,
wastage. Below national scope a reader must name a location inside its scope."""

from __future__ import annotations

from flask import Blueprint, jsonify

from eventkit.aggregates import EventSourcing
from eventkit.auth import current_principal, requires
from eventkit.web.openapi import documented
from eventkit.web.validation import parse_query
from services.inventory.api import models
from services.inventory.api.common import NATIONAL, READERS, now, require_scope
from services.inventory.queries import CatalogueQueries, StockQueries


def register(bp: Blueprint, es: EventSourcing, view: StockQueries, catalogue: CatalogueQueries) -> None:
    def scoped(location_id: str | None) -> None:
        if location_id is None:
            current_principal().require_scope(NATIONAL, field="location_id")
        else:
            require_scope(es, location_id)

    @bp.get("/locations")
    @requires(*READERS)
    @documented("The supply tree (read model of LocationRegistered)", tags=["reference"],
                query=models.LocationsQuery, responses={200: models.LocationList}, errors=[422])
    def list_locations():
        q = parse_query(models.LocationsQuery)
        return jsonify({"items": catalogue.locations(q.kind, q.province_code, q.parent_id)})

    @bp.get("/presentations")
    @requires(*READERS)
    @documented("Presentation versions (read model of PresentationDefined)", tags=["reference"],
                responses={200: models.PresentationList})
    def list_presentations():
        return jsonify({"items": catalogue.presentations()})

    @bp.get("/lots")
    @requires(*READERS)
    @documented("Registered lots with label and extended expiry (read model)", tags=["reference"],
                query=models.LotsQuery, responses={200: models.LotList}, errors=[422])
    def list_lots():
        return jsonify({"items": catalogue.lots(parse_query(models.LotsQuery).presentation_id)})

    @bp.get("/stock")
    @requires(*READERS)
    @documented("Stock on hand per location x presentation x lot, usable vs blocked, as of any time", tags=["stock"],
                query=models.StockQuery, responses={200: models.StockList}, errors=[422])
    def stock_on_hand():
        q = parse_query(models.StockQuery)
        scoped(q.location_id)
        as_of = q.as_of or now()
        return jsonify({"as_of": as_of.isoformat(),
                        "items": view.stock(q.location_id, q.lot_id, q.presentation_id, as_of)})

    @bp.get("/stock-card")
    @requires(*READERS)
    @documented("Stock-card history of one location x lot, with the running balance", tags=["stock"],
                query=models.StockCardQuery, responses={200: models.StockCard}, errors=[422])
    def stock_card():
        q = parse_query(models.StockCardQuery)
        scoped(q.location_id)
        return jsonify({"location_id": q.location_id, "lot_id": q.lot_id,
                        "lines": view.stock_card(q.location_id, q.lot_id)})

    @bp.get("/shipments")
    @requires(*READERS)
    @documented("Shipments from or to a location (status DISPATCHED = in transit)", tags=["shipments"],
                query=models.ShipmentQuery, responses={200: models.ShipmentList}, errors=[422])
    def list_shipments():
        q = parse_query(models.ShipmentQuery)
        scoped(q.location_id)
        return jsonify({"items": view.shipments(q.location_id, q.status)})

    @bp.get("/picking")
    @requires(*READERS)
    @documented("Picking suggestion for an issue: eligible lots, VVM stage 2 first, then earliest expiry",
                tags=["stock"], query=models.PickingQuery, responses={200: models.StockList}, errors=[422])
    def picking():
        q = parse_query(models.PickingQuery)
        scoped(q.location_id)
        return jsonify({"as_of": now().isoformat(), "items": view.picking(q.location_id, q.presentation_id)})

    @bp.get("/near-expiry")
    @requires(*READERS)
    @documented("Usable lots expiring within N days vs the trailing 7-day burn rate; days of supply",
                tags=["stock"], query=models.NearExpiryQuery, responses={200: models.NearExpiryList}, errors=[422])
    def near_expiry():
        q = parse_query(models.NearExpiryQuery)
        scoped(q.location_id)
        return jsonify({"items": view.near_expiry(q.location_id, q.days)})

    @bp.get("/consumption-discrepancies")
    @requires(*READERS)
    @documented("Consumption reported by immunization that the site's stock could not cover (INV-28 reconciliation)",
                tags=["stock"], query=models.LocationQuery, responses={200: models.DiscrepancyList}, errors=[422])
    def consumption_discrepancies():
        q = parse_query(models.LocationQuery)
        scoped(q.location_id)
        return jsonify({"items": view.discrepancies(q.location_id)})

    @bp.get("/wastage")
    @requires(*READERS)
    @documented("Wastage of a location from events: closed-vial by reason, open-vial, usage rate, wastage factor",
                tags=["stock"], query=models.WastageQuery, responses={200: models.Wastage}, errors=[422])
    def wastage():
        q = parse_query(models.WastageQuery)
        scoped(q.location_id)
        return jsonify(view.wastage(q.location_id, q.since, q.until))
