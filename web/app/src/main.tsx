// The app: one bundle for the site app (/site/...), the officers' consoles (/console/...), the citizens'
// e-health book (/book/...) and the public certificate verifier (/verify) and information portal (/portal, /portal/sites), both without sign-in. It starts by
// asking the gateway who is signed in (or reading the copy the tablet kept), registers the service worker
// that makes the site app work offline, and renders the page the path names.
import { render } from "preact";
import { useEffect } from "preact/hooks";
import { loadMe, me, SITE_ROLES } from "./auth";
import { BookRoutes } from "./book/routes";
import { ConsoleRoutes } from "./console/routes";
import { setLang, t, useLang } from "./i18n";
import { Layout } from "./layout";
import { navigate, useLocation } from "./router";
import { SignInPage } from "./signin";
import { SiteRoutes } from "./site/routes";
import { useStore } from "./store";
import { PortalPage, SitesPage } from "./portal/page";
import { ResponsePage } from "./response/page";
import { VerifyPage } from "./verifier/page";
import { registerServiceWorker } from "./offline";
import "./styles.css";

function App() {
  useLang();
  const who = useStore(me);
  const { path } = useLocation();

  useEffect(() => {
    if (!who?.signed_in || path !== "/") return;
    navigate(who.role === "citizen" ? "/book" : SITE_ROLES.includes(who.role ?? "") ? "/site" : "/console", true);
  }, [who, path]);

  const bare = path.replace(/\/$/, "");
  if (bare === "/verify") return <Layout><VerifyPage /></Layout>; // public: no sign-in, works offline
  if (bare === "/portal") return <Layout><PortalPage /></Layout>; // public: no sign-in
  if (bare === "/portal/sites") return <Layout><SitesPage /></Layout>;
  if (who === null) return <Layout><p role="status">{t("app.loading")}</p></Layout>;
  if (!who.signed_in || path === "/signin") return <Layout><SignInPage /></Layout>;
  if (path.startsWith("/site")) return <Layout><SiteRoutes path={path} /></Layout>;
  if (path.startsWith("/console")) return <Layout><ConsoleRoutes path={path} /></Layout>;
  if (bare === "/response") return <Layout><ResponsePage /></Layout>;
  if (path === "/book" || path.startsWith("/book/")) return <Layout><BookRoutes path={path} /></Layout>;
  return <Layout><h1>{t("app.notFound")}</h1></Layout>;
}

setLang((localStorage.getItem("vaxtrail.lang") as "vi" | "en" | null) ?? (navigator.language.startsWith("en") ? "en" : "vi"));
void loadMe();
registerServiceWorker();
render(<App />, document.getElementById("app")!);
