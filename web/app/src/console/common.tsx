// What the consoles share: loading a read (with its refusal shown as the service said it), the locations
// of the supply tree for choosers, and running one action over many rows with a result per row.
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import { call } from "../api/client";
import { Problem } from "../api/problem";
import { t } from "../i18n";
import { ProblemBox, RuleBadge } from "../ui/problem";

export interface Loaded<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load().then((value) => {
      if (live) { setData(value); setError(null); }
    }, (caught: unknown) => {
      if (live) { setError(caught); setData(null); }
    }).finally(() => live && setLoading(false));
    return () => { live = false; };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { data, error, loading, reload };
}

export function Show<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (loaded.error) return <ProblemBox error={loaded.error} />;
  if (loaded.loading && loaded.data === null) return <p role="status">{t("app.loading")}</p>;
  return loaded.data === null ? null : <>{children(loaded.data)}</>;
}

export interface Location {
  location_id: string;
  name: string;
  kind: string;
  province_code: string;
  district_code: string;
  parent_id: string;
}

export function useLocations(query: { kind?: string; province_code?: string; parent_id?: string }): Location[] {
  const loaded = useLoad(() => call("inventory", "get", "/v1/locations", { query }),
                         [query.kind, query.province_code, query.parent_id]);
  return ((loaded.data?.items ?? []) as Location[]);
}

export const locationOptions = (locations: Location[]) =>
  locations.map((l) => ({ value: l.location_id, label: `${l.location_id} — ${l.name}` }));

export interface RowResult {
  id: string;
  ok: boolean;
  detail: string;
  rule?: string;
}

/** Run `work` for each id, four at a time; one result per id, a refusal kept with its rule. */
export async function forEach(ids: string[], work: (id: string) => Promise<unknown>): Promise<RowResult[]> {
  const results: RowResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      try {
        await work(id);
        results.push({ id, ok: true, detail: t("bulk.ok") });
      } catch (error) {
        results.push(error instanceof Problem
          ? { id, ok: false, detail: error.field ? `${error.detail} (${error.field})` : error.detail, rule: error.rule }
          : { id, ok: false, detail: String(error) });
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return ids.map((id) => results.find((r) => r.id === id)!);
}

export function Results({ results }: { results: RowResult[] }) {
  if (!results.length) return null;
  return (
    <div class="results">
      <ul>{results.map((r) => (
        <li key={r.id} class={r.ok ? "ok" : "refused"}><code>{r.id}</code>: {r.ok ? "✓" : "✗"} {r.detail} <RuleBadge rule={r.rule} /></li>
      ))}</ul>
    </div>
  );
}
