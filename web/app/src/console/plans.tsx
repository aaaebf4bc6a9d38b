// Allocation plans: the plans the caller's scope covers, and a new draft - proposed by the service from its
// read models (POPULATION, PRIORITY_WEIGHTED or PROGRESS over `total_doses`) or given line by line (MANUAL).
import { call, type BodyOf } from "../api/client";
import { me, scopeOf } from "../auth";
import { fmtNumber, t, tCode } from "../i18n";
import { Link, navigate } from "../router";
import { useStore } from "../store";
import { Form, int, list, optional, rows, str, type Values } from "../ui/form";
import { DataTable } from "../ui/table";
import { localDate } from "../ui/time";
import { Show, useLoad } from "./common";

export interface PlanLine {
  line_id: string;
  recipient_unit_id: string;
  recipient_unit_kind: string;
  recipient_location_id: string;
  doses: number;
  released: number;
  series: string;
  dose_number: number;
}

export interface Plan {
  plan_id: string;
  level: string;
  status: string;
  method: string;
  presentation_id: string;
  source_location_id: string;
  issuing_province_code: string;
  total_doses: number;
  submitted_by: string;
  approved_by: string;
  lot_ids: string[];
  lines: PlanLine[];
}

export const METHODS = ["MANUAL", "POPULATION", "PRIORITY_WEIGHTED", "PROGRESS"];

export function usePresentations(): { value: string; label: string }[] {
  const loaded = useLoad(() => call("inventory", "get", "/v1/presentations"), []);
  return (loaded.data?.items ?? []).map((p) => ({ value: p.presentation_id, label: `${p.presentation_id} (${p.doses_per_vial})` }));
}

function draftBody(values: Values): BodyOf<"allocation", "post", "/v1/allocation-plans"> {
  const manual = str(values, "method") === "MANUAL";
  return {
    plan_id: optional(str(values, "plan_id")), level: str(values, "level") as "NATIONAL",
    province_code: str(values, "province_code"), presentation_id: str(values, "presentation_id"),
    method: str(values, "method") as "MANUAL", funding_source: str(values, "funding_source") as "COVAX",
    legal_reference: str(values, "legal_reference"), completion_deadline_date: str(values, "completion_deadline_date"),
    series: str(values, "series") as "PRIMARY", dose_number: int(str(values, "dose_number")),
    lot_ids: list(str(values, "lot_ids")), recipients: list(str(values, "recipients")),
    source_location_id: optional(str(values, "source_location_id")),
    total_doses: manual ? undefined : int(str(values, "total_doses")),
    lines: manual ? rows(values, "lines").map((line) => ({ recipient_unit_id: String(line.recipient_unit_id).trim(),
                                                             doses: int(line.doses) })) : [],
  };
}

export function PlansPage() {
  const who = useStore(me);
  const presentations = usePresentations();
  const plans = useLoad(() => call("allocation", "get", "/v1/allocation-plans"), []);
  const province = scopeOf(who, "province");
  const canDraft = who?.role === "national_admin" || who?.role === "province_officer";
  return (
    <section>
      <h1>{t("plans.title")}</h1>
      <Show loaded={plans}>{(data) => (
        <DataTable<Plan> caption={t("plans.list")} rows={(data.items ?? []) as Plan[]} rowKey={(p) => p.plan_id}
          empty={t("plans.none")} columns={[
            { title: t("plans.id"), cell: (p) => <Link href={`/console/plans/${encodeURIComponent(p.plan_id)}`}>{p.plan_id}</Link> },
            { title: t("plans.level"), cell: (p) => `${p.level}${p.issuing_province_code ? ` ${p.issuing_province_code}` : ""}` },
            { title: t("plans.method"), cell: (p) => tCode("method", p.method) },
            { title: t("plans.presentation"), cell: (p) => p.presentation_id },
            { title: t("plans.doses"), numeric: true, cell: (p) => fmtNumber(p.lines.reduce((s, l) => s + l.doses, 0)) },
            { title: t("plans.status"), cell: (p) => <span class={`badge ${p.status}`}>{tCode("planStatus", p.status)}</span> },
          ]} />
      )}</Show>
      {canDraft ? (
        <section class="card" aria-labelledby="draft-title">
          <h2 id="draft-title">{t("plans.draft")}</h2>
          <p class="muted">{t("plans.methodsHint")}</p>
          <Form id="draft-plan" submit="plans.draftSubmit" initial={{
            level: province ? "PROVINCE" : "NATIONAL", province_code: province ?? "", method: "MANUAL", funding_source: "COVAX",
            series: "PRIMARY", dose_number: "1", completion_deadline_date: localDate(60) }} fields={[
            { name: "plan_id", label: "plans.id", hint: t("plans.idHint") },
            { name: "level", label: "plans.level", type: "select", required: true,
              options: ["NATIONAL", "PROVINCE"].map((l) => ({ value: l, label: tCode("level", l) })) },
            { name: "province_code", label: "plans.province" },
            { name: "presentation_id", label: "plans.presentation", type: "select", required: true, options: presentations },
            { name: "method", label: "plans.method", type: "select", required: true,
              options: METHODS.map((m) => ({ value: m, label: tCode("method", m) })) },
            { name: "total_doses", label: "plans.totalDoses", type: "number", hint: t("plans.totalHint") },
            { name: "recipients", label: "plans.recipients", hint: t("plans.recipientsHint") },
            { name: "lot_ids", label: "plans.lots", hint: t("plans.lotsHint") },
            { name: "source_location_id", label: "plans.source", hint: t("plans.sourceHint") },
            { name: "funding_source", label: "plans.funding", type: "select", required: true,
              options: ["COVAX", "PURCHASE", "DONATION"].map((f) => ({ value: f, label: f })) },
            { name: "legal_reference", label: "plans.legal", required: true },
            { name: "completion_deadline_date", label: "plans.deadline", type: "date", required: true },
            { name: "series", label: "dose.series", type: "select", required: true,
              options: ["PRIMARY", "ADDITIONAL", "BOOSTER"].map((s) => ({ value: s, label: tCode("series", s) })) },
            { name: "dose_number", label: "dose.number", type: "number", required: true },
            { name: "lines", label: "plans.lines", type: "lines", columns: [
              { name: "recipient_unit_id", label: "plans.recipient" }, { name: "doses", label: "plans.doses", type: "number" }] },
          ]} onSubmit={async (values) => {
            const answer = await call("allocation", "post", "/v1/allocation-plans", { body: draftBody(values) });
            navigate(`/console/plans/${encodeURIComponent(answer.id)}`);
          }} />
        </section>
      ) : null}
    </section>
  );
}
