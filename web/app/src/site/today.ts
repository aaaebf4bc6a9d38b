// The site's sessions of today (immunization's `GET /v1/sites/{site_id}/sessions?date=`, the district's plan
// with each session's status), kept on the tablet: offline, the site app shows the last list it fetched.
import { call } from "../api/client";
import { Unreachable } from "../api/problem";
import { localDate } from "../ui/time";
import { keepDaySessions } from "./journal";
import { type DaySession, site } from "./model";

const PAGE = 100;

/** Fetch today's sessions of `siteId` (in the campaign's zone) and keep them; offline, keep the last list. */
export async function refreshDaySessions(siteId: string): Promise<"fetched" | "offline"> {
  const date = localDate();
  const items: DaySession[] = [];
  try {
    for (let offset = 0; ; offset += PAGE) {
      const page = await call("immunization", "get", "/v1/sites/{site_id}/sessions",
                              { params: { site_id: siteId }, query: { date, limit: PAGE, offset } });
      items.push(...page.items.map((s) => ({ session_id: s.session_id, starts_at: s.starts_at, ends_at: s.ends_at,
        presentation_id: s.presentation_id, vaccine_code: s.vaccine_code ?? null, status: s.status })));
      if (page.items.length < PAGE || items.length >= page.total) break;
    }
  } catch (error) {
    if (error instanceof Unreachable) return "offline";
    throw error;
  }
  await keepDaySessions({ site_id: siteId, date, items, fetched_at: new Date().toISOString() });
  return "fetched";
}

/** The kept list, if it is this site's. */
export function daySessionsOf(siteId: string | undefined) {
  const kept = site.get().daySessions;
  return kept && kept.site_id === siteId ? kept : null;
}
