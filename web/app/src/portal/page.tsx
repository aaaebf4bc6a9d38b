// The public information portal (no sign-in): /portal shows the campaign's figures - vaccine received,
// allocated, released and delivered to provinces, people registered and approved, doses given - by province and by day, and coverage
// of the census population by province; /portal/sites finds a vaccination site. Every figure is read from the
// services' public, aggregated routes (data.ts); nothing here is computed beyond putting them side by side.
import { useState } from "preact/hooks";
import { useLoad } from "../console/common";
import { fmtDateTime, fmtTime, t } from "../i18n";
import { Link, useLocation } from "../router";
import { ProblemBox } from "../ui/problem";
import { DataTable } from "../ui/table";
import { BarsByDay, BarsByLabel, type Cell, show } from "../ui/chart";
import { type Figures, loadFigures, loadSites } from "./data";

function Tabs() {
  const { path } = useLocation();
  const here = path.replace(/\/$/, "");
  return (
    <nav class="tabs" aria-label={t("portal.tabs")}>
      <ul>
        <li><Link href="/portal" aria-current={here === "/portal" ? "page" : undefined}>{t("portal.figures")}</Link></li>
        <li><Link href="/portal/sites" aria-current={here === "/portal/sites" ? "page" : undefined}>{t("portal.sites")}</Link></li>
      </ul>
    </nav>
  );
}

interface ProvinceRow {
  code: string; name: string; allocated: Cell; released: Cell; delivered: Cell; registered: Cell; approved: Cell; doses: Cell; first: Cell;
  second: Cell; population: number | null; cover1: number | null; cover2: number | null;
}

function provinceRows(f: Figures): ProvinceRow[] {
  const codes = new Set<string>();
  const inv = new Map(f.inventory.by_province.map((r) => [r.province_code, r]));
  const alloc = new Map(f.allocation.by_province.map((r) => [r.province_code, r]));
  const reg = new Map(f.registration.by_province.map((r) => [r.province_code, r]));
  const imm = new Map(f.immunization.by_province.map((r) => [r.province_code, r]));
  const cov = new Map(f.coverage.provinces.map((r) => [r.province_code, r]));
  [inv, alloc, reg, imm].forEach((m) => m.forEach((_, code) => codes.add(code)));
  cov.forEach((r, code) => { if (r.people_first_dose !== 0) codes.add(code); });
  return [...codes].sort().map((code) => {
    const c = cov.get(code);
    return {
      code, name: c?.name ? `${c.name} (${code})` : code, allocated: alloc.get(code)?.allocated ?? 0,
      released: alloc.get(code)?.released ?? 0, delivered: inv.get(code)?.delivered_to_provinces ?? 0,
      registered: reg.get(code)?.registered ?? 0, approved: reg.get(code)?.approved ?? 0,
      doses: imm.get(code)?.doses ?? 0, first: c?.people_first_dose ?? 0, second: c?.people_second_dose ?? 0,
      population: c?.population ?? null, cover1: c?.coverage_first_dose_pct ?? null,
      cover2: c?.coverage_second_dose_pct ?? null,
    };
  });
}

const pct = (value: number | null) => (value === null ? "—" : `${value.toLocaleString()} %`);

function Totals({ f }: { f: Figures }) {
  const facts: [string, Cell][] = [
    [t("portal.received"), f.inventory.total.received],
    [t("portal.allocated"), f.allocation.total.allocated],
    [t("portal.released"), f.allocation.total.released],
    [t("portal.delivered"), f.inventory.total.delivered_to_provinces],
    [t("portal.registered"), f.registration.total.registered],
    [t("portal.approved"), f.registration.total.approved],
    [t("portal.doses"), f.immunization.total.doses],
  ];
  return (
    <dl class="facts tiles" id="portal-totals">
      {facts.map(([label, cell]) => <div key={label}><dt>{label}</dt><dd>{show(cell)}</dd></div>)}
    </dl>
  );
}

export function PortalPage() {
  const [province, setProvince] = useState("");
  const loaded = useLoad(() => loadFigures(province), [province]);
  const f = loaded.data;
  const rows = f ? provinceRows(f) : [];
  const days = f ? f.immunization.by_day.map((d, i) => ({
    date: d.date, received: f.inventory.by_day[i]?.received ?? 0, allocated: f.allocation.by_day[i]?.allocated ?? 0,
    released: f.allocation.by_day[i]?.released ?? 0,
    delivered: f.inventory.by_day[i]?.delivered_to_provinces ?? 0,
    registered: f.registration.by_day[i]?.registered ?? 0, approved: f.registration.by_day[i]?.approved ?? 0,
    doses: d.doses, first: d.first_doses, second: d.second_doses })) : [];
  const options = f ? f.coverage.provinces.map((p) => ({ code: p.province_code, name: p.name ?? p.province_code })) : [];
  return (
    <div id="portal">
      <h1>{t("portal.title")}</h1>
      <Tabs />
      <p class="hint">{t("portal.intro")}</p>
      {loaded.error ? <ProblemBox error={loaded.error} /> : null}
      {!f ? <p role="status">{t("app.loading")}</p> : (
        <>
          <p class="hint" id="portal-period">{t("portal.period", { from: f.immunization.from, to: f.immunization.to })}</p>
          <Totals f={f} />
          <div class="field narrow">
            <label for="portal-province">{t("portal.province")}</label>
            <select id="portal-province" value={province} onChange={(e) => setProvince((e.target as HTMLSelectElement).value)}>
              <option value="">{t("portal.allProvinces")}</option>
              {options.map((o) => <option key={o.code} value={o.code}>{o.name} ({o.code})</option>)}
            </select>
          </div>
          <h2>{t("portal.byDay")}</h2>
          <BarsByDay id="chart-doses-by-day" title={t("portal.chartDosesByDay")}
            bars={days.map((d) => ({ label: d.date, value: d.doses }))} />
          <DataTable caption={t("portal.byDayTable")} rowKey={(d) => d.date} empty={t("portal.none")}
            rows={days.filter((d) => [d.received, d.allocated, d.released, d.delivered, d.registered, d.approved, d.doses].some((c) => c !== 0))} columns={[
            { title: t("portal.date"), cell: (d) => d.date },
            { title: t("portal.received"), cell: (d) => show(d.received), numeric: true },
            { title: t("portal.allocated"), cell: (d) => show(d.allocated), numeric: true },
            { title: t("portal.released"), cell: (d) => show(d.released), numeric: true },
            { title: t("portal.delivered"), cell: (d) => show(d.delivered), numeric: true },
            { title: t("portal.registered"), cell: (d) => show(d.registered), numeric: true },
            { title: t("portal.approved"), cell: (d) => show(d.approved), numeric: true },
            { title: t("portal.doses"), cell: (d) => show(d.doses), numeric: true },
            { title: t("portal.firstDoses"), cell: (d) => show(d.first), numeric: true },
            { title: t("portal.secondDoses"), cell: (d) => show(d.second), numeric: true },
          ]} />
          <h2>{t("portal.byProvince")}</h2>
          <BarsByLabel id="chart-coverage" unit=" %" title={t("portal.chartCoverage")}
            bars={rows.filter((r) => r.cover1 !== null).map((r) => ({ label: r.name, value: r.cover1 ?? 0 }))} />
          <DataTable caption={t("portal.byProvince")} rowKey={(r) => r.code} rows={rows} empty={t("portal.none")} columns={[
            { title: t("portal.provinceColumn"), cell: (r) => r.name },
            { title: t("portal.allocated"), cell: (r) => show(r.allocated), numeric: true },
            { title: t("portal.released"), cell: (r) => show(r.released), numeric: true },
            { title: t("portal.delivered"), cell: (r) => show(r.delivered), numeric: true },
            { title: t("portal.registered"), cell: (r) => show(r.registered), numeric: true },
            { title: t("portal.approved"), cell: (r) => show(r.approved), numeric: true },
            { title: t("portal.doses"), cell: (r) => show(r.doses), numeric: true },
            { title: t("portal.peopleFirst"), cell: (r) => show(r.first), numeric: true },
            { title: t("portal.peopleSecond"), cell: (r) => show(r.second), numeric: true },
            { title: t("portal.population"), cell: (r) => show(r.population), numeric: true },
            { title: t("portal.coverFirst"), cell: (r) => pct(r.cover1), numeric: true },
            { title: t("portal.coverSecond"), cell: (r) => pct(r.cover2), numeric: true },
          ]} />
          <h2>{t("portal.about")}</h2>
          <ul class="hint" id="portal-notes">
            <li>{t("portal.noteSuppression")}</li>
            <li>{t("portal.noteCoverage", { source: f.coverage.population_source.version as string })}</li>
            <li>{t("portal.noteNational")}</li>
          </ul>
        </>
      )}
    </div>
  );
}

export function SitesPage() {
  const [query, setQuery] = useState({ province: "", district: "", q: "" });
  const [draft, setDraft] = useState(query);
  const loaded = useLoad(() => loadSites({ province: query.province || undefined,
                                           district: query.district || undefined, q: query.q || undefined }),
                         [query.province, query.district, query.q]);
  const input = (name: keyof typeof draft) => (e: Event) => setDraft({ ...draft, [name]: (e.target as HTMLInputElement).value });
  return (
    <div id="portal-sites">
      <h1>{t("portal.sitesTitle")}</h1>
      <Tabs />
      <form class="form card narrow" role="search" onSubmit={(e) => { e.preventDefault(); setQuery({ ...draft, q: draft.q.trim() }); }}>
        <div class="field"><label for="sites-q">{t("portal.searchText")}</label>
          <input id="sites-q" value={draft.q} onInput={input("q")} aria-describedby="sites-q-hint" />
          <p class="hint" id="sites-q-hint">{t("portal.searchHint")}</p></div>
        <div class="field"><label for="sites-province">{t("portal.provinceCode")}</label>
          <input id="sites-province" inputMode="numeric" maxLength={2} value={draft.province} onInput={input("province")} /></div>
        <div class="field"><label for="sites-district">{t("portal.districtCode")}</label>
          <input id="sites-district" inputMode="numeric" maxLength={3} value={draft.district} onInput={input("district")} /></div>
        <div class="actions"><button type="submit" class="primary" id="sites-search">{t("portal.search")}</button></div>
      </form>
      {loaded.error ? <ProblemBox error={loaded.error} /> : null}
      {loaded.data ? (
        <>
          <p role="status" id="sites-count">{t("portal.sitesFound", { n: loaded.data.sites.total })}</p>
          <DataTable caption={t("portal.sitesTitle")} rowKey={(s) => s.location_id} rows={loaded.data.sites.items}
            empty={t("portal.noSites")} columns={[
              { title: t("portal.siteName"), cell: (s) => s.name },
              { title: t("portal.siteId"), cell: (s) => <code>{s.location_id}</code> },
              { title: t("portal.provinceCode"), cell: (s) => s.province_code },
              { title: t("portal.districtCode"), cell: (s) => s.district_code },
              { title: t("portal.nextSession"), cell: (s) => {
                const next = loaded.data?.next.get(s.location_id);
                return next ? `${fmtDateTime(next.starts_at)} – ${fmtTime(next.ends_at)}` : t("portal.noSession");
              } },
            ]} />
          <p class="hint">{t("portal.noAddress")}</p>
        </>
      ) : <p role="status">{t("app.loading")}</p>}
    </div>
  );
}
