"""Inventory HTTP API (Flask blueprint): request models, routes and their roles."""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, jsonify, request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from eventkit.aggregates import fingerprint
from eventkit.auth import current_principal, requires
from eventkit.web import parse_body
from eventkit.web.commands import command_context, command_response
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


def blueprint(handlers: InventoryHandlers, stock: StockView) -> Blueprint:
    bp = Blueprint("inventory", __name__, url_prefix="/v1")

    @bp.post("/receipts")
    @requires("national_admin")
    def receive_doses():
        body = parse_body(ReceiptRequest)
        current_principal().require_scope(["national"], field="location_id")
        result = handlers.receive_doses(
            body.to_command(), command_context(scope_key="receipts"), fingerprint(body.model_dump(mode="json"))
        )
        return command_response(result)

    @bp.get("/stock")
    @requires(*STOCK_READERS)
    def stock_on_hand():
        rows = stock.stock(request.args.get("location_id"), request.args.get("lot_id"))
        return jsonify({"items": rows})

    return bp
