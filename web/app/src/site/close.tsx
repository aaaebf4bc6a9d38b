// Closing the session: account for every vial opened today (doses in it, drawn, left over), the day's
// open-vial wastage and usage rate, then close - discarding the vials still open in the same step.
import { me } from "../auth";
import { fmtTime, t, tCode } from "../i18n";
import { useStore } from "../store";
import { DataTable } from "../ui/table";
import { closeSession } from "./actions";
import { StateBadge } from "./common";
import { allVials, pendingCount, site, statusOf, type Vial } from "./model";
import { uploaded } from "./sync";
import { useState } from "preact/hooks";
import { ProblemBox } from "../ui/problem";

export function ClosePage() {
  const state = useStore(site);
  const who = useStore(me);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const vials = allVials(state).filter((v) => statusOf(state, v.seq, v.remote) !== "rejected");
  const known = vials.filter((v) => v.doses_in_vial !== undefined);
  const opened = known.reduce((sum, v) => sum + (v.doses_in_vial ?? 0), 0);
  const drawn = vials.reduce((sum, v) => sum + v.drawn, 0);
  const residual = known.reduce((sum, v) => sum + Math.max(0, (v.doses_in_vial ?? 0) - v.drawn), 0);
  const stillOpen = vials.filter((v) => !v.discarded).length;
  const pending = pendingCount(state);
  const closing = state.outbox.find((e) => e.kind === "direct" && e.direct?.path.endsWith("/close") && e.session_id === state.session?.session_id);
  const close = async (discard: boolean) => {
    setError(null);
    setBusy(true);
    try {
      await uploaded(await closeSession(discard));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section>
      <h1>{t("close.title")}</h1>
      <DataTable<Vial> caption={t("close.vials")} rows={vials} rowKey={(v) => v.vial_opening_id} empty={t("vials.none")} columns={[
        { title: t("vials.lot"), cell: (v) => v.lot_id },
        { title: t("vials.openedAt"), cell: (v) => fmtTime(v.opened_at) },
        { title: t("close.inVial"), numeric: true, cell: (v) => String(v.doses_in_vial ?? "?") },
        { title: t("close.drawn"), numeric: true, cell: (v) => String(v.drawn) },
        { title: t("close.residual"), numeric: true, cell: (v) => (v.doses_in_vial === undefined ? "?" : String(Math.max(0, v.doses_in_vial - v.drawn))) },
        { title: t("close.status"), cell: (v) => (v.discarded ? tCode("discardReason", v.discarded.reason) : t("close.open")) },
      ]} />
      <dl class="facts totals" id="vial-accounting">
        <div><dt>{t("totals.doses_opened")}</dt><dd>{opened}</dd></div>
        <div><dt>{t("totals.doses_drawn")}</dt><dd>{drawn}</dd></div>
        <div><dt>{t("totals.open_vial_wastage")}</dt><dd data-total="wastage">{residual}</dd></div>
        <div><dt>{t("totals.usage_rate_percent")}</dt><dd>{opened ? `${Math.round((1000 * drawn) / opened) / 10} %` : "—"}</dd></div>
        <div><dt>{t("close.wastageRate")}</dt><dd>{opened ? `${Math.round((1000 * residual) / opened) / 10} %` : "—"}</dd></div>
      </dl>
      {pending ? <p class="notice">{t("close.pending", { n: pending })}</p> : null}
      {state.session?.status === "CLOSED" ? <p class="done" role="status" id="session-closed">{t("close.closed")}</p> : null}
      {closing ? <p>{t("close.closing")} <StateBadge state={state} seq={closing.sequence} /></p> : null}
      <ProblemBox error={error} />
      {who?.role === "site_manager" && state.session?.status !== "CLOSED" ? (
        <div class="actions">
          <button type="button" class="primary" id="close-session" disabled={busy} onClick={() => void close(true)}>
            {stillOpen ? t("close.discardAndClose", { n: stillOpen }) : t("close.submit")}</button>
        </div>
      ) : null}
      {who?.role !== "site_manager" ? <p class="muted">{t("close.managerOnly")}</p> : null}
    </section>
  );
}
