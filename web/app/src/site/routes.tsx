// The site app (vaccinators, site managers): loads the tablet's journal once, keeps uploading, and shows the
// page the path names - all of it works offline once the service worker has cached the app.
import { useEffect } from "preact/hooks";
import { t } from "../i18n";
import { match } from "../router";
import { useStore } from "../store";
import { AefiPage } from "./aefi";
import { CheckInPage } from "./checkin";
import { ClosePage } from "./close";
import { SiteNav } from "./common";
import { initSite } from "./journal";
import { site } from "./model";
import { ObservationPage } from "./observation";
import { SessionPage } from "./session";
import { startSyncLoop, syncNow } from "./sync";
import { SyncPage } from "./syncpage";
import { VialsPage } from "./vials";
import { VisitPage } from "./visit";
import { WalkInPage } from "./walkin";

let started = false;

export function SiteRoutes({ path }: { path: string }) {
  const state = useStore(site);
  useEffect(() => {
    if (started) return;
    started = true;
    void initSite().then(() => {
      startSyncLoop();
      if (navigator.onLine) void syncNow();
    });
  }, []);
  if (!state.ready) return <p role="status">{t("app.loading")}</p>;
  const visit = match("/site/visits/:id", path);
  let page;
  if (!state.session || path === "/site" || path === "/site/") page = <SessionPage />;
  else if (visit) page = <VisitPage visitId={visit.id} />;
  else {
    const pages: Record<string, () => preact.JSX.Element> = {
      "/site/check-in": () => <CheckInPage />, "/site/walk-in": () => <WalkInPage />, "/site/vials": () => <VialsPage />,
      "/site/observation": () => <ObservationPage />, "/site/aefi": () => <AefiPage />, "/site/close": () => <ClosePage />,
      "/site/sync": () => <SyncPage />,
    };
    page = pages[path]?.() ?? <h1>{t("app.notFound")}</h1>;
  }
  return (
    <div class="site">
      {state.session ? <SiteNav /> : null}
      {page}
    </div>
  );
}
