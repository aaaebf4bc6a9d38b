// Stock as of any time at a location (usable and blocked, per lot) and the lots there close to expiry
// against their trailing burn rate.
import { useState } from "preact/hooks";
import { call } from "../../api/client";
import { me, scopeOf } from "../../auth";
import { fmtDateTime, fmtNumber, t, tCode } from "../../i18n";
import { useStore } from "../../store";
import { Form, optional, str } from "../../ui/form";
import { DataTable } from "../../ui/table";
import { fromLocalInput, toLocalInput } from "../../ui/time";

interface StockRow {
  lot_id: string;
  presentation_id: string;
  doses: number;
  vials: number;
  usable_doses: number;
  blocked_doses: number;
  status: string;
  effective_expiry: string | null;
}

interface ExpiryRow extends StockRow {
  days_to_expiry: number;
  daily_burn_rate: number;
  days_of_supply: number | null;
  doses_at_risk: number;
}

export function defaultLocation(who: ReturnType<typeof me.get>): string {
  if (who?.scopes?.includes("national")) return "NAT-EPI";
  const site = scopeOf(who, "site");
  if (site) return site;
  const district = scopeOf(who, "district");
  if (district) return `DHC-${district}`;
  const province = scopeOf(who, "province");
  return province ? `CDC-${province}` : "";
}

export function StockTab() {
  const who = useStore(me);
  const [stock, setStock] = useState<{ as_of: string; items: StockRow[] } | null>(null);
  const [expiring, setExpiring] = useState<ExpiryRow[] | null>(null);
  const location = defaultLocation(who);
  return (
    <div class="grid">
      <section class="card" aria-labelledby="stock-title">
        <h2 id="stock-title">{t("stock.title")}</h2>
        <Form id="stock" submit="reserves.show" silent initial={{ location_id: location, as_of: toLocalInput() }} fields={[
          { name: "location_id", label: "stock.location", required: true },
          { name: "as_of", label: "stock.asOf", type: "datetime" },
          { name: "lot_id", label: "vials.lot" },
        ]} onSubmit={async (values) => {
          const answer = await call("inventory", "get", "/v1/stock", { query: { location_id: str(values, "location_id"),
            lot_id: optional(str(values, "lot_id")), as_of: str(values, "as_of") ? fromLocalInput(str(values, "as_of")) : undefined } });
          setStock(answer as unknown as { as_of: string; items: StockRow[] });
        }} />
        {stock ? <DataTable<StockRow> caption={t("stock.asOfCaption", { time: fmtDateTime(stock.as_of) })} rows={stock.items}
          rowKey={(r) => `${r.lot_id}-${r.presentation_id}`} empty={t("stock.none")} columns={[
            { title: t("vials.lot"), cell: (r) => r.lot_id },
            { title: t("plans.presentation"), cell: (r) => r.presentation_id },
            { title: t("stock.doses"), numeric: true, cell: (r) => fmtNumber(r.doses) },
            { title: t("stock.vials"), numeric: true, cell: (r) => fmtNumber(r.vials) },
            { title: t("stock.usable"), numeric: true, cell: (r) => fmtNumber(r.usable_doses) },
            { title: t("stock.blocked"), numeric: true, cell: (r) => fmtNumber(r.blocked_doses) },
            { title: t("stock.status"), cell: (r) => tCode("stockStatus", r.status) },
            { title: t("stock.expiry"), cell: (r) => r.effective_expiry ?? "" },
          ]} /> : null}
      </section>
      <section class="card" aria-labelledby="expiry-title">
        <h2 id="expiry-title">{t("stock.nearExpiry")}</h2>
        <Form id="near-expiry" submit="reserves.show" silent initial={{ location_id: location, days: "30" }} fields={[
          { name: "location_id", label: "stock.location", required: true },
          { name: "days", label: "stock.days", type: "number", required: true },
        ]} onSubmit={async (values) => {
          const answer = await call("inventory", "get", "/v1/near-expiry", { query: { location_id: str(values, "location_id"),
                                                                                     days: str(values, "days") } });
          setExpiring(answer.items as ExpiryRow[]);
        }} />
        {expiring ? <DataTable<ExpiryRow> caption={t("stock.nearExpiry")} rows={expiring} rowKey={(r) => r.lot_id} empty={t("stock.none")}
          columns={[
            { title: t("vials.lot"), cell: (r) => r.lot_id },
            { title: t("stock.expiry"), cell: (r) => r.effective_expiry ?? "" },
            { title: t("stock.daysLeft"), numeric: true, cell: (r) => String(r.days_to_expiry) },
            { title: t("stock.usable"), numeric: true, cell: (r) => fmtNumber(r.usable_doses) },
            { title: t("stock.burn"), numeric: true, cell: (r) => fmtNumber(r.daily_burn_rate) },
            { title: t("stock.atRisk"), numeric: true, cell: (r) => fmtNumber(r.doses_at_risk) },
          ]} /> : null}
      </section>
    </div>
  );
}
