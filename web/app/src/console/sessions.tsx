// District session planning and dispensing: plan a vaccination session at one of the district's sites
// (INV-19: within what the district can dispense), then dispense doses from the district store to it; the
// supply the district store holds is shown to plan against.
import { useState } from "preact/hooks";
import { call } from "../api/client";
import { me, scopeOf } from "../auth";
import { fmtNumber, t } from "../i18n";
import { useStore } from "../store";
import { Form, int, list, rows, str } from "../ui/form";
import { DataTable } from "../ui/table";
import { fromLocalInput, localDate, toLocalInput } from "../ui/time";
import { locationOptions, useLocations } from "./common";
import { usePresentations } from "./plans";

interface SupplyRow {
  lot_id: string;
  on_hand: number;
}

export function SessionsPage() {
  const who = useStore(me);
  const district = scopeOf(who, "district") ?? "";
  const centre = `DHC-${district}`;
  const sites = useLocations({ kind: "SITE", parent_id: centre });
  const presentations = usePresentations();
  const [planned, setPlanned] = useState<string[]>([]);
  const [supply, setSupply] = useState<SupplyRow[] | null>(null);
  const start = new Date(Date.now() + 30 * 60000);
  return (
    <section>
      <h1>{t("sessions.title", { district })}</h1>
      <div class="grid">
        <section class="card" aria-labelledby="plan-session-title">
          <h2 id="plan-session-title">{t("sessions.plan")}</h2>
          <Form id="plan-session" submit="sessions.planSubmit" initial={{
            session_id: `SES-${district}-${localDate().replace(/-/g, "")}-${Math.random().toString(36).slice(2, 6).toUpperCase()}`,
            session_date: localDate(0, start), starts_at: toLocalInput(start),
            ends_at: toLocalInput(new Date(start.getTime() + 4 * 3600_000)), injection_tables: "1",
            planned_persons: "30", planned_doses: "30", target_dose_numbers: "1" }} fields={[
            { name: "session_id", label: "sessions.id", required: true },
            { name: "site_id", label: "sessions.site", type: "select", required: true, options: locationOptions(sites) },
            { name: "session_date", label: "sessions.date", type: "date", required: true },
            { name: "starts_at", label: "sessions.starts", type: "datetime", required: true },
            { name: "ends_at", label: "sessions.ends", type: "datetime", required: true },
            { name: "injection_tables", label: "sessions.tables", type: "number", required: true },
            { name: "presentation_id", label: "plans.presentation", type: "select", required: true, options: presentations },
            { name: "planned_persons", label: "sessions.persons", type: "number", required: true },
            { name: "planned_doses", label: "sessions.doses", type: "number", required: true },
            { name: "priority_group_codes", label: "sessions.groups", hint: t("sessions.groupsHint") },
            { name: "target_dose_numbers", label: "sessions.doseNumbers" },
          ]} onSubmit={async (values) => {
            const answer = await call("allocation", "post", "/v1/sessions", { body: {
              session_id: str(values, "session_id"), site_id: str(values, "site_id"), session_date: str(values, "session_date"),
              starts_at: fromLocalInput(str(values, "starts_at")), ends_at: fromLocalInput(str(values, "ends_at")),
              injection_tables: int(str(values, "injection_tables")), presentation_id: str(values, "presentation_id"),
              planned_persons: int(str(values, "planned_persons")), planned_doses: int(str(values, "planned_doses")),
              priority_group_codes: list(str(values, "priority_group_codes")),
              target_dose_numbers: list(str(values, "target_dose_numbers")).map(int) } });
            setPlanned((old) => [answer.id, ...old]);
            return t("sessions.planned", { id: answer.id });
          }} />
        </section>
        <section class="card" aria-labelledby="dispense-title">
          <h2 id="dispense-title">{t("sessions.dispense")}</h2>
          <Form id="dispense" submit="sessions.dispenseSubmit" initial={{ session_id: planned[0] ?? "" }} key={planned[0]} fields={[
            { name: "session_id", label: "sessions.id", required: true, suggestions: planned },
            { name: "lines", label: "sessions.lines", type: "lines", columns: [
              { name: "lot_id", label: "vials.lot" }, { name: "doses", label: "plans.doses", type: "number" },
              { name: "vials", label: "sessions.vials", type: "number" }] },
          ]} onSubmit={async (values) => {
            await call("allocation", "post", "/v1/sessions/{session_id}/dispensations", {
              params: { session_id: str(values, "session_id") },
              body: { lines: rows(values, "lines").map((l) => ({ lot_id: String(l.lot_id).trim(), doses: int(l.doses), vials: int(l.vials) })) } });
            return t("sessions.dispensed");
          }} />
        </section>
        <section class="card" aria-labelledby="supply-title">
          <h2 id="supply-title">{t("sessions.supply", { store: centre })}</h2>
          <Form id="supply" submit="reserves.show" silent fields={[
            { name: "presentation_id", label: "plans.presentation", type: "select", required: true, options: presentations },
          ]} onSubmit={async (values) => {
            const answer = await call("allocation", "get", "/v1/supply", { query: { location_id: centre,
              presentation_id: str(values, "presentation_id") } });
            setSupply(((answer as { items?: SupplyRow[] }).items) ?? []);
          }} />
          {supply ? <DataTable<SupplyRow> caption={t("sessions.supply", { store: centre })} rows={supply} rowKey={(r) => r.lot_id}
            columns={[{ title: t("vials.lot"), cell: (r) => r.lot_id },
                      { title: t("sessions.onHand"), numeric: true, cell: (r) => fmtNumber(r.on_hand) }]} /> : null}
        </section>
      </div>
    </section>
  );
}
