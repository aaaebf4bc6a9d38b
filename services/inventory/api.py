"""Inventory HTTP API (Flask blueprint): request models, routes and their roles."""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, jsonify, request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from eventkit.aggregates import fingerprint
from eventkit.auth import current_principal, requires
from eventkit.web import parse_body
from eventkit.web.commands import command_context, command_response
from eventkit.web.openapi import documented
from services.inventory import domain
from services.inventory.handlers import InventoryHandlers
from services.inventory.projections import StockView

STOCK_READERS = ("national_admin", "province_officer", "district_officer", "site_manager", "auditor", "analyst")
Id = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:\-]+$")


class ReceiptRequest(BaseModel):
    """A receipt of doses at a store (the national warehouse in the foundation slice)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    location_id: str = Id
    lot_id: str = Id
    presentation_id: str = Id
    doses: int = Field(description="whole doses received; must be positive (INV-2)")
    vials: int = Field(description="whole vials received; must be positive (INV-2)")
    source: Literal["manufacturer", "covax", "donation", "purchase"]
    shipment_reference: str = Field(min_length=1, max_length=128)
    received_at: AwareDatetime
    storage_unit_id: str = Field(default="", max_length=64)
    vvm_stage: int = 1
    temperature_log_ok: bool = True

    def to_command(self) -> domain.ReceiveDoses:
        return domain.ReceiveDoses(**self.model_dump())


class ReceiptAccepted(BaseModel):
    stock_item_id: str = Field(description="<location_id>/<lot_id>")
    event_ids: list[str]
    aggregate_version: int


class StockQuery(BaseModel):
    location_id: str | None = Field(default=None, description="only this location")
    lot_id: str | None = Field(default=None, description="only this lot")


class StockRow(BaseModel):
    location_id: str
    lot_id: str
    presentation_id: str
    doses: int
    vials: int
    last_event_at: str


class StockList(BaseModel):
    items: list[StockRow]


def blueprint(handlers: InventoryHandlers, stock: StockView) -> Blueprint:
    bp = Blueprint("inventory", __name__, url_prefix="/v1")

    @bp.post("/receipts")
    @requires("national_admin")
    @documented("Record doses received at the national store (DoseReceived)", tags=["ledger"],
                request=ReceiptRequest, responses={201: ReceiptAccepted, 200: ReceiptAccepted}, errors=[409],
                description="Send an `Idempotency-Key` header to make retries safe: a retry answers 200 with "
                            "`Idempotent-Replayed: true` and the first response; nothing is appended twice.")
    def receive_doses():
        body = parse_body(ReceiptRequest)
        current_principal().require_scope(["national"], field="location_id")
        result = handlers.receive_doses(
            body.to_command(), command_context(scope_key="receipts"), fingerprint(body.model_dump(mode="json"))
        )
        return command_response(result)

    @bp.get("/stock")
    @requires(*STOCK_READERS)
    @documented("Stock on hand per location x lot (read model; eventually consistent)", tags=["stock"],
                query=StockQuery, responses={200: StockList})
    def stock_on_hand():
        rows = stock.stock(request.args.get("location_id"), request.args.get("lot_id"))
        return jsonify({"items": rows})

    return bp
