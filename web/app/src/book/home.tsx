// The household (/book): everyone registered from the citizen's account - self and family - with their
// approval status, the district health centre they are assigned to and their appointment; one tap opens a
// person's book. The token is first widened to the account's persons (data.ts, refreshHousehold).
import { Show, useLoad } from "../console/common";
import { fmtDateTime, t, tCode } from "../i18n";
import { Link } from "../router";
import { household, refreshHousehold, registration, type Registration } from "./data";

/** The household with each person's registration, the token first widened to the account's persons. */
export async function loadHousehold(): Promise<Registration[]> {
  await refreshHousehold();
  const members = await household();
  return Promise.all(members.map((m) => registration(m.person_id)));
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge ${status}`}>{tCode("personStatus", status)}</span>;
}

export function HouseholdPage() {
  const loaded = useLoad(loadHousehold, []);
  return (
    <section class="book">
      <h1>{t("book.title")}</h1>
      <p class="muted">{t("book.intro")}</p>
      <Show loaded={loaded}>{(people) => (
        people.length === 0 ? <p id="book-empty">{t("book.nobody")}</p> : (
          <ul class="household" id="household">{people.map((p) => (
            <li key={p.person_id} class="card">
              <h2><Link href={`/book/${encodeURIComponent(p.person_id)}`}>{p.details.full_name}</Link></h2>
              <p class="muted">{tCode("relationship", p.details.relationship || "SELF")} · {p.details.date_of_birth}</p>
              <dl class="facts">
                <div><dt>{t("book.status")}</dt><dd><StatusBadge status={p.status} /></dd></div>
                <div><dt>{t("book.district")}</dt><dd>{p.district?.district_health_centre_id ?? t("book.notAssigned")}</dd></div>
                <div><dt>{t("book.appointment")}</dt>
                  <dd>{p.appointment ? `${fmtDateTime(p.appointment.slot_start)} · ${p.appointment.site_id}` : t("book.noAppointment")}</dd></div>
              </dl>
            </li>
          ))}</ul>
        ))}
      </Show>
      <p><Link class="button primary" href="/book/register" id="book-register-link">{t("book.registerLink")}</Link></p>
    </section>
  );
}
