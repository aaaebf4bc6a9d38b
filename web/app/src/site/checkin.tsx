// Check-in: scan the person's pass (camera), or type its code, or take an identity document; then the
// six-digit presence code their app shows, or - without it - a reason, recorded with who overrode.
import { useState } from "preact/hooks";
import { t } from "../i18n";
import { navigate } from "../router";
import { Form, str, type Values } from "../ui/form";
import { checkIn, personOfToken } from "./actions";
import { QrScanner } from "./qr";
import { uploaded } from "./sync";

type Method = "SCAN" | "CODE" | "ID_DOCUMENT";

export function CheckInPage() {
  const [method, setMethod] = useState<Method>("SCAN");
  const [token, setToken] = useState("");

  const submit = async (values: Values) => {
    const qr = method !== "ID_DOCUMENT";
    const visit = await checkIn({
      method: qr ? "QR" : "ID_DOCUMENT", qrToken: str(values, "qr_token"),
      documentKind: str(values, "document_kind"), documentNumber: str(values, "document_number"),
      presenceCode: str(values, "presence_code"), overrideReason: str(values, "presence_override_reason"),
    });
    await uploaded(visit.seq ?? -1);  // a refusal is thrown and shown next to its field
    navigate(`/site/visits/${encodeURIComponent(visit.visit_id)}`);
  };

  const identity = method === "ID_DOCUMENT"
    ? [{ name: "document_kind", label: "checkIn.documentKind" as const, type: "select" as const, required: true,
         options: ["CITIZEN_ID", "PASSPORT", "OTHER"].map((k) => ({ value: k, label: t(`document.${k}` as "document.CITIZEN_ID") })) },
       { name: "document_number", label: "checkIn.documentNumber" as const, required: true }]
    : [{ name: "qr_token", label: "checkIn.code" as const, required: true, hint: t("checkIn.codeHint") }];

  return (
    <section class="narrow">
      <h1>{t("checkIn.title")}</h1>
      <fieldset class="segmented">
        <legend>{t("checkIn.method")}</legend>
        {(["SCAN", "CODE", "ID_DOCUMENT"] as const).map((m) => (
          <label key={m}><input type="radio" name="method" value={m} checked={method === m}
                                onChange={() => setMethod(m)} /> {t(`checkIn.method.${m}`)}</label>
        ))}
      </fieldset>
      {method === "SCAN" ? <QrScanner onCode={(code) => setToken(code)} /> : null}
      {method === "SCAN" && token ? <p role="status">{t("checkIn.found", { person: personOfToken(token) ?? "?" })}</p> : null}
      <Form key={`${method}-${token}`} id="check-in" submit="checkIn.submit" onSubmit={submit}
            initial={{ qr_token: token }} fields={[
              ...identity,
              { name: "presence_code", label: "checkIn.presenceCode", hint: t("checkIn.presenceHint") },
              { name: "presence_override_reason", label: "checkIn.override", type: "textarea", hint: t("checkIn.overrideHint") },
            ]} />
    </section>
  );
}
