// One person's visit: the check-in, the screening (questionnaire, then the outcome explained), the dose from
// an open vial or the reason none was given, and the observation - each with the state of its upload.
import { Link } from "../router";
import { fmtTime, t, tCode } from "../i18n";
import { useStore } from "../store";
import { Form, int, str } from "../ui/form";
import { clock } from "../ui/time";
import { type DoseInput, notAdministered, recordDose, screen } from "./actions";
import { StateBadge, useNow } from "./common";
import { allVials, allVisits, doseOf, OBSERVATION_MINUTES, site, usableVial } from "./model";
import { ObservationForm } from "./observation";
import { OutcomeExplained, Questionnaire } from "./screening";
import { uploaded } from "./sync";

const GIVES_DOSE = new Set(["ELIGIBLE", "ELIGIBLE_WITH_CAUTION"]);

export function VisitPage({ visitId }: { visitId: string }) {
  const state = useStore(site);
  const now = useNow();
  const visit = allVisits(state).find((v) => v.visit_id === visitId);
  if (!visit) return <p>{t("visit.unknown")}</p>;
  const vials = allVials(state).filter((v) => usableVial(v, state, now));
  const checkInRefused = state.outbox.find((e) => e.sequence === visit.seq)?.status === "rejected";
  const outcome = visit.screening?.outcome;
  const dose = doseOf(state, visit);
  const due = dose ? new Date(new Date(dose.administered_at).getTime() + OBSERVATION_MINUTES * 60000) : null;
  const left = due ? (due.getTime() - now.getTime()) / 1000 : 0;
  const closed = Boolean(dose || visit.not_administered);

  return (
    <section>
      <h1>{t("visit.title", { who: visit.person_id || visit.who })}</h1>
      <p>{t("visit.checkedInAt", { time: fmtTime(visit.checked_in_at) })} <StateBadge state={state} seq={visit.seq} remote={visit.remote} /></p>
      {checkInRefused ? <p class="notice">{t("visit.checkInRefused")} <Link href="/site/check-in">{t("site.nav.checkIn")}</Link></p> : null}

      <section aria-labelledby="screening-title" class="card">
        <h2 id="screening-title">{t("visit.screening")}</h2>
        {visit.screening ? (
          <>
            {visit.screening.seq >= 0 ? <p><StateBadge state={state} seq={visit.screening.seq} /></p> : null}
            <OutcomeExplained screening={visit.screening} />
          </>
        ) : checkInRefused ? null : (
          <Questionnaire onSubmit={async (body) => {
            const seq = await screen(visit, body);
            return (await uploaded(seq)) === "queued" ? t("site.queued") : undefined;
          }} />
        )}
      </section>

      {visit.screening && !closed && !checkInRefused ? (
        <section aria-labelledby="dose-title" class="card">
          <h2 id="dose-title">{t("visit.dose")}</h2>
          {visit.dose && !dose ? <p>{t("dose.refused")} <StateBadge state={state} seq={visit.dose.seq} /></p> : null}
          {outcome && !GIVES_DOSE.has(outcome) ? <p class="notice">{t("dose.notEligible", { outcome: tCode("outcome", outcome) })}</p> : null}
          {!outcome ? <p class="notice">{t("dose.outcomeUnknown")}</p> : null}
          {vials.length === 0 ? <p>{t("dose.noVial")} <Link href="/site/vials">{t("site.nav.vials")}</Link></p> : (
            <Form id="dose" submit="dose.submit" fields={[
              { name: "vial_opening_id", label: "dose.vial", type: "select", required: true,
                options: vials.map((v) => ({ value: v.vial_opening_id,
                  label: `${v.lot_id} · ${fmtTime(v.opened_at)} · ${v.drawn}/${v.doses_in_vial ?? "?"}` })) },
              { name: "series", label: "dose.series", type: "select", required: true,
                options: ["PRIMARY", "ADDITIONAL", "BOOSTER"].map((s) => ({ value: s, label: tCode("series", s) })) },
              { name: "dose_number", label: "dose.number", type: "number", required: true },
              { name: "route", label: "dose.route", type: "select", required: true,
                options: ["IM", "SC", "ID"].map((r) => ({ value: r, label: r })) },
              { name: "body_site", label: "dose.bodySite", type: "select", required: true,
                options: ["LEFT_DELTOID", "RIGHT_DELTOID", "LEFT_THIGH", "RIGHT_THIGH"].map((b) => ({ value: b, label: tCode("bodySite", b) })) },
              { name: "heterologous_consent", label: "dose.consent", type: "checkbox" },
            ]} initial={{ dose_number: "1" }} onSubmit={async (values) => {
              const vial = vials.find((v) => v.vial_opening_id === str(values, "vial_opening_id"))!;
              const seq = await recordDose(visit, { vial, series: str(values, "series") as DoseInput["series"],
                doseNumber: int(str(values, "dose_number")), route: str(values, "route") as DoseInput["route"],
                bodySite: str(values, "body_site") as DoseInput["bodySite"], heterologousConsent: values.heterologous_consent === true });
              return (await uploaded(seq)) === "queued" ? t("site.queued") : undefined;
            }} />
          )}
          <Form id="not-administered" submit="dose.notAdministered" fields={[
            { name: "reason", label: "dose.reason", type: "select", required: true,
              options: ["POSTPONED", "CONTRAINDICATED", "REFUSED", "STOCK_OUT"].map((r) => ({ value: r, label: tCode("notAdministered", r) })) },
          ]} initial={{ reason: outcome === "CONTRAINDICATED" ? "CONTRAINDICATED" : "POSTPONED" }} onSubmit={async (values) => {
            const seq = await notAdministered(visit, str(values, "reason") as "POSTPONED");
            return (await uploaded(seq)) === "queued" ? t("site.queued") : undefined;
          }} />
        </section>
      ) : null}

      {dose ? (
        <section aria-labelledby="given-title" class="card">
          <h2 id="given-title">{t("visit.doseGiven")}</h2>
          <p>{t("dose.givenAt", { time: fmtTime(dose.administered_at) })} {dose.seq !== undefined
            ? <StateBadge state={state} seq={dose.seq} /> : null}</p>
          {visit.observation ? (
            <p>{t("observation.doneAt", { time: fmtTime(visit.observation.ended_at), outcome: tCode("reaction", visit.observation.outcome) })}
              {visit.observation.seq !== undefined ? <StateBadge state={state} seq={visit.observation.seq} /> : null}</p>
          ) : (
            <>
              <p class={left <= 0 ? "due" : ""}>{left > 0 ? t("observation.left", { time: clock(left) }) : t("observation.due")}</p>
              <ObservationForm id="observation" visit={visit} disabled={left > 0} />
            </>
          )}
          <p><Link href={`/site/aefi?visit=${encodeURIComponent(visit.visit_id)}`}>{t("aefi.report")}</Link></p>
        </section>
      ) : null}
      {visit.not_administered ? (
        <p class="card">{t("dose.noneGiven", { reason: tCode("notAdministered", visit.not_administered.reason) })}
          {visit.not_administered.seq !== undefined ? <StateBadge state={state} seq={visit.not_administered.seq} /> : null}</p>
      ) : null}
    </section>
  );
}
