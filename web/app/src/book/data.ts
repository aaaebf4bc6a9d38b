// What the e-health book reads and writes, each from the service that owns it, through the gateway with the
// citizen's token: the household (registration's account: GET /v1/me/persons), a person's registration
// (status, district, appointment), their doses and next dose (immunization), their certificates with the QR
// (certificate), the sessions to book from (immunization's public list) and a reaction (immunization's AEFI).
// A citizen's token names the persons it may read (person:<id>); the household route widens it to the persons
// of the account (the gateway, local mode) - the services refuse anyone else, whatever this page asks.
import { call, url } from "../api/client";
import { Problem } from "../api/problem";
import { loadMe, me } from "../auth";

export interface Member { person_id: string; status: string; appointment_id: string | null }

export interface Registration {
  person_id: string;
  status: string;
  details: { full_name: string; date_of_birth: string; relationship?: string; national_id_kind?: string;
             address?: { province_code: string; district_code: string } };
  decision: { reason?: string; decided_at?: string } | null;
  district: { district_health_centre_id: string; district_code: string; province_code: string } | null;
  appointment: { appointment_id: string; session_id: string; site_id: string; slot_start: string; slot_end: string;
                 series: string; dose_number: number } | null;
}

export interface Dose { dose_id: string; administered_at?: string | null; administered_date?: string | null;
                        series: string; dose_number: number; product?: string | null; presentation_id?: string;
                        lot_number?: string; site_id?: string; historical?: boolean; status?: string;
                        entered_in_error?: boolean }
export interface NextDose { series: string; dose_number: number; earliest_date: string; due_date: string;
                            latest_date?: string | null }
export interface Certificate { certificate_id: string; format: string; level: string; status: string; qr: string;
                               issued_at: string; expires_at: string; dose_ids: string[] }
export interface Session { session_id: string; site_id: string; session_date: string; starts_at: string; ends_at: string }

export const EU_DCC = "EU_DCC_HC1";
export const NATIONAL_PASS = "SMART_HEALTH_CARD";

/** Widen the token to the account's persons (local mode); elsewhere the provider does it at sign-in. */
export async function refreshHousehold(): Promise<boolean> {
  const answer = await fetch("/auth/household", { method: "POST", credentials: "same-origin",
                                                   headers: { Accept: "application/json", "X-VaxTrail-Client": "web" } })
    .catch(() => null);
  if (answer?.ok) await loadMe();
  return answer?.ok ?? false;
}

/** After registering `personId`: widen the token until it names them (registration lists the account's persons
 * from a read model, a moment behind the registration). False when this gateway cannot widen it. */
export async function widenTo(personId: string, attempts = 40): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (!(await refreshHousehold())) return false;
    if (me.get()?.scopes?.includes(`person:${personId}`)) return true;
    await new Promise((resolve) => window.setTimeout(resolve, 250));
  }
  return false;
}

/** The health record's services admit a citizen for the persons their token names (403 otherwise). */
export function covered(personId: string): boolean {
  return me.get()?.scopes?.includes(`person:${personId}`) ?? false;
}

export async function household(): Promise<Member[]> {
  return ((await call("registration", "get", "/v1/me/persons")).items ?? []) as unknown as Member[];
}

export async function registration(personId: string): Promise<Registration> {
  return (await call("registration", "get", "/v1/persons/{person_id}", { params: { person_id: personId } })) as
    unknown as Registration;
}

/** null when the service has nothing (yet) for this person: 404. */
async function orNothing<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof Problem && error.status === 404) return null;
    throw error;
  }
}

export async function doses(personId: string): Promise<Dose[]> {
  const answer = await orNothing(() => call("immunization", "get", "/v1/persons/{person_id}/doses",
                                            { params: { person_id: personId } }));
  return ((answer?.items ?? []) as unknown as Dose[]).filter((d) => !d.entered_in_error);
}

export async function nextDose(personId: string): Promise<NextDose | null> {
  return (await orNothing(() => call("immunization", "get", "/v1/persons/{person_id}/next-dose",
                                     { params: { person_id: personId } }))) as NextDose | null;
}

export async function certificates(personId: string): Promise<Record<string, Certificate>> {
  const record = await orNothing(() => call("certificate", "get", "/v1/persons/{person_id}/record",
                                            { params: { person_id: personId } }));
  return ((record?.current ?? {}) as Record<string, Certificate>);
}

export function documentUrl(personId: string, kind: "png" | "pdf", format: string): string {
  const path = kind === "png" ? "/v1/persons/{person_id}/certificate.png" : "/v1/persons/{person_id}/certificate.pdf";
  return url("certificate", path, { person_id: personId }, { format });
}

export async function sessions(district: string): Promise<Session[]> {
  const answer = await call("immunization", "get", "/v1/public/sessions", { query: { district, days: 31 } });
  return answer.items as Session[];
}

const key = () => ({ "Idempotency-Key": `book:${crypto.randomUUID()}` });

export async function book(personId: string, sessionId: string, doseNumber: number): Promise<void> {
  await call("registration", "post", "/v1/persons/{person_id}/appointments", {
    params: { person_id: personId }, headers: key(),
    body: { session_id: sessionId, series: "PRIMARY", dose_number: doseNumber } });
}

export async function cancel(personId: string, reason: string): Promise<void> {
  await call("registration", "post", "/v1/persons/{person_id}/appointments/cancellation", {
    params: { person_id: personId }, headers: key(), body: { reason } });
}

export async function move(personId: string, sessionId: string, reason: string): Promise<void> {
  await call("registration", "post", "/v1/persons/{person_id}/appointments/reschedule", {
    params: { person_id: personId }, headers: key(), body: { session_id: sessionId, reason } });
}
