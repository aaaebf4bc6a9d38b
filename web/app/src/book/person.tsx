// One person's book (/book/<person id>): approval status and district; the appointment - book one of the
// sessions planned in the person's district, cancel it or move it; every dose, the next one and when; the
// certificates with their QR (certificates.tsx). The page reads again every few seconds, so a dose given at
// the site shows up by itself (docs/ui.md gives the time it takes).
import { useEffect } from "preact/hooks";
import { oidcLoginUrl } from "../auth";
import { Show, useLoad } from "../console/common";
import { fmtDateTime, t, tCode } from "../i18n";
import { Link } from "../router";
import { DataTable } from "../ui/table";
import { AppointmentCard } from "./appointment";
import { Certificates } from "./certificates";
import { certificates, covered, doses, nextDose, registration } from "./data";
import { StatusBadge } from "./home";

export const REFRESH_MS = 3000;

async function loadBook(personId: string) {
  if (!covered(personId)) {  // the token does not name them (yet): registration alone admits the account
    return { person: await registration(personId), doses: [], next: null, current: {}, uncovered: true };
  }
  const [person, given, next, current] = await Promise.all([
    registration(personId), doses(personId), nextDose(personId), certificates(personId)]);
  return { person, doses: given, next, current, uncovered: false };
}

export function PersonPage({ personId }: { personId: string }) {
  const loaded = useLoad(() => loadBook(personId), [personId]);
  useEffect(() => {
    const timer = window.setInterval(() => document.visibilityState === "visible" && loaded.reload(), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [loaded.reload]);
  return (
    <section class="book">
      <p><Link href="/book">← {t("book.household")}</Link></p>
      <Show loaded={loaded}>{({ person, doses: given, next, current, uncovered }) => (
        <>
          <h1>{person.details.full_name}</h1>
          <dl class="facts" id="book-status">
            <div><dt>{t("book.status")}</dt><dd><StatusBadge status={person.status} /></dd></div>
            <div><dt>{t("book.district")}</dt><dd id="book-district">{person.district?.district_health_centre_id ?? t("book.notAssigned")}</dd></div>
            <div><dt>{t("book.dateOfBirth")}</dt><dd>{person.details.date_of_birth}</dd></div>
          </dl>
          {person.status === "PENDING" ? <p class="notice">{t("book.pendingHint")}</p> : null}
          {person.status === "REJECTED" ? <p class="notice">{t("book.rejectedHint", { reason: person.decision?.reason ?? "" })}</p> : null}
          {uncovered ? <p class="notice" id="book-sign-in-again">{t("book.signInAgain")} <a href={oidcLoginUrl(
            `/book/${encodeURIComponent(person.person_id)}`)}>{t("signin.title")}</a></p> : null}
          <AppointmentCard person={person} next={next} onChange={loaded.reload} />
          <h2>{t("book.doses")}</h2>
          <div id="book-doses"><DataTable caption={t("book.dosesCaption")} rowKey={(d) => d.dose_id} rows={given} empty={t("book.noDoses")}
                     columns={[
                       { title: t("book.doseNumber"), cell: (d) => `${d.dose_number} (${tCode("series", d.series)})` },
                       { title: t("book.doseDate"), cell: (d) => d.administered_at ? fmtDateTime(d.administered_at) : d.administered_date ?? "" },
                       { title: t("book.vaccine"), cell: (d) => d.product || d.presentation_id || "" },
                       { title: t("book.lot"), cell: (d) => d.lot_number ?? "" },
                       { title: t("book.where"), cell: (d) => d.site_id || (d.historical ? t("book.historical") : "") },
                     ]} /></div>
          <div class="card" id="book-next-dose">
            <h2>{t("book.nextDose")}</h2>
            {next ? (
              <p>{t("book.nextDoseText", { n: next.dose_number, series: tCode("series", next.series), due: next.due_date,
                                         earliest: next.earliest_date })}
                {next.latest_date ? ` ${t("book.nextDoseLatest", { latest: next.latest_date })}` : ""}</p>
            ) : <p>{given.length ? t("book.noNextDose") : t("book.noNextDoseYet")}</p>}
          </div>
          <Certificates personId={person.person_id} current={current} />
          {given.length ? (
            <p><Link class="button" id="book-reaction-link" href={`/book/${encodeURIComponent(person.person_id)}/reaction`}>
              {t("book.reactionLink")}</Link></p>
          ) : null}
        </>
      )}</Show>
    </section>
  );
}
