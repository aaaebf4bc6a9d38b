// Reporting a reaction after a dose (immunization's POST /v1/aefi with the citizen's own token, source
// SELF_REPORT: immunization accepts a citizen's report only for a person in their token and only from that
// source). The doses to choose from are the person's own; seriousness and its criteria as on the site's form.
import { useState } from "preact/hooks";
import { call } from "../api/client";
import { Show, useLoad } from "../console/common";
import { fmtDateTime, t } from "../i18n";
import { Link } from "../router";
import { aefiDetails, aefiFields } from "../ui/aefi";
import { Form, str, type Values } from "../ui/form";
import { toLocalInput } from "../ui/time";
import { doses } from "./data";

const OUTCOMES = ["RECOVERING", "RECOVERED", "NOT_RECOVERED", "RECOVERED_WITH_SEQUELAE", "UNKNOWN"];

export function ReactionPage({ personId }: { personId: string }) {
  const loaded = useLoad(() => doses(personId), [personId]);
  const [reported, setReported] = useState<string | null>(null);
  const submit = async (values: Values) => {
    const answer = await call("immunization", "post", "/v1/aefi", {
      headers: { "Idempotency-Key": `book:${crypto.randomUUID()}` },
      body: { person_id: personId, dose_ids: [str(values, "dose_id")], ...aefiDetails(values), source: "SELF_REPORT" },
    });
    setReported(String(answer.aefi_id ?? ""));
    return t("book.reactionReported");
  };
  return (
    <section class="book">
      <p><Link href={`/book/${encodeURIComponent(personId)}`}>← {t("book.back")}</Link></p>
      <h1>{t("book.reactionTitle")}</h1>
      <p class="muted">{t("book.reactionHint")}</p>
      <Show loaded={loaded}>{(given) => given.length === 0 ? <p>{t("book.noDoses")}</p> : (
        <Form id="book-reaction" submit="book.reactionSubmit" onSubmit={submit}
              initial={{ dose_id: given[given.length - 1].dose_id, onset_at: toLocalInput(), outcome: "RECOVERING" }}
              fields={[
                { name: "dose_id", label: "book.reactionDose", type: "select", required: true,
                  options: given.map((d) => ({ value: d.dose_id, label: `${t("book.doseN", { n: d.dose_number })} · ${
                    d.administered_at ? fmtDateTime(d.administered_at) : d.administered_date ?? ""}` })) },
                ...aefiFields(OUTCOMES),
              ]} />
      )}</Show>
      {reported ? <p class="muted" id="book-reaction-id">{t("book.reactionId", { id: reported })}</p> : null}
    </section>
  );
}
