// The site app's picture of the session: the tablet's own visits and vials (from IndexedDB), the last day
// sheet the server sent (work other tablets did), and the outbox. Every record remembers the sequence
// number of the action that made it, so its state - waiting, accepted, refused by a rule - is the state of
// that action in the outbox.
import type { Service } from "../api/client";
import type { Key } from "../i18n";
import { store } from "../store";

/** Everyone vaccinated stays under observation this long (INV-29). */
export const OBSERVATION_MINUTES = 30;

export type BatchKind = "check_in" | "screening" | "vial_open" | "vial_discard" | "dose" | "not_administered"
  | "observation";
export type EntryStatus = "pending" | "accepted" | "replayed" | "rejected";

export interface Entry {
  sequence: number;
  kind: BatchKind | "direct";
  session_id: string;
  visit_id?: string;
  vial_opening_id?: string;
  body: Record<string, unknown>;
  /** a request outside the device batch (open or close the session, an AEFI, a walk-in registration) */
  direct?: { service: Service; path: string };
  what: { key: Key; params: Record<string, string | number> };
  created_at: string;
  status: EntryStatus;
  http_status?: number | null;
  rule?: string | null;
  field?: string | null;
  detail?: string | null;
  response?: Record<string, unknown> | null;
}

export interface Screening {
  seq: number;
  screened_at: string;
  inputs: Record<string, unknown>;
  outcome?: string;
  ruleset_id?: string;
  postponed_until_date?: string | null;
  postponed_until_condition?: string;
  contraindicated_products?: string[];
}

export interface Visit {
  visit_id: string;
  session_id: string;
  person_id?: string;
  who: string;
  checked_in_at: string;
  seq?: number;
  remote?: boolean;
  screening?: Screening;
  dose?: { seq?: number; dose_id: string; vial_opening_id: string; administered_at: string; series: string;
           dose_number: number };
  not_administered?: { seq?: number; reason: string; recorded_at: string };
  observation?: { seq?: number; ended_at: string; outcome: string };
  aefi?: { seq: number; aefi_id: string; serious: boolean };
}

export interface Vial {
  vial_opening_id: string;
  session_id: string;
  lot_id: string;
  opened_at: string;
  seq?: number;
  remote?: boolean;
  doses_in_vial?: number;
  discard_at?: string;
  discard_estimated?: boolean;
  drawn: number;
  discarded?: { seq?: number; at: string; reason: string; residual?: number | null };
}

export interface SessionInfo {
  session_id: string;
  site_id: string;
  status?: string;
  opened_at?: string | null;
  closed_at?: string | null;
  totals?: Record<string, unknown>;
  fetched_at?: string;
}

/** A session of the site's day as the service lists it (allocation's plan, its status at immunization). */
export interface DaySession {
  session_id: string;
  starts_at: string;
  ends_at: string;
  presentation_id: string;
  vaccine_code?: string | null;
  status: string;
}

/** The last list of the site's sessions the tablet fetched: shown as it was when offline. */
export interface DaySessions {
  site_id: string;
  date: string;
  items: DaySession[];
  fetched_at: string;
}

export interface StockLot {
  lot_id: string;
  presentation_id: string;
  doses: number;
  vials: number;
  usable_doses: number;
  status: string;
  effective_expiry: string | null;
}

export interface SiteState {
  ready: boolean;
  deviceId: string;
  session: SessionInfo | null;
  recent: string[];
  daySessions: DaySessions | null;
  visits: Visit[];
  vials: Vial[];
  outbox: Entry[];
  remoteVisits: Visit[];
  remoteVials: Vial[];
  stock: StockLot[];
  syncing: boolean;
  lastSync: string | null;
  online: boolean;
}

export const site = store<SiteState>({
  ready: false, deviceId: "", session: null, recent: [], daySessions: null, visits: [], vials: [], outbox: [], remoteVisits: [],
  remoteVials: [], stock: [], syncing: false, lastSync: null, online: navigator.onLine,
});

export function entryOf(state: SiteState, seq: number | undefined): Entry | undefined {
  return seq === undefined ? undefined : state.outbox.find((e) => e.sequence === seq);
}

/** The state of the action that made a record: remote records were accepted on another tablet. */
export function statusOf(state: SiteState, seq: number | undefined, remote = false): EntryStatus | "remote" {
  if (remote) return "remote";
  return entryOf(state, seq)?.status ?? "accepted";
}

/** This tablet's visits, then the ones other tablets checked in (from the day sheet), newest first. */
export function allVisits(state: SiteState): Visit[] {
  const own = new Set(state.visits.map((v) => v.visit_id));
  const merged = state.visits.map((visit) => withServerFacts(visit, state.remoteVisits.find((r) => r.visit_id === visit.visit_id)));
  return [...merged, ...state.remoteVisits.filter((v) => !own.has(v.visit_id))]
    .sort((a, b) => b.checked_in_at.localeCompare(a.checked_in_at));
}

function withServerFacts(visit: Visit, server: Visit | undefined): Visit {
  if (!server) return visit;
  return {
    ...visit,
    person_id: visit.person_id ?? server.person_id,
    screening: visit.screening && !visit.screening.outcome && server.screening?.outcome
      ? { ...visit.screening, outcome: server.screening.outcome, ruleset_id: server.screening.ruleset_id }
      : visit.screening,
  };
}

/**
 * The session's vials: this tablet's (with the server's discard time and dose count once it has them) and the
 * ones other tablets opened. Doses drawn = what the server counted plus this tablet's doses not uploaded yet,
 * and never fewer than this tablet's own doses that were not refused.
 */
export function allVials(state: SiteState): Vial[] {
  const doses = (id: string, statuses: EntryStatus[]) => state.visits.filter((v) => v.dose?.vial_opening_id === id
    && statuses.includes(entryOf(state, v.dose.seq)?.status ?? "accepted")).length;
  const drawn = (id: string, server?: Vial) => Math.max((server?.drawn ?? 0) + doses(id, ["pending"]),
                                                        doses(id, ["pending", "accepted", "replayed"]));
  const local = state.vials.map((vial) => {
    const server = state.remoteVials.find((r) => r.vial_opening_id === vial.vial_opening_id);
    const counted = drawn(vial.vial_opening_id, server);
    if (!server) return { ...vial, drawn: counted };
    return { ...vial, doses_in_vial: server.doses_in_vial, discard_at: server.discard_at, discard_estimated: false,
             drawn: counted, discarded: vial.discarded ?? server.discarded };
  });
  const own = new Set(state.vials.map((v) => v.vial_opening_id));
  const remote = state.remoteVials.filter((v) => !own.has(v.vial_opening_id))
    .map((vial) => ({ ...vial, drawn: drawn(vial.vial_opening_id, vial) }));
  return [...local, ...remote].sort((a, b) => a.opened_at.localeCompare(b.opened_at));
}

export function usableVial(vial: Vial, state: SiteState, now = new Date()): boolean {
  const status = statusOf(state, vial.seq, vial.remote);
  return status !== "rejected" && !vial.discarded && (!vial.discard_at || new Date(vial.discard_at) > now)
    && (vial.doses_in_vial === undefined || vial.drawn < vial.doses_in_vial);
}

/** The visit's dose unless the service refused it (a refused dose was never given). */
export function doseOf(state: SiteState, visit: Visit): Visit["dose"] {
  return visit.dose && statusOf(state, visit.dose.seq, visit.remote) !== "rejected" ? visit.dose : undefined;
}

export const pendingCount = (state: SiteState) => state.outbox.filter((e) => e.status === "pending").length;
