// What the response centre reads, and from whom - every figure from the service that owns it, through the
// gateway with the signed-in officer's token, so the services enforce the scope:
// - immunization GET /v1/reports/provinces: doses per day, people with one / two doses and coverage, AEFI;
// - inventory GET /v1/reports/provinces: stock, 7-day use, days of supply, 30-day wastage, lots suspended or
//   recalled;
// - immunization GET /v1/public/coverage: the provinces' names (public);
// - national administrators only: audit GET /v1/lots/{lot}/trail for each blocked lot (its recall list: the
//   people, sites and certificates it reached), and every service's GET /v1/ops/health (relay backlog,
//   projection lag, dead letters).
// A province officer names their province (from the token's `province:<code>` scope); the services refuse
// any other.
import { type AnswerOf, call, type Service } from "../api/client";

export type DoseReport = AnswerOf<"immunization", "get", "/v1/reports/provinces">;
export type StockReport = AnswerOf<"inventory", "get", "/v1/reports/provinces">;
export type OpsHealth = AnswerOf<"inventory", "get", "/v1/ops/health">;
export type BlockedLot = StockReport["blocked_lots"][number];

export const SERVICES: Service[] = ["registration", "inventory", "allocation", "immunization", "certificate", "audit"];

export interface Recipients { lot_id: string; doses: number; people: number; sites: number; certificates: number }
export interface Health { service: Service; health: OpsHealth | null; error: unknown }

export interface Picture {
  doses: DoseReport;
  stock: StockReport;
  names: Map<string, string>;
  recipients: Map<string, Recipients> | null;
  health: Health[] | null;
}

/** The lots a recall list reached: doses not entered in error, distinct people and sites, certificates. */
async function recipients(lotId: string): Promise<Recipients | null> {
  let trail;
  try {
    trail = await call("audit", "get", "/v1/lots/{lot_id}/trail", { params: { lot_id: lotId } });
  } catch {
    return null; // audit has not recorded the lot yet (404) or is unreachable: shown as "—"
  }
  const rows = (trail.recall ?? []).filter((r) => r.dose_status !== "ENTERED_IN_ERROR");
  return { lot_id: lotId, doses: rows.length, people: new Set(rows.map((r) => r.person_id)).size,
           sites: new Set(rows.map((r) => r.site_id)).size,
           certificates: rows.reduce((n, r) => n + r.certificates.length, 0) };
}

async function health(): Promise<Health[]> {
  return Promise.all(SERVICES.map(async (service) => {
    try {
      return { service, health: (await call(service, "get", "/v1/ops/health")) as OpsHealth, error: null };
    } catch (error: unknown) {
      return { service, health: null, error };
    }
  }));
}

export async function loadPicture(province: string | null, national: boolean): Promise<Picture> {
  const query = { province_code: province ?? undefined };
  const [doses, stock, coverage, platform] = await Promise.all([
    call("immunization", "get", "/v1/reports/provinces", { query }),
    call("inventory", "get", "/v1/reports/provinces", { query }),
    call("immunization", "get", "/v1/public/coverage"),
    national ? health() : Promise.resolve(null),
  ]);
  const names = new Map(coverage.provinces.map((p) => [p.province_code, p.name ?? p.province_code]));
  let reached: Map<string, Recipients> | null = null;
  if (national) {
    const lots = [...new Set(stock.blocked_lots.map((l) => l.lot_id))];
    const found = await Promise.all(lots.map(recipients));
    reached = new Map(found.filter((r): r is Recipients => r !== null).map((r) => [r.lot_id, r]));
  }
  return { doses, stock, names, recipients: reached, health: platform };
}
