// The tablet's own database (IndexedDB "vaxtrail-site"): what the site did, kept across reloads and
// offline. Stores: `meta` (device id, next sequence number, the chosen session, cached reference data),
// `outbox` (every action, by sequence number), `visits` and `vials` (the local picture of the session).
const NAME = "vaxtrail-site";
const VERSION = 1;
export type StoreName = "meta" | "outbox" | "visits" | "vials";

let opened: Promise<IDBDatabase> | null = null;

export function database(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(NAME, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore("meta");
      db.createObjectStore("outbox", { keyPath: "sequence" });
      db.createObjectStore("visits", { keyPath: "visit_id" });
      db.createObjectStore("vials", { keyPath: "vial_opening_id" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opened;
}

export function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Run `work` in one transaction over `stores`; resolves once the transaction has committed. */
export async function transaction<T>(stores: StoreName[], mode: IDBTransactionMode,
                                     work: (tx: IDBTransaction) => Promise<T>): Promise<T> {
  const db = await database();
  const tx = db.transaction(stores, mode);
  const committed = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("transaction aborted"));
  });
  const result = await work(tx);
  await committed;
  return result;
}

export async function all<T>(store: StoreName): Promise<T[]> {
  return transaction([store], "readonly", (tx) => done(tx.objectStore(store).getAll() as IDBRequest<T[]>));
}

export async function getMeta<T>(key: string): Promise<T | undefined> {
  return transaction(["meta"], "readonly", (tx) => done(tx.objectStore("meta").get(key) as IDBRequest<T | undefined>));
}

export async function setMeta(key: string, value: unknown): Promise<void> {
  await transaction(["meta"], "readwrite", (tx) => done(tx.objectStore("meta").put(value, key)));
}

export async function put(store: Exclude<StoreName, "meta">, value: object): Promise<void> {
  await transaction([store], "readwrite", (tx) => done(tx.objectStore(store).put(value)));
}
