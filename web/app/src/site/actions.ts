// What a vaccinator or site manager does, as journal entries: each builds the request body the contract
// asks for (the device-batch item's body is the route's body), records its effect on the tablet's picture
// and asks for an upload. Times are the tablet's clock at the moment of the act, also when offline.
import type { BodyOf } from "../api/client";
import { append, randomId } from "./journal";
import { site, type Vial, type Visit } from "./model";
import { syncNow } from "./sync";

type Batch<P extends "/v1/sessions/{session_id}/check-ins" | "/v1/visits/{visit_id}/screening"
  | "/v1/sessions/{session_id}/vials" | "/v1/sessions/{session_id}/vials/{vial_opening_id}/discard"
  | "/v1/visits/{visit_id}/doses" | "/v1/visits/{visit_id}/not-administered" | "/v1/visits/{visit_id}/observation"> =
  BodyOf<"immunization", "post", P>;

const now = () => new Date().toISOString();

function session(): string {
  const current = site.get().session;
  if (!current) throw new Error("choose today's session first");
  return current.session_id;
}

function queued(sequence: number): number {
  void syncNow();
  return sequence;
}

export async function openSession(staff: { actor_id: string; role: string }[]): Promise<number> {
  const id = session();
  const body: BodyOf<"immunization", "post", "/v1/sessions/{session_id}/open"> = {
    opened_at: now(), staff: staff as BodyOf<"immunization", "post", "/v1/sessions/{session_id}/open">["staff"] };
  return queued(await append({ kind: "direct", session_id: id, body,
    direct: { service: "immunization", path: `/v1/sessions/${encodeURIComponent(id)}/open` },
    what: { key: "what.open", params: { session: id } } }));
}

export interface CheckIn {
  method: "QR" | "ID_DOCUMENT";
  qrToken?: string;
  documentKind?: string;
  documentNumber?: string;
  presenceCode?: string;
  overrideReason?: string;
}

/** The person a check-in pass names: `VXT1.<person id>.<mac>`. */
export function personOfToken(token: string): string | undefined {
  const parts = token.trim().split(".");
  return parts.length === 3 && parts[0] === "VXT1" ? parts[1] : undefined;
}

export async function checkIn(input: CheckIn): Promise<Visit> {
  const sessionId = session();
  const visitId = randomId("V");
  const body: Batch<"/v1/sessions/{session_id}/check-ins"> = {
    visit_id: visitId, identity_method: input.method, checked_in_at: now(),
    qr_token: input.method === "QR" ? input.qrToken?.trim() : undefined,
    document_kind: input.method === "ID_DOCUMENT" ? input.documentKind as "CITIZEN_ID" : undefined,
    document_number: input.method === "ID_DOCUMENT" ? input.documentNumber?.trim() : undefined,
    presence_code: input.presenceCode?.trim() || undefined,
    presence_override_reason: input.overrideReason?.trim() || undefined,
  };
  const who = input.method === "QR" ? (personOfToken(input.qrToken ?? "") ?? "QR")
    : `${input.documentKind} …${(input.documentNumber ?? "").trim().slice(-4)}`;
  const visit: Visit = { visit_id: visitId, session_id: sessionId, person_id: input.method === "QR" ? personOfToken(input.qrToken ?? "") : undefined,
                         who, checked_in_at: body.checked_in_at };
  const seq = queued(await append({ kind: "check_in", session_id: sessionId, visit_id: visitId, body,
                                    what: { key: "what.checkIn", params: { who } } },
                                  (sequence) => [{ store: "visits", value: { ...visit, seq: sequence } }]));
  return { ...visit, seq };
}

export async function screen(visit: Visit, inputs: Batch<"/v1/visits/{visit_id}/screening">): Promise<number> {
  return queued(await append({ kind: "screening", session_id: visit.session_id, visit_id: visit.visit_id, body: inputs,
                        what: { key: "what.screening", params: { who: visit.who } } },
    (seq) => [{ store: "visits", value: { ...strip(visit), screening: { seq, screened_at: inputs.screened_at,
                                                                         inputs: inputs as unknown as Record<string, unknown> } } }]));
}

export async function openVial(lotId: string, dosesInVial?: number): Promise<Vial> {
  const sessionId = session();
  const vial: Vial = { vial_opening_id: randomId("VIAL"), session_id: sessionId, lot_id: lotId.trim(), opened_at: now(),
                       drawn: 0, doses_in_vial: dosesInVial,
                       discard_at: new Date(Date.now() + 6 * 3600_000).toISOString(), discard_estimated: true };
  const body: Batch<"/v1/sessions/{session_id}/vials"> = { vial_opening_id: vial.vial_opening_id, lot_id: vial.lot_id,
                                                           opened_at: vial.opened_at };
  const seq = queued(await append({ kind: "vial_open", session_id: sessionId, vial_opening_id: vial.vial_opening_id, body,
                                    what: { key: "what.vialOpen", params: { lot: vial.lot_id } } },
                                  (sequence) => [{ store: "vials", value: { ...vial, seq: sequence } }]));
  return { ...vial, seq };
}

export async function discardVial(vial: Vial, reason: Batch<"/v1/sessions/{session_id}/vials/{vial_opening_id}/discard">["reason"]):
    Promise<number> {
  const residual = vial.doses_in_vial === undefined ? undefined : Math.max(0, vial.doses_in_vial - vial.drawn);
  const body: Batch<"/v1/sessions/{session_id}/vials/{vial_opening_id}/discard"> = { discarded_at: now(), reason,
                                                                                    residual_doses: residual };
  return queued(await append({ kind: "vial_discard", session_id: vial.session_id, vial_opening_id: vial.vial_opening_id, body,
                        what: { key: "what.vialDiscard", params: { lot: vial.lot_id } } },
    (seq) => [{ store: "vials", value: { ...strip(vial), discarded: { seq, at: body.discarded_at, reason, residual } } }]));
}

export interface DoseInput {
  vial: Vial;
  series: "PRIMARY" | "ADDITIONAL" | "BOOSTER";
  doseNumber: number;
  route: "IM" | "SC" | "ID";
  bodySite: "LEFT_DELTOID" | "RIGHT_DELTOID" | "LEFT_THIGH" | "RIGHT_THIGH";
  heterologousConsent: boolean;
}

export async function recordDose(visit: Visit, input: DoseInput): Promise<number> {
  const body: Batch<"/v1/visits/{visit_id}/doses"> = {
    dose_id: randomId("DOSE"), vial_opening_id: input.vial.vial_opening_id, series: input.series,
    dose_number: input.doseNumber, administered_at: now(), route: input.route, body_site: input.bodySite,
    heterologous_consent: input.heterologousConsent };
  const dose = { dose_id: body.dose_id!, vial_opening_id: body.vial_opening_id, administered_at: body.administered_at,
                 series: body.series, dose_number: body.dose_number };
  return queued(await append({ kind: "dose", session_id: visit.session_id, visit_id: visit.visit_id, body,
                        what: { key: "what.dose", params: { who: visit.who } } },
    (seq) => [{ store: "visits", value: { ...strip(visit), dose: { ...dose, seq } } }]));
}

export async function notAdministered(visit: Visit, reason: Batch<"/v1/visits/{visit_id}/not-administered">["reason"]):
    Promise<number> {
  const body: Batch<"/v1/visits/{visit_id}/not-administered"> = { reason, recorded_at: now() };
  return queued(await append({ kind: "not_administered", session_id: visit.session_id, visit_id: visit.visit_id, body,
                        what: { key: "what.notAdministered", params: { who: visit.who } } },
    (seq) => [{ store: "visits", value: { ...strip(visit), not_administered: { seq, reason, recorded_at: body.recorded_at } } }]));
}

export async function completeObservation(visit: Visit, outcome: Batch<"/v1/visits/{visit_id}/observation">["outcome"]):
    Promise<number> {
  const body: Batch<"/v1/visits/{visit_id}/observation"> = { ended_at: now(), outcome,
                                                            started_at: visit.dose?.administered_at };
  return queued(await append({ kind: "observation", session_id: visit.session_id, visit_id: visit.visit_id, body,
                        what: { key: "what.observation", params: { who: visit.who } } },
    (seq) => [{ store: "visits", value: { ...strip(visit), observation: { seq, ended_at: body.ended_at, outcome } } }]));
}

export async function reportAefi(visit: Visit, report: Omit<BodyOf<"immunization", "post", "/v1/aefi">, "aefi_id">):
    Promise<number> {
  const body: BodyOf<"immunization", "post", "/v1/aefi"> = { ...report, aefi_id: randomId("AEFI") };
  return queued(await append({ kind: "direct", session_id: visit.session_id, visit_id: visit.visit_id, body,
                        direct: { service: "immunization", path: "/v1/aefi" },
                        what: { key: "what.aefi", params: { who: visit.who } } },
    (seq) => [{ store: "visits", value: { ...strip(visit), aefi: { seq, aefi_id: body.aefi_id!, serious: report.serious } } }]));
}

export async function closeSession(discardOpenVials: boolean): Promise<number> {
  const id = session();
  const body: BodyOf<"immunization", "post", "/v1/sessions/{session_id}/close"> = { closed_at: now(),
                                                                                   discard_open_vials: discardOpenVials };
  return queued(await append({ kind: "direct", session_id: id, body,
    direct: { service: "immunization", path: `/v1/sessions/${encodeURIComponent(id)}/close` },
    what: { key: "what.close", params: { session: id } } }));
}

export async function registerWalkIn(body: BodyOf<"registration", "post", "/v1/persons">, label: string): Promise<number> {
  return queued(await append({ kind: "direct", session_id: session(), body,
                               direct: { service: "registration", path: "/v1/persons" },
                               what: { key: "what.walkIn", params: { who: label } } }));
}

/** The site's standing delegation approves the walk-in it registered, for today's session (and assigns them to
 * the site's district centre): then they can be checked in like anyone approved. */
export async function approveWalkIn(person: string, label: string): Promise<number> {
  const body: BodyOf<"registration", "post", "/v1/persons/{person_id}/walk-in-approval"> = {
    session_id: session(), reason: "walk-in at the site" };
  return queued(await append({ kind: "direct", session_id: body.session_id, body,
    direct: { service: "registration", path: `/v1/persons/${encodeURIComponent(person)}/walk-in-approval` },
    what: { key: "what.walkInApproval", params: { who: label } } }));
}

/** A remote record (from the day sheet) becomes this tablet's own once it acts on it. */
function strip<T extends { remote?: boolean }>(record: T): T {
  const { remote: _remote, ...own } = record;
  return own as T;
}
