// A walk-in: someone not registered turns up. The site registers them on the spot (registration's
// `POST /v1/persons`, channel ON_SITE, naming the site), approves them under the site's standing delegation
// (`POST /v1/persons/{id}/walk-in-approval` for today's session: the approval names the rule and the approver,
// and assigns them to the site's district centre), and checks them in within the same visit (docs/ui.md).
import { useState } from "preact/hooks";
import { call } from "../api/client";
import { Problem } from "../api/problem";
import { me, scopeOf } from "../auth";
import { t, tCode } from "../i18n";
import { useStore } from "../store";
import { Form, str, type Values } from "../ui/form";
import { personBody, personFields } from "../ui/person";
import { ProblemBox } from "../ui/problem";
import { approveWalkIn, registerWalkIn } from "./actions";
import { site } from "./model";
import { uploaded } from "./sync";

export function WalkInPage() {
  const who = useStore(me);
  const state = useStore(site);
  const [person, setPerson] = useState<string | null>(null);
  const [label, setLabel] = useState("");
  const [approval, setApproval] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const siteId = scopeOf(who, "site") ?? "";
  const home = /^S-(\d{2})-(\d{3})-/.exec(siteId);

  const submit = async (values: Values) => {
    const name = str(values, "full_name");
    const seq = await registerWalkIn({ ...personBody(values), channel: "ON_SITE", site_id: siteId }, name);
    if ((await uploaded(seq)) === "queued") return t("site.queued");
    const entry = state.outbox.find((e) => e.sequence === seq) ?? site.get().outbox.find((e) => e.sequence === seq);
    const id = String(entry?.response?.person_id ?? "");
    setPerson(id);
    setLabel(name);
    return t("walkIn.registered", { person: id });
  };

  const approve = async () => {
    setError(null);
    try {
      const seq = await approveWalkIn(person!, label);
      setApproval((await uploaded(seq)) === "queued" ? t("site.queued") : t("walkIn.approved", { person: person! }));
    } catch (caught) {
      setError(caught);
    }
  };

  const check = async () => {
    setError(null);
    try {
      const record = await call("registration", "get", "/v1/persons/{person_id}", { params: { person_id: person! } });
      setStatus(record.status);
    } catch (caught) {
      setError(caught instanceof Problem ? caught : caught);
    }
  };

  return (
    <section class="narrow">
      <h1>{t("walkIn.title")}</h1>
      <p class="muted">{t("walkIn.hint")}</p>
      <Form id="walk-in" submit="walkIn.submit" onSubmit={submit}
            initial={{ "address.province_code": home?.[1] ?? "", "address.district_code": home?.[2] ?? "" }}
            fields={personFields()} />
      {person ? (
        <div class="card">
          <p>{t("walkIn.next", { person })}</p>
          <button type="button" id="walk-in-approve" onClick={() => void approve()}>{t("walkIn.approve")}</button>
          {approval ? <p role="status">{approval}</p> : null}
          <button type="button" onClick={() => void check()}>{t("walkIn.checkStatus")}</button>
          {status ? <p role="status">{t("walkIn.status")}: <strong>{tCode("personStatus", status)}</strong></p> : null}
          <ProblemBox error={error} />
        </div>
      ) : null}
    </section>
  );
}
