// The verifier's trust material, kept on the device so verification works offline: the country signing CA
// (pinned on first use: a later, different CSCA is refused until the user clears the pin), the signed trust
// list and the signed revocation list (a list older than the one kept is refused: no rollback). Each is fetched from the certificate service through the gateway when
// online and kept in the Cache API ("vaxtrail-verifier"; the service worker's shell cache is separate); offline,
// the last copies are used. Lists are re-verified against the pinned CSCA every time they are loaded.
import { hex, sha256, utf8 } from "./bytes";
import { pemToDer } from "./der";
import { parseCompact } from "./jws";
import { type TrustStore, trustStore } from "./trust";

const CACHE = "vaxtrail-verifier";
const BASE = "/api/certificate/v1";
const FILES = { csca: `${BASE}/csca`, trust: `${BASE}/trust-list`, revocation: `${BASE}/revocation-list` };
const PIN = "/verifier/csca.pem";

interface Kept {
  text: string;
  fetchedAt: string;
}

export interface Material {
  store: TrustStore;
  /** when the lists were fetched (the device's clock) */
  fetchedAt: Date;
  /** true when the network did not answer and the kept copies are used */
  offline: boolean;
  /** why the lists just fetched were not kept (another CSCA, or older versions than the kept ones) */
  refused: Error | null;
  /** SHA-256 of the pinned CSCA certificate (DER), to compare with the one the health ministry publishes */
  anchorFingerprint: string;
}

async function keep(cache: Cache, key: string, text: string, fetchedAt: string): Promise<void> {
  await cache.put(key, new Response(JSON.stringify({ text, fetchedAt } satisfies Kept), { headers: { "Content-Type": "application/json" } }));
}

async function kept(cache: Cache, key: string): Promise<Kept | null> {
  const hit = await cache.match(key);
  return hit ? ((await hit.json()) as Kept) : null;
}

/** The version of a kept list (verified before it was kept); 0 when none is kept. */
function versionOf(list: Kept | null): number {
  const jws = list ? parseCompact(list.text) : null;
  return jws ? Number((JSON.parse(utf8(jws.payload)) as { version?: number }).version ?? 0) : 0;
}

async function download(url: string): Promise<string> {
  const answer = await fetch(url, { headers: { Accept: "application/json, application/x-pem-file" }, cache: "no-store" });
  if (!answer.ok) throw new Error(`${url}: HTTP ${answer.status}`);
  const text = await answer.text();
  return url === FILES.csca ? text : (JSON.parse(text) as { signed: string }).signed;
}

/** Fetch the three files (when online), check them against the pinned CSCA, keep them, and build the store. */
export async function loadMaterial(at: Date = new Date()): Promise<Material> {
  const cache = await caches.open(CACHE);
  let offline = false;
  let refused: Error | null = null;
  try {
    const [csca, trust, revocation] = await Promise.all([download(FILES.csca), download(FILES.trust), download(FILES.revocation)]);
    const pinned = await kept(cache, PIN);
    if (pinned && pinned.text.trim() !== csca.trim()) throw new PinMismatch();
    const anchor = pinned?.text ?? csca;
    const fresh = await trustStore(pemToDer(anchor), trust, revocation, at); // nothing is kept before it verifies
    const [keptTrust, keptRevocation] = await Promise.all([kept(cache, FILES.trust), kept(cache, FILES.revocation)]);
    if (fresh.trustListVersion < versionOf(keptTrust) || fresh.revocationListVersion < versionOf(keptRevocation)) {
      throw new Downgrade(); // an older list than the one kept (a replay would hide revocations): keep ours
    }
    const now = new Date().toISOString();
    if (!pinned) await keep(cache, PIN, csca, now);
    await keep(cache, FILES.trust, trust, now);
    await keep(cache, FILES.revocation, revocation, now);
  } catch (error) {
    if (error instanceof PinMismatch || error instanceof Downgrade) refused = error;
    else offline = true;
  }
  const [anchor, trust, revocation] = await Promise.all([kept(cache, PIN), kept(cache, FILES.trust), kept(cache, FILES.revocation)]);
  if (!anchor || !trust) throw refused ?? new NoMaterial();
  const anchorDer = pemToDer(anchor.text);
  const store = await trustStore(anchorDer, trust.text, revocation?.text ?? null, at);
  return { store, fetchedAt: new Date(trust.fetchedAt), offline, refused, anchorFingerprint: hex(await sha256(anchorDer)) };
}

/** The certificate service now names another CSCA than the one this device pinned. */
export class PinMismatch extends Error {}

/** The service answered lists older than the ones kept on this device. */
export class Downgrade extends Error {}

/** Offline, and nothing was ever fetched on this device. */
export class NoMaterial extends Error {}
