// The frame of every page: a skip link, the header (language, connection, offline readiness, who is signed
// in), the navigation the signed-in role may use, and <main>.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { me, signOut, SITE_ROLES } from "./auth";
import { type Key, lang, setLang, t } from "./i18n";
import { offlineReady } from "./offline";
import { Link, useLocation } from "./router";
import { pendingCount, site } from "./site/model";
import { useStore } from "./store";

interface NavItem {
  href: string;
  label: Key;
  roles: string[];
}

const OFFICERS = ["province_officer", "district_officer", "national_admin"];
const READERS = [...OFFICERS, "auditor", "analyst"];
export const NAV: NavItem[] = [
  { href: "/site", label: "nav.site", roles: SITE_ROLES },
  { href: "/console/approvals", label: "nav.approvals", roles: ["province_officer", "national_admin"] },
  { href: "/console/uploads", label: "nav.uploads", roles: OFFICERS },
  { href: "/console/plans", label: "nav.plans", roles: READERS },
  { href: "/console/reserves", label: "nav.reserves", roles: READERS },
  { href: "/console/sessions", label: "nav.sessions", roles: ["district_officer"] },
  { href: "/console/inventory", label: "nav.inventory", roles: [...READERS, "site_manager"] },
  { href: "/response", label: "nav.response", roles: ["national_admin", "province_officer"] },
];

function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener("online", up);
    window.addEventListener("offline", down);
    return () => {
      window.removeEventListener("online", up);
      window.removeEventListener("offline", down);
    };
  }, []);
  return online;
}

export function Layout({ children }: { children: ComponentChildren }) {
  const who = useStore(me);
  const ready = useStore(offlineReady);
  const state = useStore(site);
  const online = useOnline() && state.online !== false;
  const { path } = useLocation();
  const items = NAV.filter((item) => who?.signed_in && item.roles.includes(who.role ?? ""));
  const pending = pendingCount(state);
  return (
    <>
      <a class="skip" href="#main">{t("app.skip")}</a>
      <header class="top">
        <div class="brand"><img src="/icon.svg" alt="" width="32" height="32" /> <span>VaxTrail</span></div>
        <div class="status" aria-live="polite">
          <span class={`pill ${online ? "ok" : "warn"}`} id="connection">{online ? t("app.online") : t("app.offline")}</span>
          {ready ? <span class="pill ok" id="offline-ready">{t("app.offlineReady")}</span> : null}
          {pending ? <span class="pill warn">{t("app.pending", { n: pending })}</span> : null}
        </div>
        <div class="user">
          <button type="button" class="link" onClick={() => setLang(lang() === "vi" ? "en" : "vi")}
                  lang={lang() === "vi" ? "en" : "vi"}>{lang() === "vi" ? "English" : "Tiếng Việt"}</button>
          {who?.signed_in ? (
            <>
              <span class="who">{who.actor_id} · {t(`role.${who.role}` as Key)}
                {who.role === "citizen" ? null : ` · ${who.scopes?.join(", ")}`}</span>
              <button type="button" class="link" onClick={() => void signOut()}>{t("app.signOut")}</button>
            </>
          ) : null}
        </div>
      </header>
      {items.length > 1 ? (
        <nav class="main-nav" aria-label={t("nav.label")}>
          <ul>{items.map((item) => (
            <li key={item.href}><Link href={item.href} aria-current={path.startsWith(item.href) ? "page" : undefined}>{t(item.label)}</Link></li>
          ))}</ul>
        </nav>
      ) : null}
      <main id="main" tabIndex={-1}>{children}</main>
    </>
  );
}
