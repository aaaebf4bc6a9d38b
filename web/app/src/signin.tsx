// Sign-in. Production: OpenID Connect (the gateway runs the authorization code + PKCE flow). Local mode
// (VAXTRAIL_ENV=local): a development sign-in that picks a role, scopes and a name, refused anywhere else.
import { useState } from "preact/hooks";
import { devSignIn, me, oidcLoginUrl } from "./auth";
import { type Key, t } from "./i18n";
import { navigate, useLocation } from "./router";
import { useStore } from "./store";
import { Form, str, type Values } from "./ui/form";

const EXAMPLES: Record<string, string> = {
  vaccinator: "site:S-79-760-01", site_manager: "site:S-79-760-01", district_officer: "district:760",
  province_officer: "province:79", national_admin: "national", auditor: "national", analyst: "national",
  citizen: "person:none", partner: "national",
};

export function SignInPage() {
  const who = useStore(me);
  const { query } = useLocation();
  const [role, setRole] = useState("site_manager");
  const next = query.get("next") ?? "/";
  if (!who) return null;
  const submit = async (values: Values) => {
    const scopes = str(values, "scopes").split(/[\s,]+/).filter(Boolean);
    const signed = await devSignIn(str(values, "role"), scopes, str(values, "name"));
    navigate(next !== "/" ? next : signed.role === "citizen" ? "/book"
      : signed.role === "vaccinator" || signed.role === "site_manager" ? "/site" : "/console");
  };
  return (
    <section class="narrow">
      <h1>{t("signin.title")}</h1>
      {who.offline ? <p class="notice">{t("signin.offline")}</p> : null}
      {who.oidc ? <p><a class="button primary" href={oidcLoginUrl(next)}>{t("signin.oidc")}</a></p> : null}
      {who.dev_signin ? (
        <>
          <h2>{t("signin.dev")}</h2>
          <p class="muted">{t("signin.devHint")}</p>
          <Form key={role} id="dev-signin" submit="signin.submit" onSubmit={submit}
                initial={{ role, scopes: EXAMPLES[role] ?? "national", name: "" }}
                fields={[
                  { name: "role", label: "signin.role", type: "select", required: true,
                    options: who.roles.map((r) => ({ value: r, label: t(`role.${r}` as Key) })) },
                  { name: "scopes", label: "signin.scopes", required: true, hint: t("signin.scopesHint") },
                  { name: "name", label: "signin.name", hint: t("signin.nameHint") },
                ]}
                onChange={(values) => values.role !== role && setRole(String(values.role))} />
        </>
      ) : null}
      {!who.oidc && !who.dev_signin && !who.offline ? <p>{t("signin.none")}</p> : null}
    </section>
  );
}
