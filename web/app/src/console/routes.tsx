// The officers' consoles (online: each page reads and writes through the gateway as it goes).
import { me } from "../auth";
import { type Key, t } from "../i18n";
import { NAV } from "../layout";
import { Link, match } from "../router";
import { useStore } from "../store";
import { ApprovalsPage } from "./approvals";
import { InventoryPage } from "./inventory";
import { PlanPage } from "./plan";
import { PlansPage } from "./plans";
import { ReservesPage } from "./reserves";
import { SessionsPage } from "./sessions";
import { UploadsPage } from "./uploads";

export function ConsoleRoutes({ path }: { path: string }) {
  const plan = match("/console/plans/:id", path);
  const inventory = match("/console/inventory/:tab", path);
  if (plan) return <PlanPage planId={plan.id} />;
  if (inventory) return <InventoryPage tab={inventory.tab} />;
  switch (path.replace(/\/$/, "")) {
    case "/console": return <ConsoleHome />;
    case "/console/approvals": return <ApprovalsPage />;
    case "/console/uploads": return <UploadsPage />;
    case "/console/plans": return <PlansPage />;
    case "/console/reserves": return <ReservesPage />;
    case "/console/sessions": return <SessionsPage />;
    case "/console/inventory": return <InventoryPage tab="stock" />;
    default: return <h1>{t("app.notFound")}</h1>;
  }
}

function ConsoleHome() {
  const who = useStore(me);
  const items = NAV.filter((item) => item.href.startsWith("/console") && item.roles.includes(who?.role ?? ""));
  return (
    <section>
      <h1>{t("console.title")}</h1>
      <p>{t("console.welcome", { who: who?.actor_id ?? "", role: t(`role.${who?.role}` as Key) })}</p>
      <ul class="cards">{items.map((item) => <li key={item.href}><Link href={item.href}>{t(item.label)}</Link></li>)}</ul>
    </section>
  );
}
