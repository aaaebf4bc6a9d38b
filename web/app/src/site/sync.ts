// Uploading the outbox, each action once. Consecutive site actions go in one device batch
// (`POST /v1/sites/{site}/devices/{device}/batches`): the device id + sequence number is the idempotency
// key, so an upload cut off halfway and sent again creates nothing twice - items already stored come back
// `replayed`. Other actions (opening or closing the session, an AEFI, a walk-in registration) are sent on
// their own with `Idempotency-Key: web:<device>:<sequence>`. No answer (offline, 502-504) leaves the rest
// queued for the next try; a refusal is kept with the rule, field and detail that refused it.
import { call, send, url } from "../api/client";
import { Problem, Unreachable } from "../api/problem";
import { scopeOf, me } from "../auth";
import { keepServerPicture, keepStock, reload, settle } from "./journal";
import { type Entry, type SessionInfo, site, type Vial, type Visit } from "./model";

const BATCH_LIMIT = 100;
const RETRY_MS = 5_000;
let running: Promise<void> | null = null;
let next: Promise<void> | null = null;

export function siteId(): string | undefined {
  return site.get().session?.site_id ?? scopeOf(me.get(), "site");
}

/**
 * Upload everything pending, then refresh the server's picture of the session. One upload runs at a time;
 * asked while one runs, another follows it (the running one may have read the outbox before the newest action).
 */
export function syncNow(): Promise<void> {
  if (running) {
    next ??= running.then(() => {
      next = null;
      return syncNow();
    });
    return next;
  }
  running = flush().finally(() => {
    running = null;
  });
  return running;
}

async function flush(): Promise<void> {
  site.update((state) => ({ ...state, syncing: true }));
  try {
    let previous = -1;
    for (;;) {
      const pending = site.get().outbox.filter((e) => e.status === "pending");
      // Nothing left, or the server's answer settled nothing (it should): stop rather than ask again at once.
      if (pending.length === 0 || pending[0].sequence === previous) break;
      previous = pending[0].sequence;
      if (pending[0].kind === "direct") await sendDirect(pending[0]);
      else await sendBatch(takeBatch(pending));
      await reload();
    }
    setOnline(true);
    await refreshFromServer();
  } catch (error) {
    if (error instanceof Unreachable) setOnline(false);
    else if (!(error instanceof Problem && error.status === 401)) console.error(error);
  } finally {
    site.update((state) => ({ ...state, syncing: false }));
  }
}

function takeBatch(pending: Entry[]): Entry[] {
  const batch: Entry[] = [];
  for (const entry of pending) {
    if (entry.kind === "direct" || batch.length === BATCH_LIMIT) break;
    batch.push(entry);
  }
  return batch;
}

async function sendBatch(entries: Entry[]): Promise<void> {
  const { deviceId } = site.get();
  const where = siteId();
  if (!where) throw new Problem({ title: "No site", detail: "sign in with a site scope" }, 400);
  const items = entries.map((e) => ({ sequence: e.sequence, kind: e.kind as Exclude<Entry["kind"], "direct">,
    session_id: e.session_id, visit_id: e.visit_id ?? null, vial_opening_id: e.vial_opening_id ?? null, body: e.body }));
  let answer;
  try {
    answer = await call("immunization", "post", "/v1/sites/{site_id}/devices/{device_id}/batches",
                        { params: { site_id: where, device_id: deviceId }, body: { items } });
  } catch (error) {
    if (error instanceof Problem && error.status !== 401) {
      // The batch as a whole was refused (e.g. this login's scope is another site): each item says so.
      for (const entry of entries) await settle(entry, refusal(error));
      return;
    }
    throw error;
  }
  for (const result of answer.items) {
    const entry = entries.find((e) => e.sequence === result.sequence);
    if (!entry) continue;
    await settle(entry, { status: result.status, http_status: result.http_status ?? null, rule: result.rule ?? null,
                          field: result.field ?? null, detail: result.detail ?? null, response: result.response ?? null });
  }
}

async function sendDirect(entry: Entry): Promise<void> {
  const { deviceId } = site.get();
  try {
    const answer = await send("post", url(entry.direct!.service, entry.direct!.path), {
      body: entry.body, headers: { "Idempotency-Key": `web:${deviceId}:${entry.sequence}` } });
    const replayed = answer.headers.get("Idempotent-Replayed") === "true";
    await settle(entry, { status: replayed ? "replayed" : "accepted", http_status: answer.status, rule: null,
                          field: null, detail: null, response: (await answer.json()) as Record<string, unknown> });
  } catch (error) {
    if (error instanceof Problem && error.status !== 401) await settle(entry, refusal(error));
    else throw error;
  }
}

const refusal = (problem: Problem) => ({ status: "rejected" as const, http_status: problem.status,
  rule: problem.rule ?? null, field: problem.field ?? null, detail: problem.detail, response: null });

function setOnline(online: boolean): void {
  if (site.get().online !== online) site.update((state) => ({ ...state, online }));
}

/** The day sheet (work of every tablet) and, for a site manager, the lots the site holds. */
export async function refreshFromServer(): Promise<void> {
  const session = site.get().session;
  if (!session) return;
  const sheet = await call("immunization", "get", "/v1/sessions/{session_id}/day-sheet",
                           { params: { session_id: session.session_id } });
  const info: SessionInfo = { ...session, status: sheet.status, opened_at: sheet.opened_at ?? null,
                              closed_at: sheet.closed_at ?? null, totals: sheet.totals, fetched_at: new Date().toISOString() };
  const visits: Visit[] = sheet.visits.map((row) => ({
    visit_id: String(row.visit_id), session_id: session.session_id, person_id: String(row.person_id ?? ""),
    who: String(row.person_id ?? ""), checked_in_at: String(row.checked_in_at), remote: true,
    screening: row.screening_outcome ? { seq: -1, screened_at: "", inputs: {}, outcome: String(row.screening_outcome),
      ruleset_id: String(row.ruleset_id ?? ""), postponed_until_date: (row.postponed_until as string | null) ?? null } : undefined,
    dose: row.dose_id ? { dose_id: String(row.dose_id), vial_opening_id: "", administered_at: String(row.administered_at),
                          series: "", dose_number: 0 } : undefined,
    not_administered: row.not_administered_reason ? { reason: String(row.not_administered_reason), recorded_at: "" } : undefined,
    observation: row.observation_ended_at ? { ended_at: String(row.observation_ended_at),
                                              outcome: String(row.observation_outcome ?? "") } : undefined,
  }));
  const vials: Vial[] = sheet.vials.map((row) => ({
    vial_opening_id: String(row.vial_opening_id), session_id: session.session_id, lot_id: String(row.lot_id),
    opened_at: String(row.opened_at), remote: true, doses_in_vial: Number(row.doses_in_vial),
    discard_at: String(row.discard_at), drawn: Number(row.doses_drawn),
    discarded: row.discarded_at ? { at: String(row.discarded_at), reason: String(row.discard_reason ?? ""),
                                    residual: (row.residual_doses as number | null) ?? null } : undefined,
  }));
  await keepServerPicture(info, visits, vials);
  if (me.get()?.role === "site_manager") {
    try {
      const stock = await call("inventory", "get", "/v1/stock", { query: { location_id: session.site_id } });
      await keepStock(stock.items.map((row) => ({ lot_id: row.lot_id, presentation_id: row.presentation_id,
        doses: row.doses, vials: row.vials, usable_doses: row.usable_doses, status: row.status,
        effective_expiry: row.effective_expiry })));
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
    }
  }
}

/**
 * Retry whenever the browser says it is back online, and every few seconds: upload what waits, or else
 * re-read the day sheet (the server's picture: other tablets' work, the session's status, vials' discard times).
 */
export function startSyncLoop(): void {
  window.addEventListener("online", () => {
    setOnline(true);
    void syncNow();
  });
  window.addEventListener("offline", () => setOnline(false));
  window.setInterval(() => {
    if (!navigator.onLine || running) return;
    if (site.get().outbox.some((e) => e.status === "pending")) void syncNow();
    else void refreshFromServer().then(() => setOnline(true), (error: unknown) => {
      if (error instanceof Unreachable) setOnline(false);
    });
  }, RETRY_MS);
}

/**
 * Try to upload now and say how the action `sequence` fared: a refusal is thrown as the Problem the service
 * answered (its field without the batch's `body.` prefix, so the form shows it next to the input); an
 * action still waiting (offline) returns "queued".
 */
export async function uploaded(sequence: number): Promise<"accepted" | "queued"> {
  await syncNow();
  const entry = site.get().outbox.find((e) => e.sequence === sequence);
  if (!entry || entry.status === "pending") return "queued";
  if (entry.status === "rejected") {
    throw new Problem({ title: "Refused", detail: entry.detail ?? "", rule: entry.rule ?? undefined,
                        field: entry.field?.replace(/^body\./, "") ?? undefined }, entry.http_status ?? 422);
  }
  return "accepted";
}
