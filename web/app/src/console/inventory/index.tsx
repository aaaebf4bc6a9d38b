// The inventory console: one tab per part of the ledger.
import { type Key, t } from "../../i18n";
import { Link } from "../../router";
import { ColdChainTab, CountsTab, LotsTab, ReceiptsTab } from "./ledger";
import { ShipmentsTab } from "./shipments";
import { StockTab } from "./stock";

const TABS: { id: string; label: Key; view: () => preact.JSX.Element }[] = [
  { id: "stock", label: "inventory.stock", view: () => <StockTab /> },
  { id: "shipments", label: "inventory.shipments", view: () => <ShipmentsTab /> },
  { id: "receipts", label: "inventory.receipts", view: () => <ReceiptsTab /> },
  { id: "counts", label: "inventory.counts", view: () => <CountsTab /> },
  { id: "cold-chain", label: "inventory.coldChain", view: () => <ColdChainTab /> },
  { id: "lots", label: "inventory.lots", view: () => <LotsTab /> },
];

export function InventoryPage({ tab }: { tab: string }) {
  const current = TABS.find((x) => x.id === tab) ?? TABS[0];
  return (
    <section>
      <h1>{t("inventory.title")}</h1>
      <nav class="tabs" aria-label={t("inventory.title")}>
        <ul>{TABS.map((x) => (
          <li key={x.id}><Link href={`/console/inventory/${x.id}`} aria-current={x.id === current.id ? "page" : undefined}>{t(x.label)}</Link></li>
        ))}</ul>
      </nav>
      {current.view()}
    </section>
  );
}
