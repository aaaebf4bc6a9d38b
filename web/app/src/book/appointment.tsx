// The appointment: book one of the sessions planned in the person's district (immunization's public list of
// sessions; registration books it within the session's capacity), cancel it, or move it to another session
// (registration cancels and books in one step). Only an approved person assigned to a district can book:
// registration refuses anything else and the refusal is shown as it said it.
import { fmtDateTime, fmtTime, t } from "../i18n";
import { useLoad } from "../console/common";
import { Form, str, type Values } from "../ui/form";
import { book, cancel, move, type NextDose, type Registration, sessions, type Session } from "./data";

const label = (s: Session) => `${s.session_date} ${fmtTime(s.starts_at)}–${fmtTime(s.ends_at)} · ${s.site_id}`;

export function AppointmentCard({ person, next, onChange }: { person: Registration; next: NextDose | null;
                                                             onChange: () => void }) {
  const district = person.district?.district_code ?? "";
  const loaded = useLoad(() => (district ? sessions(district) : Promise.resolve([])), [district]);
  const current = person.appointment;
  const open = (loaded.data ?? []).filter((s) => s.session_id !== current?.session_id);
  const options = open.map((s) => ({ value: s.session_id, label: label(s) }));
  const id = person.person_id;

  if (person.status !== "APPROVED" || !person.district) {
    return <div class="card" id="book-appointment"><h2>{t("book.appointment")}</h2><p>{t("book.bookAfterApproval")}</p></div>;
  }
  const booked = async (values: Values) => {
    await book(id, str(values, "session_id"), next?.dose_number ?? 1);
    onChange();
    return t("book.booked");
  };
  const moved = async (values: Values) => {
    await move(id, str(values, "session_id"), str(values, "reason") || "citizen moved the appointment");
    onChange();
    return t("book.moved");
  };
  const cancelled = async (values: Values) => {
    await cancel(id, str(values, "reason") || "citizen cancelled the appointment");
    onChange();
    return t("book.cancelled");
  };
  return (
    <div class="card" id="book-appointment">
      <h2>{t("book.appointment")}</h2>
      {current ? (
        <>
          <p id="book-appointment-now"><strong>{fmtDateTime(current.slot_start)}</strong> – {fmtTime(current.slot_end)}
            {" · "}{t("book.atSite", { site: current.site_id })} · {t("book.doseN", { n: current.dose_number })}</p>
          <details>
            <summary>{t("book.moveTitle")}</summary>
            {options.length ? (
              <Form id="book-move" submit="book.moveSubmit" onSubmit={moved} fields={[
                { name: "session_id", label: "book.session", type: "select", required: true, options },
                { name: "reason", label: "book.reason" },
              ]} />
            ) : <p>{t("book.noOtherSession")}</p>}
          </details>
          <details>
            <summary>{t("book.cancelTitle")}</summary>
            <Form id="book-cancel" submit="book.cancelSubmit" onSubmit={cancelled} fields={[
              { name: "reason", label: "book.reason" },
            ]} />
          </details>
        </>
      ) : options.length ? (
        <Form id="book-book" submit="book.bookSubmit" onSubmit={booked} fields={[
          { name: "session_id", label: "book.session", type: "select", required: true, options,
            hint: t("book.sessionHint", { district }) },
        ]} />
      ) : <p>{loaded.loading ? t("app.loading") : t("book.noSession")}</p>}
    </div>
  );
}
