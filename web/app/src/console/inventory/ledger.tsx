// The rest of the ledger: a receipt at the national or a regional store, a physical count with the reasons
// for each discrepancy (INV-7), storage units and their temperature excursions with the assessment per lot
// (INV-13), and lot decisions - suspend, release, recall - nationally or in a province or at a site.
import { call } from "../../api/client";
import { me } from "../../auth";
import { t, tCode } from "../../i18n";
import { useStore } from "../../store";
import { Form, int, rows, str } from "../../ui/form";
import { DataTable } from "../../ui/table";
import { fromLocalInput, nowIso, toLocalInput } from "../../ui/time";
import { Show, useLoad } from "../common";
import { assessmentBody, assessmentField, EXCURSION_FIELDS, excursionBody } from "./excursions";
import { defaultLocation } from "./stock";

export function ReceiptsTab() {
  return (
    <section class="card narrow" aria-labelledby="receipt-title">
      <h2 id="receipt-title">{t("receipts.title")}</h2>
      <Form id="receipt" submit="receipts.submit" initial={{ location_id: "NAT-EPI", source: "covax", received_at: toLocalInput(), vvm_stage: "1" }} fields={[
        { name: "location_id", label: "stock.location", required: true },
        { name: "lot_id", label: "vials.lot", required: true },
        { name: "presentation_id", label: "plans.presentation", required: true },
        { name: "doses", label: "stock.doses", type: "number", required: true },
        { name: "vials", label: "stock.vials", type: "number", required: true },
        { name: "source", label: "receipts.source", type: "select", required: true,
          options: ["covax", "manufacturer", "donation", "purchase"].map((s) => ({ value: s, label: s })) },
        { name: "shipment_reference", label: "receipts.reference", required: true },
        { name: "received_at", label: "shipments.received", type: "datetime", required: true },
        { name: "vvm_stage", label: "shipments.vvm", type: "number" },
      ]} onSubmit={async (values) => {
        await call("inventory", "post", "/v1/receipts", { body: {
          location_id: str(values, "location_id"), lot_id: str(values, "lot_id"), presentation_id: str(values, "presentation_id"),
          doses: int(str(values, "doses")), vials: int(str(values, "vials")), source: str(values, "source") as "covax",
          shipment_reference: str(values, "shipment_reference"), received_at: fromLocalInput(str(values, "received_at")),
          vvm_stage: int(str(values, "vvm_stage") || "1") } });
        return t("receipts.done");
      }} />
    </section>
  );
}

export function CountsTab() {
  const who = useStore(me);
  return (
    <section class="card" aria-labelledby="count-title">
      <h2 id="count-title">{t("counts.title")}</h2>
      <p class="muted">{t("counts.hint")}</p>
      <Form id="count" submit="counts.submit" initial={{ location_id: defaultLocation(who), counted_at: toLocalInput() }} fields={[
        { name: "location_id", label: "stock.location", required: true },
        { name: "counted_at", label: "counts.at", type: "datetime", required: true },
        { name: "lines", label: "counts.lines", type: "lines", columns: [
          { name: "lot_id", label: "vials.lot" }, { name: "counted_doses", label: "counts.counted", type: "number" },
          { name: "reason", label: "counts.reason", type: "select", options: ["EXPIRED", "BREAKAGE", "COLD_CHAIN_FAILURE",
            "VVM_DISCARD_POINT", "LOST", "STOLEN", "FOUND", "RECORDING_ERROR", "UNEXPLAINED"].map((r) => ({ value: r, label: tCode("adjustment", r) })) },
          { name: "difference", label: "counts.difference", type: "number" }] },
      ]} onSubmit={async (values) => {
        await call("inventory", "post", "/v1/counts", { body: {
          location_id: str(values, "location_id"), counted_at: fromLocalInput(str(values, "counted_at")),
          lines: rows(values, "lines").map((l) => ({ lot_id: String(l.lot_id).trim(), counted_doses: int(l.counted_doses),
            discrepancy_reasons: l.reason && String(l.difference ?? "").trim()
              ? [{ reason: String(l.reason) as "LOST", doses: int(l.difference) }] : [] })) } });
        return t("counts.done");
      }} />
    </section>
  );
}

export function ColdChainTab() {
  const who = useStore(me);
  return (
    <div class="grid">
      <section class="card" aria-labelledby="unit-title">
        <h2 id="unit-title">{t("coldchain.unit")}</h2>
        <Form id="storage-unit" submit="coldchain.unitSubmit" initial={{ location_id: defaultLocation(who), unit_type: "FRIDGE_2_8" }} fields={[
          { name: "storage_unit_id", label: "coldchain.unitId", required: true },
          { name: "location_id", label: "stock.location", required: true },
          { name: "unit_type", label: "coldchain.unitType", type: "select", required: true,
            options: ["ULTRA_COLD_MINUS_80", "FREEZER_MINUS_20", "FRIDGE_2_8", "COLD_BOX"].map((u) => ({ value: u, label: u })) },
          { name: "logger_id", label: "coldchain.logger" },
        ]} onSubmit={async (values) => {
          await call("inventory", "post", "/v1/storage-units", { body: { storage_unit_id: str(values, "storage_unit_id"),
            location_id: str(values, "location_id"), unit_type: str(values, "unit_type") as "FRIDGE_2_8", logger_id: str(values, "logger_id") } });
        }} />
      </section>
      <section class="card" aria-labelledby="excursion-title">
        <h2 id="excursion-title">{t("coldchain.excursion")}</h2>
        <Form id="excursion" submit="coldchain.recordSubmit" initial={{ started_at: toLocalInput(), alarm_type: "HEAT_45C_1H" }}
              fields={[{ name: "storage_unit_id", label: "coldchain.unitId", required: true }, ...EXCURSION_FIELDS]}
              onSubmit={async (values) => {
                await call("inventory", "post", "/v1/storage-units/{storage_unit_id}/excursions", {
                  params: { storage_unit_id: str(values, "storage_unit_id") }, body: excursionBody(values) });
              }} />
      </section>
      <section class="card" aria-labelledby="assessment-title">
        <h2 id="assessment-title">{t("coldchain.assess")}</h2>
        <Form id="assessment" submit="coldchain.assessSubmit" fields={[
          { name: "storage_unit_id", label: "coldchain.unitId", required: true },
          { name: "excursion_id", label: "coldchain.excursionId", required: true }, assessmentField()]}
              onSubmit={async (values) => {
                await call("inventory", "post", "/v1/storage-units/{storage_unit_id}/excursions/{excursion_id}/assessment", {
                  params: { storage_unit_id: str(values, "storage_unit_id"), excursion_id: str(values, "excursion_id") },
                  body: assessmentBody(values) });
              }} />
      </section>
    </div>
  );
}

interface Lot {
  lot_id: string;
  lot_number: string;
  presentation_id: string;
  label_expiry_date: string;
  extended_expiry_date: string | null;
  funding_source: string;
}

export function LotsTab() {
  const who = useStore(me);
  const lots = useLoad(() => call("inventory", "get", "/v1/lots"), []);
  const decides = who?.role === "national_admin" || who?.role === "province_officer";
  return (
    <div>
      <Show loaded={lots}>{(data) => (
        <DataTable<Lot> caption={t("lots.list")} rows={data.items as Lot[]} rowKey={(l) => l.lot_id} columns={[
          { title: t("vials.lot"), cell: (l) => l.lot_id },
          { title: t("plans.presentation"), cell: (l) => l.presentation_id },
          { title: t("lots.expiry"), cell: (l) => l.extended_expiry_date ?? l.label_expiry_date },
          { title: t("plans.funding"), cell: (l) => l.funding_source },
        ]} />
      )}</Show>
      {decides ? (
        <section class="card narrow" aria-labelledby="decision-title">
          <h2 id="decision-title">{t("lots.decide")}</h2>
          <Form id="lot-decision" submit="lots.submit" initial={{ decision: "suspend", scope: who?.role === "province_officer" ? "PROVINCE" : "NATIONAL" }} fields={[
            { name: "lot_id", label: "vials.lot", required: true, suggestions: ((lots.data?.items ?? []) as Lot[]).map((l) => l.lot_id) },
            { name: "decision", label: "lots.decision", type: "select", required: true,
              options: ["suspend", "release", "recall"].map((d) => ({ value: d, label: tCode("lotDecision", d) })) },
            { name: "scope", label: "lots.scope", type: "select", required: true,
              options: ["NATIONAL", "PROVINCE", "SITE"].map((s) => ({ value: s, label: tCode("level", s) })) },
            { name: "scope_id", label: "lots.scopeId", hint: t("lots.scopeIdHint") },
            { name: "reason", label: "approvals.reason", required: true },
            { name: "authority", label: "lots.authority", required: true, hint: t("lots.authorityHint") },
            { name: "decision_reference", label: "lots.reference" },
          ]} onSubmit={async (values) => {
            const body = { scope: str(values, "scope") as "NATIONAL", scope_id: str(values, "scope_id"), reason: str(values, "reason"),
                           authority: str(values, "authority"), decision_reference: str(values, "decision_reference"), decided_at: nowIso() };
            const params = { lot_id: str(values, "lot_id") };
            const decision = str(values, "decision");
            if (decision === "suspend") await call("inventory", "post", "/v1/lots/{lot_id}/suspend", { params, body });
            else if (decision === "release") await call("inventory", "post", "/v1/lots/{lot_id}/release", { params, body });
            else await call("inventory", "post", "/v1/lots/{lot_id}/recall", { params, body });
            return t("lots.done", { decision: tCode("lotDecision", decision) });
          }} />
        </section>
      ) : null}
    </div>
  );
}
