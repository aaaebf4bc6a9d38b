// The response centre (/response): the national picture for national administrators, one province's for a
// province officer, read again every few seconds (usePoll) with the time of the last read on screen. Doses
// today and per day, coverage, stock and days of supply, wastage, AEFI signals and overdue investigations, lots
// suspended or recalled with the people, sites and certificates they reached, and the platform's health. The
// figures come from the services (data.ts); this page only adds them up across provinces and draws them.
import { me } from "../auth";
import { type Key, fmtDateTime, fmtNumber, fmtTime, t } from "../i18n";
import { useStore } from "../store";
import { BarsByDay, BarsByLabel } from "../ui/chart";
import { usePoll } from "../ui/poll";
import { ProblemBox } from "../ui/problem";
import { DataTable } from "../ui/table";
import { type Picture, loadPicture } from "./data";

export const POLL_MS = 5_000;

const num = (value: number | null | undefined) => (value === null || value === undefined ? "—" : fmtNumber(value));
const pct = (value: number | null | undefined) => (value === null || value === undefined ? "—" : `${fmtNumber(value)} %`);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Every day of the period, with the doses of all provinces in view (0 on a day without any). */
function perDay(p: Picture): { day: string; doses: number }[] {
  const byDay = new Map<string, number>();
  for (const row of p.doses.doses_per_day) byDay.set(row.day, (byDay.get(row.day) ?? 0) + row.doses);
  const days: { day: string; doses: number }[] = [];
  for (let d = new Date(`${p.doses.date_from}T00:00:00Z`); d <= new Date(`${p.doses.date_to}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1)) {
    const day = d.toISOString().slice(0, 10);
    days.push({ day, doses: byDay.get(day) ?? 0 });
  }
  return days;
}

interface ProvinceRow {
  code: string; name: string; today: number; first: number; second: number; cover1: number | null;
  usable: number; blocked: number; supply: number | null; wasted: number; wastage: number | null;
  aefi: number; serious: number; rate: number | null; overdue: number;
}

function provinceRows(p: Picture): ProvinceRow[] {
  const today = p.doses.date_to;
  const codes = new Set<string>([...p.doses.coverage.map((r) => r.province_code), ...p.doses.aefi.map((r) => r.province_code),
                                 ...p.stock.items.map((r) => r.province_code), ...p.doses.doses_per_day.map((r) => r.province_code)]);
  return [...codes].sort().map((code) => {
    const cover = p.doses.coverage.find((r) => r.province_code === code);
    const stock = p.stock.items.find((r) => r.province_code === code);
    const aefi = p.doses.aefi.find((r) => r.province_code === code);
    return {
      code, name: code === "NATIONAL" ? t("response.nationalStore") : `${p.names.get(code) ?? code} (${code})`,
      today: sum(p.doses.doses_per_day.filter((r) => r.province_code === code && r.day === today).map((r) => r.doses)),
      first: cover?.people_first_dose ?? 0, second: cover?.people_second_dose ?? 0,
      cover1: cover?.coverage_first_dose_pct ?? null, usable: stock?.usable_doses ?? 0, blocked: stock?.blocked_doses ?? 0,
      supply: stock?.days_of_supply ?? null,
      wasted: (stock?.open_vial_wastage_30d ?? 0) + (stock?.closed_vial_wastage_30d ?? 0),
      wastage: stock?.wastage_rate_30d ?? null, aefi: aefi?.aefi_cases ?? 0, serious: aefi?.serious_cases ?? 0,
      rate: aefi?.rate_per_100000 ?? null, overdue: aefi?.investigations_overdue ?? 0,
    };
  });
}

function Totals({ p, rows }: { p: Picture; rows: ProvinceRow[] }) {
  const facts: [string, Key, string][] = [
    ["doses-today", "response.dosesToday", num(sum(rows.map((r) => r.today)))],
    ["doses-period", "response.dosesPeriod", num(sum(p.doses.doses_per_day.map((r) => r.doses)))],
    ["people-first", "response.peopleFirst", num(sum(rows.map((r) => r.first)))],
    ["usable", "response.usable", num(sum(rows.map((r) => r.usable)))],
    ["wasted", "response.wasted30", num(sum(rows.map((r) => r.wasted)))],
    ["aefi", "response.aefi", num(sum(rows.map((r) => r.aefi)))],
    ["serious", "response.serious", num(sum(rows.map((r) => r.serious)))],
    ["overdue", "response.overdue", num(sum(p.doses.aefi.map((r) => r.investigations_overdue)))],
    ["lots", "response.blockedLots", num(new Set(p.stock.blocked_lots.map((l) => l.lot_id)).size)],
  ];
  return (
    <dl class="facts tiles" id="response-totals">
      {facts.map(([id, label, value]) => <div key={id} id={`total-${id}`}><dt>{t(label)}</dt><dd>{value}</dd></div>)}
    </dl>
  );
}

function Lots({ p }: { p: Picture }) {
  return (
    <DataTable caption={t("response.lotsTable")} rowKey={(l) => `${l.lot_id}/${l.scope}/${l.scope_id}`}
      rows={p.stock.blocked_lots} empty={t("response.noLots")} columns={[
        { title: t("response.lot"), cell: (l) => <code>{l.lot_id}</code> },
        { title: t("response.lotStatus"), cell: (l) => l.status },
        { title: t("response.lotScope"), cell: (l) => (l.scope === "NATIONAL" ? l.scope : `${l.scope} ${l.scope_id}`) },
        { title: t("response.decidedAt"), cell: (l) => fmtDateTime(l.decided_at) },
        { title: t("response.reason"), cell: (l) => l.reason },
        ...(p.recipients ? [
          { title: t("response.lotDoses"), numeric: true, cell: (l: typeof p.stock.blocked_lots[number]) => num(p.recipients?.get(l.lot_id)?.doses) },
          { title: t("response.lotPeople"), numeric: true, cell: (l: typeof p.stock.blocked_lots[number]) => num(p.recipients?.get(l.lot_id)?.people) },
          { title: t("response.lotSites"), numeric: true, cell: (l: typeof p.stock.blocked_lots[number]) => num(p.recipients?.get(l.lot_id)?.sites) },
          { title: t("response.lotCertificates"), numeric: true, cell: (l: typeof p.stock.blocked_lots[number]) => num(p.recipients?.get(l.lot_id)?.certificates) },
        ] : []),
      ]} />
  );
}

function Platform({ p }: { p: Picture }) {
  if (!p.health) return null;
  const lags = p.health.flatMap((h) => (h.health?.projections ?? []).map((x) => ({ label: `${h.service} · ${x.projection}`,
                                                                                  value: x.lag_records ?? 0 })));
  return (
    <section aria-labelledby="response-health-title">
      <h2 id="response-health-title">{t("response.health")}</h2>
      <DataTable caption={t("response.healthTable")} rowKey={(h) => h.service} rows={p.health} columns={[
        { title: t("response.service"), cell: (h) => h.service },
        { title: t("response.relayBacklog"), numeric: true, cell: (h) => (h.health ? num(h.health.relay.backlog_events) : t("response.unreachable")) },
        { title: t("response.projectionLag"), numeric: true, cell: (h) => num(h.health ? sum(h.health.projections.map((x) => x.lag_records ?? 0)) : null) },
        { title: t("response.deadLetters"), numeric: true, cell: (h) => num(h.health?.dead_letters.records) },
        { title: t("response.unapplied"), numeric: true, cell: (h) => num(h.health?.dead_letters.unapplied_events) },
        { title: t("response.kafka"), cell: (h) => h.health?.kafka_error ?? (h.health ? t("response.ok") : "—") },
      ]} />
      <BarsByLabel id="chart-response-lag" title={t("response.chartLag")} bars={lags} labelWidth={290} />
    </section>
  );
}

export function ResponsePage() {
  const who = useStore(me);
  const national = who?.role === "national_admin" || (who?.scopes ?? []).includes("national");
  const province = national ? null : (who?.scopes ?? []).find((s) => s.startsWith("province:"))?.slice(9) ?? null;
  const polled = usePoll(() => loadPicture(province, national), POLL_MS, [province, national]);
  const p = polled.data;
  const rows = p ? provinceRows(p) : [];
  const provinces = rows.filter((r) => r.code !== "NATIONAL");
  return (
    <div id="response">
      <h1>{province ? t("response.titleProvince", { province: p?.names.get(province) ?? province }) : t("response.title")}</h1>
      {/* not a live region: a screen reader would announce it every few seconds */}
      <p id="response-updated" class="hint">
        {polled.updatedAt ? t("response.updated", { time: fmtTime(polled.updatedAt.toISOString()), seconds: POLL_MS / 1000 })
          : t("app.loading")}
      </p>
      {polled.error ? <ProblemBox error={polled.error} /> : null}
      {p ? (
        <>
          <Totals p={p} rows={rows} />
          <h2>{t("response.byDay")}</h2>
          <BarsByDay id="chart-response-doses" title={t("response.chartDoses")}
            bars={perDay(p).map((d) => ({ label: d.day, value: d.doses }))} />
          <h2>{t("response.byProvince")}</h2>
          <BarsByLabel id="chart-response-coverage" unit=" %" title={t("response.chartCoverage")}
            bars={provinces.filter((r) => r.cover1 !== null).map((r) => ({ label: r.name, value: r.cover1 ?? 0 }))} />
          <BarsByLabel id="chart-response-supply" title={t("response.chartSupply")}
            bars={rows.filter((r) => r.supply !== null).map((r) => ({ label: r.name, value: r.supply ?? 0 }))} />
          <div id="response-provinces">
            <DataTable caption={t("response.provinceTable")} rowKey={(r) => r.code} rows={rows} empty={t("response.none")} columns={[
              { title: t("response.province"), cell: (r) => r.name },
              { title: t("response.dosesToday"), numeric: true, cell: (r) => num(r.today) },
              { title: t("response.peopleFirst"), numeric: true, cell: (r) => num(r.first) },
              { title: t("response.peopleSecond"), numeric: true, cell: (r) => num(r.second) },
              { title: t("response.coverage"), numeric: true, cell: (r) => pct(r.cover1) },
              { title: t("response.usable"), numeric: true, cell: (r) => num(r.usable) },
              { title: t("response.blocked"), numeric: true, cell: (r) => num(r.blocked) },
              { title: t("response.daysOfSupply"), numeric: true, cell: (r) => num(r.supply) },
              { title: t("response.wasted30"), numeric: true, cell: (r) => num(r.wasted) },
              { title: t("response.wastageRate"), numeric: true, cell: (r) => pct(r.wastage) },
            ]} />
          </div>
          <h2>{t("response.aefiTitle")}</h2>
          <BarsByLabel id="chart-response-aefi" title={t("response.chartAefi")}
            bars={provinces.filter((r) => r.rate !== null).map((r) => ({ label: r.name, value: r.rate ?? 0 }))} />
          <div id="response-aefi">
            <DataTable caption={t("response.aefiTable")} rowKey={(r) => r.province_code} rows={p.doses.aefi} empty={t("response.none")} columns={[
              { title: t("response.province"), cell: (r) => `${p.names.get(r.province_code) ?? r.province_code} (${r.province_code})` },
              { title: t("response.dosesAll"), numeric: true, cell: (r) => num(r.doses) },
              { title: t("response.aefi"), numeric: true, cell: (r) => num(r.aefi_cases) },
              { title: t("response.serious"), numeric: true, cell: (r) => num(r.serious_cases) },
              { title: t("response.rate"), numeric: true, cell: (r) => num(r.rate_per_100000) },
              { title: t("response.seriousRate"), numeric: true, cell: (r) => num(r.serious_rate_per_100000) },
              { title: t("response.overdue"), numeric: true, cell: (r) => num(r.investigations_overdue) },
              { title: t("response.classificationOverdue"), numeric: true, cell: (r) => num(r.classifications_overdue) },
            ]} />
          </div>
          <h2>{t("response.lots")}</h2>
          <div id="response-lots"><Lots p={p} /></div>
          <div id="response-health"><Platform p={p} /></div>
          <p class="hint">{t("response.notes")}</p>
        </>
      ) : null}
    </div>
  );
}
