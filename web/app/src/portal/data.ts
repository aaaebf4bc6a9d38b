// The public figures the portal shows, read without sign-in through the gateway from each service that owns
// them (GET /v1/public/figures, /v1/public/coverage, /v1/public/sites): counts only, small ones as "<10".
import { type AnswerOf, call } from "../api/client";

export type AllocationFigures = AnswerOf<"allocation", "get", "/v1/public/figures">;
export type InventoryFigures = AnswerOf<"inventory", "get", "/v1/public/figures">;
export type RegistrationFigures = AnswerOf<"registration", "get", "/v1/public/figures">;
export type ImmunizationFigures = AnswerOf<"immunization", "get", "/v1/public/figures">;
export type Coverage = AnswerOf<"immunization", "get", "/v1/public/coverage">;
export type Sites = AnswerOf<"inventory", "get", "/v1/public/sites">;
export type Sessions = AnswerOf<"immunization", "get", "/v1/public/sessions">;

export interface Figures {
  inventory: InventoryFigures;
  allocation: AllocationFigures;
  registration: RegistrationFigures;
  immunization: ImmunizationFigures;
  coverage: Coverage;
}

export async function loadFigures(province: string): Promise<Figures> {
  const query = { province: province || undefined };
  const [inventory, allocation, registration, immunization, coverage] = await Promise.all([
    call("inventory", "get", "/v1/public/figures", { query }),
    call("allocation", "get", "/v1/public/figures", { query }),
    call("registration", "get", "/v1/public/figures", { query }),
    call("immunization", "get", "/v1/public/figures", { query }),
    call("immunization", "get", "/v1/public/coverage"),
  ]);
  return { inventory, allocation, registration, immunization, coverage };
}

export interface SitesWithSessions { sites: Sites; next: Map<string, Sessions["items"][number]> }

/** Sites (inventory) and the first session planned at each in the next 14 days (immunization). */
export async function loadSites(query: { province?: string; district?: string; q?: string }): Promise<SitesWithSessions> {
  const [sites, sessions] = await Promise.all([
    call("inventory", "get", "/v1/public/sites", { query: { ...query, limit: 50 } }),
    call("immunization", "get", "/v1/public/sessions", { query: { province: query.province, district: query.district,
                                                                  days: 14, limit: 500 } }),
  ]);
  const next = new Map<string, Sessions["items"][number]>();
  for (const session of sessions.items) if (!next.has(session.site_id)) next.set(session.site_id, session);
  return { sites, next };
}
