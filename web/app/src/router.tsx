// Routes are paths (/site/vials, /console/plans/AP-1); the gateway answers index.html for each and the
// service worker does the same offline. `navigate` pushes history; `Link` does it for a click.
import type { AnchorHTMLAttributes, ComponentChildren } from "preact";
import { store, useStore } from "./store";

const location = store(currentLocation());

function currentLocation(): string {
  return `${window.location.pathname}${window.location.search}`;
}

window.addEventListener("popstate", () => location.set(currentLocation()));

export function navigate(to: string, replace = false): void {
  if (to === currentLocation()) return;
  if (replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  location.set(currentLocation());
  window.scrollTo(0, 0);
}

export function useLocation(): { path: string; query: URLSearchParams } {
  const here = useStore(location);
  const [path, search = ""] = here.split("?");
  return { path, query: new URLSearchParams(search) };
}

/** `pattern` like /site/visits/:id against `path`: the named parts, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/");
  const have = path.replace(/\/$/, "").split("/");
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(":")) params[want[i].slice(1)] = decodeURIComponent(have[i]);
    else if (want[i] !== have[i]) return null;
  }
  return params;
}

export function Link(props: { href: string; children: ComponentChildren } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const { href, children, ...rest } = props;
  return (
    <a {...rest} href={href} onClick={(event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      navigate(href);
    }}>{children}</a>
  );
}
