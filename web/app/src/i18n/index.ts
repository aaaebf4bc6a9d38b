// Vietnamese and English. `t(key)` looks a text up in the language the user chose (default: the browser's,
// Vietnamese unless it asks for English); `vi` must translate every key of `en` (tsc checks it). Times are
// shown in the campaign's time zone, Asia/Ho_Chi_Minh (UTC+07:00), whatever the tablet's zone.
import { useEffect, useState } from "preact/hooks";
import { en, type Key } from "./en";
import { vi } from "./vi";

export type Lang = "vi" | "en";
export type { Key };
const DICTIONARIES: Record<Lang, Record<Key, string>> = { en, vi };
const STORAGE = "vaxtrail.lang";
export const TIME_ZONE = "Asia/Ho_Chi_Minh";

function initial(): Lang {
  const saved = globalThis.localStorage?.getItem(STORAGE);
  if (saved === "vi" || saved === "en") return saved;
  return globalThis.navigator?.language?.toLowerCase().startsWith("en") ? "en" : "vi";
}

let current: Lang = initial();
const listeners = new Set<(lang: Lang) => void>();

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  globalThis.localStorage?.setItem(STORAGE, next);
  document.documentElement.lang = next;
  listeners.forEach((listener) => listener(next));
}

/** Re-render the calling component when the language changes. */
export function useLang(): Lang {
  const [value, set] = useState(current);
  useEffect(() => {
    listeners.add(set);
    return () => listeners.delete(set);
  }, []);
  return value;
}

export function t(key: Key, params: Record<string, string | number> = {}): string {
  const text = DICTIONARIES[current][key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** A translated text for a code from a service (an outcome, a status), or the code itself. */
export function tCode(prefix: string, code: string | null | undefined): string {
  if (!code) return "";
  const key = `${prefix}.${code}` as Key;
  return key in en ? t(key) : code;
}

const locale = () => (current === "vi" ? "vi-VN" : "en-GB");

export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return "";
  return new Intl.DateTimeFormat(locale(), { timeZone: TIME_ZONE, dateStyle: "short", timeStyle: "short" })
    .format(new Date(iso));
}

export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return "";
  return new Intl.DateTimeFormat(locale(), { timeZone: TIME_ZONE, hour: "2-digit", minute: "2-digit" })
    .format(new Date(iso));
}

export function fmtNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? "" : new Intl.NumberFormat(locale()).format(value);
}
