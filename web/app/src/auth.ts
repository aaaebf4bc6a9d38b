// Who is signed in, as the gateway says (`/auth/me`: it checks the token in the HttpOnly cookie). The app
// keeps the last answer on the device, so a tablet that starts offline still knows its user and site; the
// token itself never reaches a script. Sign-in: the development sign-in (local mode only) or OpenID Connect.
import { SIGNED_OUT_EVENT } from "./api/client";
import { Problem, Unreachable } from "./api/problem";
import { store } from "./store";

export interface Me {
  signed_in: boolean;
  env: string;
  dev_signin: boolean;
  oidc: boolean;
  roles: string[];
  actor_id?: string;
  role?: string;
  scopes?: string[];
  expires_at?: number;
  /** true when this is the copy kept on the device, not a fresh answer */
  offline?: boolean;
}

const CACHE = "vaxtrail.me";
export const SITE_ROLES = ["vaccinator", "site_manager"];
export const me = store<Me | null>(null);

export async function loadMe(): Promise<Me> {
  try {
    const answer = await fetch("/auth/me", { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!answer.ok) throw new Unreachable(`HTTP ${answer.status}`);
    const fresh = (await answer.json()) as Me;
    if (fresh.signed_in) localStorage.setItem(CACHE, JSON.stringify(fresh));
    else localStorage.removeItem(CACHE);
    me.set(fresh);
    return fresh;
  } catch {
    const kept = localStorage.getItem(CACHE);
    const cached: Me = kept ? { ...(JSON.parse(kept) as Me), offline: true }
      : { signed_in: false, env: "", dev_signin: false, oidc: false, roles: [], offline: true };
    me.set(cached);
    return cached;
  }
}

export async function devSignIn(role: string, scopes: string[], name: string): Promise<Me> {
  const answer = await fetch("/auth/dev", {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-VaxTrail-Client": "web" },
    body: JSON.stringify({ role, scopes, name }),
  }).catch((error: unknown) => { throw new Unreachable(String(error)); });
  const body = (await answer.json()) as Record<string, unknown>;
  if (!answer.ok) throw new Problem(body, answer.status);
  const fresh = body as unknown as Me;
  localStorage.setItem(CACHE, JSON.stringify(fresh));
  me.set(fresh);
  return fresh;
}

export async function signOut(): Promise<void> {
  localStorage.removeItem(CACHE);
  await fetch("/auth/logout", { method: "POST", credentials: "same-origin", headers: { "X-VaxTrail-Client": "web" } })
    .catch(() => undefined);
  await loadMe();
}

export function oidcLoginUrl(next: string): string {
  return `/auth/login?next=${encodeURIComponent(next)}`;
}

/** The value of the first scope of a kind: `scopeOf(me, "site")` -> "S-79-760-01". */
export function scopeOf(who: Me | null, kind: "site" | "district" | "province" | "person"): string | undefined {
  const scope = who?.scopes?.find((s) => s.startsWith(`${kind}:`));
  return scope?.slice(kind.length + 1);
}

export function isNational(who: Me | null): boolean {
  return who?.scopes?.includes("national") ?? false;
}

window.addEventListener(SIGNED_OUT_EVENT, () => {
  const current = me.get();
  if (current?.signed_in) me.set({ ...current, signed_in: false });
});
