// A read that refreshes itself: `load` runs at once and then every `everyMs` (never two at a time); the last
// good answer stays on screen while a later one fails, with the error beside it, and `updatedAt` says when the
// figures were last read. The response centre polls with it; `useLoad` (console/common) reads once.
import { useEffect, useRef, useState } from "preact/hooks";

export interface Polled<T> {
  data: T | null;
  error: unknown;
  updatedAt: Date | null;
}

export function usePoll<T>(load: () => Promise<T>, everyMs: number, deps: unknown[]): Polled<T> {
  const [state, setState] = useState<Polled<T>>({ data: null, error: null, updatedAt: null });
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    let live = true;
    let timer: number | undefined;
    setState({ data: null, error: null, updatedAt: null });
    const round = async () => {
      try {
        const data = await latest.current();
        if (live) setState({ data, error: null, updatedAt: new Date() });
      } catch (caught: unknown) {
        if (live) setState((before) => ({ ...before, error: caught }));
      }
      if (live) timer = window.setTimeout(() => void round(), everyMs);
    };
    void round();
    return () => { live = false; window.clearTimeout(timer); };
  }, [...deps, everyMs]);
  return state;
}
