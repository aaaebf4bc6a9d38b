// Pieces every site page uses: the state badge of an action, a clock that ticks, the site sub-navigation.
import { useEffect, useState } from "preact/hooks";
import { type Key, t } from "../i18n";
import { Link, useLocation } from "../router";
import { useStore } from "../store";
import { RuleBadge } from "../ui/problem";
import { entryOf, pendingCount, site, type SiteState, statusOf } from "./model";

/** The current time, re-read every `ms` (countdowns, the observation list). */
export function useNow(ms = 1000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), ms);
    return () => window.clearInterval(timer);
  }, [ms]);
  return now;
}

export function StateBadge({ state, seq, remote }: { state: SiteState; seq?: number; remote?: boolean }) {
  const status = statusOf(state, seq, remote);
  const entry = entryOf(state, seq);
  return (
    <span class={`badge ${status}`}>
      {t(`state.${status}` as Key)}
      {status === "rejected" && entry ? <> <RuleBadge rule={entry.rule} /> <span class="refusal">{entry.detail}
        {entry.field ? <> ({t("problem.field")}: <code>{entry.field}</code>)</> : null}</span></> : null}
    </span>
  );
}

const PAGES: { href: string; label: Key }[] = [
  { href: "/site", label: "site.nav.session" }, { href: "/site/check-in", label: "site.nav.checkIn" },
  { href: "/site/walk-in", label: "site.nav.walkIn" }, { href: "/site/vials", label: "site.nav.vials" },
  { href: "/site/observation", label: "site.nav.observation" }, { href: "/site/aefi", label: "site.nav.aefi" },
  { href: "/site/close", label: "site.nav.close" }, { href: "/site/sync", label: "site.nav.sync" },
];

export function SiteNav() {
  const state = useStore(site);
  const { path } = useLocation();
  const pending = pendingCount(state);
  const refused = state.outbox.filter((e) => e.status === "rejected").length;
  return (
    <nav class="site-nav" aria-label={t("site.nav.label")}>
      <ul>
        {PAGES.map((page) => (
          <li key={page.href}>
            <Link href={page.href} aria-current={path === page.href ? "page" : undefined}>
              {t(page.label)}
              {page.href === "/site/sync" && (pending || refused) ? ` (${pending}/${refused})` : ""}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
