// A value many components watch: `get`, `set`, `subscribe`, and `useStore` to re-render on change.
import { useEffect, useState } from "preact/hooks";

export interface Store<T> {
  get(): T;
  set(value: T): void;
  update(change: (value: T) => T): void;
  subscribe(listener: (value: T) => void): () => void;
}

export function store<T>(initial: T): Store<T> {
  let value = initial;
  const listeners = new Set<(value: T) => void>();
  const set = (next: T) => {
    value = next;
    listeners.forEach((listener) => listener(value));
  };
  return {
    get: () => value,
    set,
    update: (change) => set(change(value)),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function useStore<T>(source: Store<T>): T {
  const [value, set] = useState(source.get());
  useEffect(() => {
    set(source.get());
    return source.subscribe(set);
  }, [source]);
  return value;
}
