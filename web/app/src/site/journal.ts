// The tablet's journal: loading it from IndexedDB, appending an action (outbox entry + the records it
// changes, in one transaction, with the next sequence number), and applying what the server answered.
import { all, done, getMeta, setMeta, transaction } from "./db";
import { type DaySessions, type Entry, type SessionInfo, site, type StockLot, type Vial, type Visit } from "./model";

const RECENT_LIMIT = 8;

export function randomId(prefix: string): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `${prefix}-${Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("")}`;
}

export async function initSite(): Promise<void> {
  let deviceId = await getMeta<string>("deviceId");
  if (!deviceId) {
    deviceId = randomId("TAB");
    await setMeta("deviceId", deviceId);
  }
  const [session, recent, stock, remoteVisits, remoteVials, lastSync, daySessions] = await Promise.all([
    getMeta<SessionInfo>("session"), getMeta<string[]>("recent"), getMeta<StockLot[]>("stock"),
    getMeta<Visit[]>("remoteVisits"), getMeta<Vial[]>("remoteVials"), getMeta<string>("lastSync"),
    getMeta<DaySessions>("daySessions")]);
  site.update((state) => ({ ...state, deviceId, session: session ?? null, recent: recent ?? [], stock: stock ?? [],
                            daySessions: daySessions ?? null,
                            remoteVisits: remoteVisits ?? [], remoteVials: remoteVials ?? [],
                            lastSync: lastSync ?? null }));
  await reload();
  site.update((state) => ({ ...state, ready: true }));
}

/** Re-read the outbox and the current session's records from IndexedDB into the app's state. */
export async function reload(): Promise<void> {
  const session = site.get().session?.session_id;
  const [outbox, visits, vials] = await Promise.all([all<Entry>("outbox"), all<Visit>("visits"), all<Vial>("vials")]);
  site.update((state) => ({
    ...state,
    outbox: outbox.sort((a, b) => a.sequence - b.sequence),
    visits: visits.filter((v) => v.session_id === session),
    vials: vials.filter((v) => v.session_id === session),
  }));
}

export async function chooseSession(sessionId: string, siteId: string): Promise<void> {
  const current = site.get();
  const session: SessionInfo = current.session?.session_id === sessionId ? current.session
    : { session_id: sessionId, site_id: siteId };
  const recent = [sessionId, ...current.recent.filter((s) => s !== sessionId)].slice(0, RECENT_LIMIT);
  await setMeta("session", session);
  await setMeta("recent", recent);
  if (current.session?.session_id !== sessionId) {
    await setMeta("remoteVisits", []);
    await setMeta("remoteVials", []);
    site.update((state) => ({ ...state, remoteVisits: [], remoteVials: [] }));
  }
  site.update((state) => ({ ...state, session, recent }));
  await reload();
}

export async function forgetSession(): Promise<void> {
  await setMeta("session", null);
  site.update((state) => ({ ...state, session: null, visits: [], vials: [], remoteVisits: [], remoteVials: [] }));
}

export type RecordChange = { store: "visits"; value: Visit } | { store: "vials"; value: Vial };

/**
 * Append one action: its outbox entry with the next sequence number and the records it changes, atomically.
 * `records` receives the sequence number so each record can point at the action that made it.
 */
export async function append(entry: Omit<Entry, "sequence" | "status" | "created_at">,
                             records: (sequence: number) => RecordChange[] = () => []): Promise<number> {
  const sequence = await transaction(["meta", "outbox", "visits", "vials"], "readwrite", async (tx) => {
    const meta = tx.objectStore("meta");
    const next = ((await done(meta.get("nextSequence") as IDBRequest<number | undefined>)) ?? 1);
    meta.put(next + 1, "nextSequence");
    tx.objectStore("outbox").put({ ...entry, sequence: next, status: "pending", created_at: new Date().toISOString() });
    for (const change of records(next)) tx.objectStore(change.store).put(change.value);
    return next;
  });
  await reload();
  return sequence;
}

/** Change one visit (or vial) of the journal, e.g. when the server's answer fills in an outcome. */
export async function amend(store: "visits" | "vials", id: string, change: (value: never) => object): Promise<void> {
  await transaction([store], "readwrite", async (tx) => {
    const records = tx.objectStore(store);
    const current = await done(records.get(id) as IDBRequest<object | undefined>);
    if (current) records.put(change(current as never));
  });
}

export type Result = Pick<Entry, "status" | "http_status" | "rule" | "field" | "detail" | "response">;

/** Record the server's answer to one action, and what it teaches the records (person, outcome, discard time). */
export async function settle(entry: Entry, result: Result): Promise<void> {
  await transaction(["outbox", "visits", "vials"], "readwrite", async (tx) => {
    tx.objectStore("outbox").put({ ...entry, ...result });
    const response = result.response ?? {};
    if (result.status === "rejected") return;
    if (entry.kind === "vial_open" && entry.vial_opening_id && typeof response.discard_at === "string") {
      // The server's discard time (its INV-26 decision) replaces the tablet's estimate.
      const vials = tx.objectStore("vials");
      const vial = await done(vials.get(entry.vial_opening_id) as IDBRequest<Vial | undefined>);
      if (vial) vials.put({ ...vial, discard_at: response.discard_at, discard_estimated: false,
                            doses_in_vial: typeof response.doses_in_vial === "number" ? response.doses_in_vial
                              : vial.doses_in_vial });
      return;
    }
    if (!entry.visit_id) return;
    const visits = tx.objectStore("visits");
    const visit = await done(visits.get(entry.visit_id) as IDBRequest<Visit | undefined>);
    if (!visit) return;
    if (entry.kind === "check_in" && typeof response.person_id === "string") {
      visits.put({ ...visit, person_id: response.person_id });
    } else if (entry.kind === "screening" && visit.screening && typeof response.outcome === "string") {
      visits.put({ ...visit, screening: { ...visit.screening, outcome: response.outcome,
        ruleset_id: String(response.ruleset_id ?? ""),
        postponed_until_date: (response.postponed_until_date as string | null) ?? null,
        postponed_until_condition: String(response.postponed_until_condition ?? ""),
        contraindicated_products: (response.contraindicated_products as string[]) ?? [] } });
    }
  });
}

export async function keepServerPicture(session: SessionInfo, visits: Visit[], vials: Vial[]): Promise<void> {
  const lastSync = new Date().toISOString();
  await Promise.all([setMeta("session", session), setMeta("remoteVisits", visits), setMeta("remoteVials", vials),
                     setMeta("lastSync", lastSync)]);
  site.update((state) => ({ ...state, session, remoteVisits: visits, remoteVials: vials, lastSync }));
}

export async function keepDaySessions(daySessions: DaySessions): Promise<void> {
  await setMeta("daySessions", daySessions);
  site.update((state) => ({ ...state, daySessions }));
}

export async function keepStock(stock: StockLot[]): Promise<void> {
  await setMeta("stock", stock);
  site.update((state) => ({ ...state, stock }));
}
