// Shipments: dispatch (naming the allocation line it fulfils), the list in or out of a location, and for one
// shipment its proof of delivery, a loss or a return, and a transport excursion with its assessment (the
// delivery waits for it, INV-13).
import { useState } from "preact/hooks";
import { call } from "../../api/client";
import { me } from "../../auth";
import { fmtDateTime, t, tCode } from "../../i18n";
import { useStore } from "../../store";
import { Form, int, rows, str } from "../../ui/form";
import { DataTable } from "../../ui/table";
import { fromLocalInput, toLocalInput } from "../../ui/time";
import { Show, useLoad } from "../common";
import { assessmentBody, assessmentField, EXCURSION_FIELDS, excursionBody } from "./excursions";
import { defaultLocation } from "./stock";

interface ShipmentLine {
  lot_id: string;
  doses: number;
}
interface Shipment {
  shipment_id: string;
  from_location_id: string;
  to_location_id: string;
  status: string;
  dispatched_at: string;
  allocation_plan_id: string;
  allocation_line_id: string;
  open_excursions: number;
  lines: ShipmentLine[];
}

const REJECTIONS = ["", "DAMAGED", "VVM_DISCARD_POINT", "COLD_CHAIN_FAILURE", "EXPIRED", "WRONG_PRODUCT", "SHORT_SHIPPED"];

export function ShipmentsTab() {
  const who = useStore(me);
  const [location, setLocation] = useState(defaultLocation(who));
  const [status, setStatus] = useState("DISPATCHED");
  const [chosen, setChosen] = useState<Shipment | null>(null);
  const list = useLoad(() => call("inventory", "get", "/v1/shipments", { query: { location_id: location, status: status || undefined } }),
                       [location, status]);
  const dispatcher = who?.role !== "site_manager";
  return (
    <div>
      <section class="card" aria-labelledby="shipments-title">
        <h2 id="shipments-title">{t("shipments.title")}</h2>
        <Form id="shipment-filter" submit="reserves.show" silent initial={{ location_id: location, status }} fields={[
          { name: "location_id", label: "stock.location", required: true },
          { name: "status", label: "shipments.status", type: "select",
            options: ["DISPATCHED", "RECEIVED", "LOST", "RETURNED"].map((s) => ({ value: s, label: tCode("shipmentStatus", s) })) },
        ]} onSubmit={async (values) => {
          setLocation(str(values, "location_id"));
          setStatus(str(values, "status"));
        }} />
        <Show loaded={list}>{(data) => (
          <DataTable<Shipment> caption={t("shipments.list", { location })} rows={data.items as Shipment[]} rowKey={(s) => s.shipment_id}
            empty={t("shipments.none")} columns={[
              { title: t("shipments.id"), cell: (s) => <button type="button" class="link" onClick={() => setChosen(s)}>{s.shipment_id}</button> },
              { title: t("shipments.from"), cell: (s) => s.from_location_id },
              { title: t("shipments.to"), cell: (s) => s.to_location_id },
              { title: t("shipments.lines"), cell: (s) => s.lines.map((l) => `${l.lot_id} × ${l.doses}`).join(", ") },
              { title: t("shipments.dispatched"), cell: (s) => fmtDateTime(s.dispatched_at) },
              { title: t("shipments.status"), cell: (s) => `${tCode("shipmentStatus", s.status)}${s.open_excursions ? ` ⚠ ${s.open_excursions}` : ""}` },
            ]} />
        )}</Show>
      </section>
      {chosen ? <ShipmentActions key={chosen.shipment_id} shipment={chosen} done={() => { setChosen(null); list.reload(); }} /> : null}
      {dispatcher ? (
        <section class="card" aria-labelledby="dispatch-title">
          <h2 id="dispatch-title">{t("shipments.dispatch")}</h2>
          <Form id="dispatch" submit="shipments.dispatchSubmit" initial={{ from_location_id: location, dispatched_at: toLocalInput() }} fields={[
            { name: "shipment_id", label: "shipments.id", required: true },
            { name: "from_location_id", label: "shipments.from", required: true },
            { name: "to_location_id", label: "shipments.to", required: true },
            { name: "lines", label: "shipments.lines", type: "lines", columns: [
              { name: "lot_id", label: "vials.lot" }, { name: "doses", label: "plans.doses", type: "number" }] },
            { name: "allocation_plan_id", label: "shipments.plan", hint: t("shipments.planHint") },
            { name: "allocation_line_id", label: "shipments.line" },
            { name: "dispatched_at", label: "shipments.dispatched", type: "datetime", required: true },
          ]} onSubmit={async (values) => {
            await call("inventory", "post", "/v1/shipments", { body: {
              shipment_id: str(values, "shipment_id"), from_location_id: str(values, "from_location_id"),
              to_location_id: str(values, "to_location_id"), dispatched_at: fromLocalInput(str(values, "dispatched_at")),
              allocation_plan_id: str(values, "allocation_plan_id"), allocation_line_id: str(values, "allocation_line_id"),
              lines: rows(values, "lines").map((l) => ({ lot_id: String(l.lot_id).trim(), doses: int(l.doses) })) } });
            list.reload();
            return t("shipments.dispatched.ok");
          }} />
        </section>
      ) : null}
    </div>
  );
}

function ShipmentActions({ shipment, done }: { shipment: Shipment; done: () => void }) {
  const params = { shipment_id: shipment.shipment_id };
  const [excursion, setExcursion] = useState("");
  return (
    <section class="card" aria-labelledby="shipment-title">
      <h2 id="shipment-title">{t("shipments.one", { id: shipment.shipment_id })}</h2>
      {shipment.status === "DISPATCHED" ? (
        <div class="grid">
          <div>
            <h3>{t("shipments.delivery")}</h3>
            <Form id="delivery" submit="shipments.deliverySubmit" initial={{ received_at: toLocalInput(),
              lines: shipment.lines.map((l) => ({ lot_id: l.lot_id, accepted_doses: String(l.doses), rejected_doses: "0",
                                                  rejection_reason: "", vvm_stage: "1" })) }} fields={[
              { name: "received_at", label: "shipments.received", type: "datetime", required: true },
              { name: "lines", label: "shipments.lines", type: "lines", columns: [
                { name: "lot_id", label: "vials.lot" }, { name: "accepted_doses", label: "shipments.accepted", type: "number" },
                { name: "rejected_doses", label: "shipments.rejected", type: "number" },
                { name: "rejection_reason", label: "shipments.rejection", type: "select",
                  options: REJECTIONS.filter(Boolean).map((r) => ({ value: r, label: tCode("rejection", r) })) },
                { name: "vvm_stage", label: "shipments.vvm", type: "number" }] },
            ]} onSubmit={async (values) => {
              await call("inventory", "post", "/v1/shipments/{shipment_id}/delivery", { params, body: {
                received_at: fromLocalInput(str(values, "received_at")),
                lines: rows(values, "lines").map((l) => ({ lot_id: String(l.lot_id), accepted_doses: int(l.accepted_doses),
                  rejected_doses: int(l.rejected_doses || "0"), rejection_reason: (String(l.rejection_reason ?? "") as ""),
                  vvm_stage: int(l.vvm_stage || "0") })) } });
              done();
            }} />
          </div>
          <div>
            <h3>{t("shipments.excursion")}</h3>
            <Form id="transport-excursion" submit="coldchain.recordSubmit" initial={{ started_at: toLocalInput(),
                  alarm_type: "HEAT_45C_1H" }} fields={EXCURSION_FIELDS} onSubmit={async (values) => {
              await call("inventory", "post", "/v1/shipments/{shipment_id}/excursions", { params, body: excursionBody(values) });
              setExcursion(str(values, "excursion_id"));
            }} />
            <h3>{t("coldchain.assess")}</h3>
            <Form id="transport-assessment" key={excursion} submit="coldchain.assessSubmit" initial={{ excursion_id: excursion,
              lines: shipment.lines.map((l) => ({ lot_id: l.lot_id, decision: "USABLE", rationale: "" })) }} fields={[
              { name: "excursion_id", label: "coldchain.excursionId", required: true }, assessmentField()]}
              onSubmit={async (values) => {
                await call("inventory", "post", "/v1/shipments/{shipment_id}/excursions/{excursion_id}/assessment", {
                  params: { ...params, excursion_id: str(values, "excursion_id") }, body: assessmentBody(values) });
              }} />
          </div>
          <div>
            <h3>{t("shipments.lostOrReturned")}</h3>
            <Form id="shipment-closure" submit="shipments.closeSubmit" initial={{ kind: "lost", at: toLocalInput() }} fields={[
              { name: "kind", label: "shipments.closure", type: "select", required: true,
                options: [{ value: "lost", label: t("shipments.lost") }, { value: "returned", label: t("shipments.returned") }] },
              { name: "reason", label: "approvals.reason", required: true },
              { name: "at", label: "shipments.at", type: "datetime", required: true },
            ]} onSubmit={async (values) => {
              const body = { reason: str(values, "reason"), at: fromLocalInput(str(values, "at")) };
              if (str(values, "kind") === "lost") await call("inventory", "post", "/v1/shipments/{shipment_id}/lost", { params, body });
              else await call("inventory", "post", "/v1/shipments/{shipment_id}/returned", { params, body });
              done();
            }} />
          </div>
        </div>
      ) : <p>{tCode("shipmentStatus", shipment.status)}</p>}
      <p><button type="button" class="link" onClick={done}>{t("shipments.closePanel")}</button></p>
    </section>
  );
}
