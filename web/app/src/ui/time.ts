// Business times: the services take ISO-8601 with a zone; date-time inputs have none, so the app reads and
// writes them in the campaign's zone (UTC+07:00, no daylight saving) whatever zone the tablet is set to.
const ICT_OFFSET_MS = 7 * 3600 * 1000;

export function nowIso(): string {
  return new Date().toISOString();
}

/** "2021-04-17T08:30:05" (as a datetime-local input with seconds holds it, in ICT) for an instant. */
export function toLocalInput(iso: string | Date = new Date()): string {
  const instant = typeof iso === "string" ? new Date(iso) : iso;
  return new Date(instant.getTime() + ICT_OFFSET_MS).toISOString().slice(0, 19);
}

/** The instant a datetime-local input value means, in ICT: "2021-04-17T08:30:00+07:00". */
export function fromLocalInput(value: string): string {
  return value.length === 16 ? `${value}:00+07:00` : `${value}+07:00`;
}

/** Today's date (ICT) as YYYY-MM-DD, shifted by `days`. */
export function localDate(days = 0, from: Date = new Date()): string {
  return new Date(from.getTime() + ICT_OFFSET_MS + days * 86400_000).toISOString().slice(0, 10);
}

export function minutesBetween(fromIso: string, to: Date = new Date()): number {
  return (to.getTime() - new Date(fromIso).getTime()) / 60000;
}

/** "1:05:09" or "4:59" for a number of seconds (negative: "-0:12"). */
export function clock(seconds: number): string {
  const sign = seconds < 0 ? "-" : "";
  const s = Math.abs(Math.trunc(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, "0");
  return h ? `${sign}${h}:${String(m).padStart(2, "0")}:${r}` : `${sign}${m}:${r}`;
}
