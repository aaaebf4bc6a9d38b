// Today's session: choose it (./choose), open it, and see the day so far - the server's day sheet (every
// tablet's work) and this tablet's visits, each with the state of its upload.
import { me } from "../auth";
import { fmtDateTime, fmtTime, t, tCode } from "../i18n";
import { Link, navigate } from "../router";
import { useStore } from "../store";
import { DataTable } from "../ui/table";
import { openSession } from "./actions";
import { StateBadge } from "./common";
import { ChooseSession } from "./choose";
import { forgetSession } from "./journal";
import { allVisits, doseOf, site, type Visit } from "./model";
import { uploaded } from "./sync";

export function SessionPage() {
  const state = useStore(site);
  const who = useStore(me);
  if (!state.session) return <ChooseSession />;
  const session = state.session;
  const totals = (session.totals ?? {}) as Record<string, number | null | Record<string, number>>;
  const visits = allVisits(state);
  const opening = state.outbox.find((e) => e.kind === "direct" && e.direct?.path.endsWith("/open") && e.session_id === session.session_id);
  const canOpen = who?.role === "site_manager" && session.status !== "OPEN" && session.status !== "CLOSED" && !opening;
  return (
    <section>
      <h1>{t("session.title", { id: session.session_id })}</h1>
      <dl class="facts">
        <div><dt>{t("session.site")}</dt><dd>{session.site_id}</dd></div>
        <div><dt>{t("session.status")}</dt><dd id="session-status">{tCode("sessionStatus", session.status ?? "UNKNOWN")}</dd></div>
        {session.opened_at ? <div><dt>{t("session.openedAt")}</dt><dd>{fmtDateTime(session.opened_at)}</dd></div> : null}
        {session.closed_at ? <div><dt>{t("session.closedAt")}</dt><dd>{fmtDateTime(session.closed_at)}</dd></div> : null}
        {opening ? <div><dt>{t("session.opening")}</dt><dd><StateBadge state={state} seq={opening.sequence} /></dd></div> : null}
      </dl>
      <div class="actions">
        {canOpen ? (
          <button type="button" class="primary" id="open-session" onClick={async () => {
            const seq = await openSession([{ actor_id: who?.actor_id ?? "", role: "SUPERVISOR" }]);
            await uploaded(seq).catch(() => undefined);
          }}>{t("session.open")}</button>
        ) : null}
        <Link class="button" href="/site/check-in">{t("site.nav.checkIn")}</Link>
        <Link class="button" href="/site/vials">{t("site.nav.vials")}</Link>
        <Link class="button" href="/site/observation">{t("site.nav.observation")}</Link>
        <button type="button" class="link" onClick={() => void forgetSession().then(() => navigate("/site"))}>{t("session.change")}</button>
      </div>
      {session.totals ? (
        <section aria-labelledby="totals-title">
          <h2 id="totals-title">{t("session.totals")} <span class="muted">({t("session.asOf", { time: fmtTime(session.fetched_at) })})</span></h2>
          <dl class="facts totals" id="day-totals">
            {(["checked_in", "screened", "vaccinated", "postponed", "observed", "doses_opened", "doses_drawn",
               "open_vial_wastage", "usage_rate_percent"] as const).map((name) => (
              <div key={name}><dt>{t(`totals.${name}`)}</dt><dd data-total={name}>{String(totals[name] ?? "—")}</dd></div>
            ))}
          </dl>
        </section>
      ) : <p class="muted">{t("session.noSheet")}</p>}
      <DataTable<Visit> caption={t("session.visits")} rows={visits} rowKey={(v) => v.visit_id} empty={t("session.noVisits")}
        columns={[
          { title: t("visit.person"), cell: (v) => <Link href={`/site/visits/${encodeURIComponent(v.visit_id)}`}>{v.person_id || v.who}</Link> },
          { title: t("visit.checkedIn"), cell: (v) => fmtTime(v.checked_in_at) },
          { title: t("visit.screening"), cell: (v) => tCode("outcome", v.screening?.outcome) || (v.screening ? t("state.pending") : "") },
          { title: t("visit.dose"), cell: (v) => (doseOf(state, v) ? fmtTime(v.dose!.administered_at)
            : v.dose ? <StateBadge state={state} seq={v.dose.seq} /> : tCode("notAdministered", v.not_administered?.reason)) },
          { title: t("visit.observation"), cell: (v) => (v.observation ? fmtTime(v.observation.ended_at) : "") },
          { title: t("visit.state"), cell: (v) => <StateBadge state={state} seq={v.seq} remote={v.remote} /> },
        ]} />
    </section>
  );
}
