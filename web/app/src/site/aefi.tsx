// Reporting an adverse event following immunization seen at the site (source SITE_OBSERVATION): the person
// and the dose from this session's visits, onset, symptoms, seriousness with its criteria, and the outcome.
import { me } from "../auth";
import { t } from "../i18n";
import { useLocation } from "../router";
import { useStore } from "../store";
import { aefiDetails, aefiFields } from "../ui/aefi";
import { Form, str } from "../ui/form";
import { fromLocalInput, toLocalInput } from "../ui/time";
import { reportAefi } from "./actions";
import { StateBadge } from "./common";
import { allVisits, doseOf, site } from "./model";
import { uploaded } from "./sync";

const OUTCOMES = ["RECOVERING", "RECOVERED", "NOT_RECOVERED", "RECOVERED_WITH_SEQUELAE", "FATAL", "UNKNOWN"];

export function AefiPage() {
  const state = useStore(site);
  const who = useStore(me);
  const { query } = useLocation();
  const vaccinated = allVisits(state).filter((v) => doseOf(state, v)?.dose_id && v.person_id);
  const reported = allVisits(state).filter((v) => v.aefi);
  if (who?.role !== "vaccinator" && who?.role !== "site_manager") return null;
  return (
    <section class="narrow">
      <h1>{t("aefi.title")}</h1>
      {vaccinated.length === 0 ? <p>{t("aefi.nobody")}</p> : (
        <Form id="aefi" submit="aefi.submit" initial={{ visit: query.get("visit") ?? vaccinated[0].visit_id,
                                                       onset_at: toLocalInput(), outcome: "RECOVERING" }}
              fields={[
                { name: "visit", label: "aefi.person", type: "select", required: true,
                  options: vaccinated.map((v) => ({ value: v.visit_id, label: `${v.person_id} (${v.dose!.dose_id})` })) },
                ...aefiFields(OUTCOMES),
                { name: "died_at", label: "aefi.diedAt", type: "datetime" },
              ]}
              onSubmit={async (values) => {
                const visit = vaccinated.find((v) => v.visit_id === str(values, "visit"))!;
                const seq = await reportAefi(visit, {
                  person_id: visit.person_id!, dose_ids: [visit.dose!.dose_id], ...aefiDetails(values),
                  source: "SITE_OBSERVATION",
                  died_at: str(values, "died_at") ? fromLocalInput(str(values, "died_at")) : undefined,
                });
                return (await uploaded(seq)) === "queued" ? t("site.queued") : t("aefi.reported");
              }} />
      )}
      {reported.length ? (
        <>
          <h2>{t("aefi.reportedList")}</h2>
          <ul>{reported.map((v) => <li key={v.visit_id}>{v.person_id} · {v.aefi!.aefi_id} <StateBadge state={state} seq={v.aefi!.seq} /></li>)}</ul>
        </>
      ) : null}
    </section>
  );
}
