// What a refusal looks like to the app. Every service answers errors as RFC 9457 problem+json with `rule`
// (the invariant or check, e.g. INV-16) and `field` (the input at fault); the app shows `detail`, `rule`
// and `field` next to the field. `Unreachable` is the other kind of failure: no answer at all (offline,
// a service down behind the gateway: 502/503/504) - the site app keeps such work queued and retries.

export interface FieldError {
  field: string;
  rule?: string;
  message: string;
}

export class Problem extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly rule?: string;
  readonly field?: string;
  readonly errors: FieldError[];

  constructor(body: Record<string, unknown>, status: number) {
    const detail = typeof body.detail === "string" ? body.detail : String(body.title ?? `HTTP ${status}`);
    super(detail);
    this.status = status;
    this.title = typeof body.title === "string" ? body.title : `HTTP ${status}`;
    this.detail = detail;
    this.rule = typeof body.rule === "string" ? body.rule : undefined;
    this.field = typeof body.field === "string" ? body.field : undefined;
    this.errors = Array.isArray(body.errors)
      ? body.errors.filter((e): e is FieldError => typeof e?.field === "string" && typeof e?.message === "string")
      : [];
  }

  /** The message for one form field (`lines.0.doses`), if the problem names it or a field inside it. */
  forField(name: string): string | undefined {
    const own = this.errors.find((e) => e.field === name);
    if (own) return own.rule ? `${own.message} (${own.rule})` : own.message;
    if (this.field === name) return this.rule ? `${this.detail} (${this.rule})` : this.detail;
    return undefined;
  }
}

export class Unreachable extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** A problem body the app makes itself (e.g. a required field left empty before anything is sent). */
export function localProblem(field: string, detail: string, rule = "required"): Problem {
  return new Problem({ title: "Invalid input", detail, rule, field }, 422);
}
