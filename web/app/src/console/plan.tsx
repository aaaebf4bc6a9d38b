// One allocation plan as its events say: lines and what each released, who submitted and who approved
// (four eyes: the approver may not be the submitter, INV-16), and the step its status allows next -
// submit, approve or reject with a comment, release, cancel; a draft's lines can be added or removed.
import { useState } from "preact/hooks";
import { call } from "../api/client";
import { me } from "../auth";
import { fmtNumber, t, tCode } from "../i18n";
import { useStore } from "../store";
import { Form, int, str } from "../ui/form";
import { ProblemBox } from "../ui/problem";
import { DataTable } from "../ui/table";
import { Show, useLoad } from "./common";
import type { Plan, PlanLine } from "./plans";

export function PlanPage({ planId }: { planId: string }) {
  const who = useStore(me);
  const loaded = useLoad(() => call("allocation", "get", "/v1/allocation-plans/{plan_id}", { params: { plan_id: planId } }), [planId]);
  const [error, setError] = useState<unknown>(null);
  const writer = who?.role === "national_admin" || who?.role === "province_officer";
  const params = { plan_id: planId };
  const step = (path: "/v1/allocation-plans/{plan_id}/submit" | "/v1/allocation-plans/{plan_id}/approve"
    | "/v1/allocation-plans/{plan_id}/reject" | "/v1/allocation-plans/{plan_id}/cancel") => async (values: Record<string, unknown>) => {
    await call("allocation", "post", path, { params, body: { comment: String(values.comment ?? "").trim() } });
    loaded.reload();
  };
  return (
    <Show loaded={loaded}>{(raw) => {
      const plan = raw as unknown as Plan;
      return (
        <section>
          <h1>{t("plan.title", { id: plan.plan_id })}</h1>
          <dl class="facts">
            <div><dt>{t("plans.status")}</dt><dd id="plan-status"><span class={`badge ${plan.status}`}>{tCode("planStatus", plan.status)}</span></dd></div>
            <div><dt>{t("plans.level")}</dt><dd>{tCode("level", plan.level)} {plan.issuing_province_code}</dd></div>
            <div><dt>{t("plans.method")}</dt><dd>{tCode("method", plan.method)}</dd></div>
            <div><dt>{t("plans.presentation")}</dt><dd>{plan.presentation_id}</dd></div>
            <div><dt>{t("plans.source")}</dt><dd>{plan.source_location_id}</dd></div>
            <div><dt>{t("plans.lots")}</dt><dd>{plan.lot_ids.join(", ") || t("plans.anyLot")}</dd></div>
            <div><dt>{t("plan.submittedBy")}</dt><dd>{plan.submitted_by || "—"}</dd></div>
            <div><dt>{t("plan.approvedBy")}</dt><dd>{plan.approved_by || "—"}</dd></div>
          </dl>
          <DataTable<PlanLine> caption={t("plans.lines")} rows={plan.lines} rowKey={(l) => l.line_id} empty={t("plan.noLines")} columns={[
            { title: t("plan.line"), cell: (l) => <code>{l.line_id}</code> },
            { title: t("plans.recipient"), cell: (l) => `${l.recipient_unit_id} (${l.recipient_location_id || l.recipient_unit_kind})` },
            { title: t("plans.doses"), numeric: true, cell: (l) => fmtNumber(l.doses) },
            { title: t("plan.released"), numeric: true, cell: (l) => fmtNumber(l.released) },
            ...(plan.status === "DRAFT" && writer ? [{ title: t("plan.remove"), cell: (l: PlanLine) => (
              <button type="button" class="link" onClick={() => {
                call("allocation", "delete", "/v1/allocation-plans/{plan_id}/lines/{line_id}", { params: { ...params, line_id: l.line_id } })
                  .then(loaded.reload, setError);
              }}>{t("plan.remove")} {l.recipient_unit_id}</button>) }] : []),
          ]} />
          <ProblemBox error={error} />
          {writer ? <Steps key={plan.status} plan={plan} step={step} reload={loaded.reload} /> : null}
        </section>
      );
    }}</Show>
  );
}

function Steps({ plan, step, reload }: { plan: Plan; step: (path: never) => (values: Record<string, unknown>) => Promise<void>;
                                         reload: () => void }) {
  const params = { plan_id: plan.plan_id };
  const comment = [{ name: "comment", label: "plan.comment" as const, type: "textarea" as const }];
  if (plan.status === "DRAFT") {
    return (
      <div class="grid">
        <section class="card"><h2>{t("plan.addLine")}</h2>
          <Form id="add-line" submit="plan.addLine" resetOnSuccess fields={[
            { name: "recipient_unit_id", label: "plans.recipient", required: true },
            { name: "doses", label: "plans.doses", type: "number", required: true },
          ]} onSubmit={async (values) => {
            await call("allocation", "post", "/v1/allocation-plans/{plan_id}/lines", { params,
              body: { recipient_unit_id: str(values, "recipient_unit_id"), doses: int(str(values, "doses")) } });
            reload();
          }} /></section>
        <section class="card"><h2>{t("plan.submit")}</h2>
          <Form id="submit-plan" submit="plan.submit" fields={comment} onSubmit={step("/v1/allocation-plans/{plan_id}/submit" as never)} /></section>
        <section class="card"><h2>{t("plan.cancel")}</h2>
          <Form id="cancel-plan" submit="plan.cancel" fields={comment} onSubmit={step("/v1/allocation-plans/{plan_id}/cancel" as never)} /></section>
      </div>
    );
  }
  if (plan.status === "SUBMITTED") {
    return (
      <div class="grid">
        <section class="card"><h2>{t("plan.approve")}</h2><p class="muted">{t("plan.fourEyes", { who: plan.submitted_by })}</p>
          <Form id="approve-plan" submit="plan.approve" fields={comment} onSubmit={step("/v1/allocation-plans/{plan_id}/approve" as never)} /></section>
        <section class="card"><h2>{t("plan.reject")}</h2>
          <Form id="reject-plan" submit="plan.reject" fields={[{ ...comment[0], required: true }]}
                onSubmit={step("/v1/allocation-plans/{plan_id}/reject" as never)} /></section>
      </div>
    );
  }
  if (plan.status === "APPROVED") {
    return (
      <section class="card"><h2>{t("plan.release")}</h2><p class="muted">{t("plan.releaseHint")}</p>
        <Form id="release-plan" submit="plan.release" fields={[]} onSubmit={async () => {
          await call("allocation", "post", "/v1/allocation-plans/{plan_id}/release", { params, body: {} });
          reload();
        }} /></section>
    );
  }
  return null;
}
