// Choosing today's session: the site's sessions of the day from the service (the last list fetched when
// offline), each chosen with one tap; typing the id the district gave (or a recent one) still works.
import { useEffect, useState } from "preact/hooks";
import { me, scopeOf } from "../auth";
import { fmtDateTime, fmtTime, t, tCode } from "../i18n";
import { useStore } from "../store";
import { Form, str } from "../ui/form";
import { ProblemBox } from "../ui/problem";
import { DataTable } from "../ui/table";
import { chooseSession } from "./journal";
import { type DaySession, site } from "./model";
import { daySessionsOf, refreshDaySessions } from "./today";

export function ChooseSession() {
  const state = useStore(site);
  const siteId = scopeOf(useStore(me), "site");
  const [offline, setOffline] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
  useEffect(() => {
    if (!siteId) return;
    refreshDaySessions(siteId).then((how) => setOffline(how === "offline"),
                                    setProblem);
  }, [siteId]);
  const kept = daySessionsOf(siteId);
  const use = (id: string) => void chooseSession(id, siteId ?? "");
  return (
    <section class="narrow">
      <h1>{t("session.choose")}</h1>
      {!siteId ? <p class="problem" role="alert">{t("session.noSite")}</p> : null}
      <ProblemBox error={problem} />
      {kept ? (
        <>
          <p class="muted" id="day-sessions-as-of" aria-live="polite">
            {t(offline ? "session.listOffline" : "session.listAsOf", { time: fmtDateTime(kept.fetched_at) })}
          </p>
          <DataTable<DaySession> caption={t("session.today", { date: kept.date })} rows={kept.items}
            rowKey={(s) => s.session_id} empty={t("session.noneToday")} columns={[
              { title: t("session.id"), cell: (s) => (
                <button type="button" data-session={s.session_id} onClick={() => use(s.session_id)}>{s.session_id}</button>) },
              { title: t("session.hours"), cell: (s) => `${fmtTime(s.starts_at)}–${fmtTime(s.ends_at)}` },
              { title: t("session.product"), cell: (s) => s.vaccine_code ?? s.presentation_id },
              { title: t("session.status"), cell: (s) => tCode("sessionStatus", s.status) },
            ]} />
        </>
      ) : null}
      <h2>{t("session.byId")}</h2>
      <Form id="choose-session" submit="session.use" fields={[
        { name: "session_id", label: "session.id", required: true, hint: t("session.idHint"), suggestions: state.recent },
      ]} onSubmit={async (values) => {
        await chooseSession(str(values, "session_id"), siteId ?? "");
      }} />
      {state.recent.length ? (
        <>
          <h2>{t("session.recent")}</h2>
          <ul class="chips">{state.recent.map((id) => (
            <li key={id}><button type="button" onClick={() => use(id)}>{id}</button></li>
          ))}</ul>
        </>
      ) : null}
    </section>
  );
}
