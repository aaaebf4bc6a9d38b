// Second-dose reserves (INV-18): recompute a unit's reserve of a product from the first doses given, and
// see what a store can still give - usable, committed to plans, reserved, free - and the demand per unit.
import { useState } from "preact/hooks";
import { call } from "../api/client";
import { me, scopeOf } from "../auth";
import { fmtNumber, t } from "../i18n";
import { useStore } from "../store";
import { Form, optional, str } from "../ui/form";
import { DataTable } from "../ui/table";
import { usePresentations } from "./plans";

export function ReservesPage() {
  const who = useStore(me);
  const presentations = usePresentations();
  const [availability, setAvailability] = useState<Record<string, unknown> | null>(null);
  const [demand, setDemand] = useState<{ unit_id: string; population: number }[] | null>(null);
  return (
    <section>
      <h1>{t("reserves.title")}</h1>
      <div class="grid">
        {who?.role === "national_admin" ? (
          <section class="card" aria-labelledby="reserve-title">
            <h2 id="reserve-title">{t("reserves.recompute")}</h2>
            <Form id="reserve" submit="reserves.submit" fields={[
              { name: "unit_id", label: "reserves.unit", required: true, hint: t("reserves.unitHint") },
              { name: "presentation_id", label: "plans.presentation", type: "select", required: true, options: presentations },
              { name: "cohort", label: "reserves.cohort" },
              { name: "held_at_location_id", label: "reserves.heldAt", hint: t("reserves.heldAtHint") },
            ]} onSubmit={async (values) => {
              const answer = await call("allocation", "post", "/v1/second-dose-reserves", { body: {
                unit_id: str(values, "unit_id"), presentation_id: str(values, "presentation_id"), cohort: str(values, "cohort"),
                held_at_location_id: optional(str(values, "held_at_location_id")) } });
              return t("reserves.reserved", { n: fmtNumber(answer.reserved_doses ?? 0) });
            }} />
          </section>
        ) : null}
        <section class="card" aria-labelledby="availability-title">
          <h2 id="availability-title">{t("reserves.availability")}</h2>
          <Form id="availability" submit="reserves.show" silent initial={{ location_id: who?.scopes?.includes("national") ? "NAT-EPI" : "" }} fields={[
            { name: "location_id", label: "reserves.store", required: true },
            { name: "presentation_id", label: "plans.presentation", type: "select", required: true, options: presentations },
          ]} onSubmit={async (values) => {
            const answer = await call("allocation", "get", "/v1/availability", {
              query: { location_id: str(values, "location_id"), presentation_id: str(values, "presentation_id") } });
            setAvailability(answer as Record<string, unknown>);
          }} />
          {availability ? (
            <dl class="facts totals" id="availability-figures">
              {Object.entries(availability).filter(([, v]) => typeof v === "number").map(([k, v]) => (
                <div key={k}><dt>{k.replace(/_/g, " ")}</dt><dd data-figure={k}>{fmtNumber(v as number)}</dd></div>
              ))}
            </dl>
          ) : null}
        </section>
        <section class="card" aria-labelledby="demand-title">
          <h2 id="demand-title">{t("reserves.demand")}</h2>
          <Form id="demand" submit="reserves.show" silent initial={{ level: scopeOf(who, "province") ? "PROVINCE" : "NATIONAL",
                                                             province_code: scopeOf(who, "province") ?? "" }} fields={[
            { name: "level", label: "plans.level", type: "select", required: true,
              options: ["NATIONAL", "PROVINCE"].map((l) => ({ value: l, label: l })) },
            { name: "province_code", label: "plans.province" },
          ]} onSubmit={async (values) => {
            const answer = await call("allocation", "get", "/v1/demand", {
              query: { level: str(values, "level"), province_code: str(values, "province_code") } });
            setDemand(((answer as { items?: { unit_id: string; population: number }[] }).items) ?? []);
          }} />
          {demand ? <DataTable caption={t("reserves.demand")} rows={demand} rowKey={(d) => d.unit_id} columns={[
            { title: t("reserves.unit"), cell: (d) => d.unit_id },
            { title: t("reserves.population"), numeric: true, cell: (d) => fmtNumber(d.population) },
          ]} /> : null}
        </section>
      </div>
    </section>
  );
}
