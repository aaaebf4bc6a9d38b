// The observation list: everyone vaccinated and not yet released, with the time left of their 30 minutes.
// When someone's time is up the page says so (an alert for assistive technology too, and a vibration where
// the tablet has one) and the vaccinator completes the observation with its outcome.
import { useEffect, useRef } from "preact/hooks";
import { fmtTime, t, tCode } from "../i18n";
import { Link } from "../router";
import { useStore } from "../store";
import { Form, str } from "../ui/form";
import { DataTable } from "../ui/table";
import { clock } from "../ui/time";
import { completeObservation } from "./actions";
import { StateBadge, useNow } from "./common";
import { allVisits, doseOf, OBSERVATION_MINUTES, site, type Visit } from "./model";
import { uploaded } from "./sync";

/** Completing a person's observation with its outcome (the service refuses it before 30 minutes, INV-29). */
export function ObservationForm({ id, visit, disabled }: { id: string; visit: Visit; disabled?: boolean }) {
  return (
    <Form id={id} submit="observation.complete" disabled={disabled} fields={[
      { name: "outcome", label: "observation.outcome", type: "select", required: true,
        options: ["NO_REACTION", "MINOR_REACTION", "AEFI_REPORTED"].map((o) => ({ value: o, label: tCode("reaction", o) })) },
    ]} onSubmit={async (values) => {
      const seq = await completeObservation(visit, str(values, "outcome") as "NO_REACTION");
      return (await uploaded(seq)) === "queued" ? t("site.queued") : undefined;
    }} />
  );
}

export function dueAt(visit: Visit): Date {
  return new Date(new Date(visit.dose!.administered_at).getTime() + OBSERVATION_MINUTES * 60000);
}

export function ObservationPage() {
  const state = useStore(site);
  const now = useNow();
  const watched = allVisits(state)
    .filter((v) => doseOf(state, v) && !v.observation)
    .sort((a, b) => dueAt(a).getTime() - dueAt(b).getTime());
  const due = watched.filter((v) => dueAt(v) <= now);
  const told = useRef(0);
  useEffect(() => {
    if (due.length > told.current) navigator.vibrate?.(300);
    told.current = due.length;
  }, [due.length]);
  return (
    <section>
      <h1>{t("observation.title")}</h1>
      <div aria-live="assertive">
        {due.length ? <p class="alert" role="alert" id="observation-alert">{t("observation.alert", { n: due.length })}</p> : null}
      </div>
      <DataTable<Visit> caption={t("observation.list")} rows={watched} rowKey={(v) => v.visit_id} empty={t("observation.none")}
        rowClass={(v) => (dueAt(v) <= now ? "due" : "")}
        columns={[
          { title: t("visit.person"), cell: (v) => <Link href={`/site/visits/${encodeURIComponent(v.visit_id)}`}>{v.person_id || v.who}</Link> },
          { title: t("observation.doseAt"), cell: (v) => fmtTime(v.dose!.administered_at) },
          { title: t("observation.until"), cell: (v) => fmtTime(dueAt(v).toISOString()) },
          { title: t("observation.remaining"), cell: (v) => {
            const left = (dueAt(v).getTime() - now.getTime()) / 1000;
            return <span data-remaining={v.visit_id}>{left > 0 ? clock(left) : t("observation.due")}</span>;
          } },
          { title: t("visit.state"), cell: (v) => <StateBadge state={state} seq={v.dose!.seq} remote={v.remote} /> },
          { title: t("observation.complete"), cell: (v) => (dueAt(v) <= now ? <ObservationForm id={`observe-${v.visit_id}`} visit={v} /> : "") },
        ]} />
    </section>
  );
}
