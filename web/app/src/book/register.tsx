// Registering oneself or a family member under the citizen's account (registration's POST /v1/persons,
// channel APP): every field is checked by registration and a refusal lands next to the field it names. The
// new person waits for the province's approval; the token is widened to them (data.ts, widenTo).
import { call } from "../api/client";
import { t, tCode } from "../i18n";
import { navigate } from "../router";
import { Form, str, type Values } from "../ui/form";
import { personBody, personFields } from "../ui/person";
import { widenTo } from "./data";

const RELATIONSHIPS = ["SELF", "CHILD", "PARENT", "SPOUSE", "SIBLING", "OTHER"];

export function RegisterPage() {
  const submit = async (values: Values) => {
    const answer = await call("registration", "post", "/v1/persons", {
      headers: { "Idempotency-Key": `book:${crypto.randomUUID()}` },
      body: { ...personBody(values), relationship: str(values, "relationship"), channel: "APP" },
    });
    await widenTo(String(answer.person_id));
    navigate(`/book/${encodeURIComponent(String(answer.person_id))}`);
    return t("book.registered");
  };
  return (
    <section class="book">
      <h1>{t("book.registerTitle")}</h1>
      <p class="muted">{t("book.registerHint")}</p>
      <Form id="book-register" submit="book.registerSubmit" onSubmit={submit} fields={[
        { name: "relationship", label: "book.relationship", type: "select", required: true,
          options: RELATIONSHIPS.map((r) => ({ value: r, label: tCode("relationship", r) })) },
        ...personFields(),
      ]} />
    </section>
  );
}
