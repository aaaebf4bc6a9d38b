// What the verifier trusts, built from the two signed lists the certificate service publishes
// (GET /v1/trust-list, GET /v1/revocation-list): each is a compact JWS (ES256) whose x5c names the list
// signer, whose certificate must be issued by the pinned country signing CA (CSCA) and valid at the
// verification time. Nothing in a list is used before its signature is checked.
import { base64Decode, utf8 } from "./bytes";
import { type Certificate, parseCertificate } from "./der";
import { parseCompact } from "./jws";
import { type Algorithm, algorithmOf, documentKey, issuedBy, jwkKey, verifySignature } from "./keys";

export const TRUST_LIST = "vaxtrail-trust-list";
export const REVOCATION_LIST = "vaxtrail-revocation-list";

export class ListError extends Error {}

export interface TrustedSigner {
  kid: string;
  status: string;
  withdrawnAt: Date | null;
  certificate: Certificate | null;
  algorithm: Algorithm;
  key: CryptoKey | null;
  /** whether the CSCA issued the certificate (checked when the list is loaded) */
  chained: boolean;
}

export interface TrustStore {
  anchor: Certificate;
  dsc: Map<string, TrustedSigner[]>;
  shc: Map<string, TrustedSigner>;
  revokedDcc: Map<string, Set<string>>;
  revokedShc: Map<string, Set<string>>;
  trustListVersion: number;
  revocationListVersion: number;
  trustListIssuedAt: string;
  revocationListIssuedAt: string;
}

/** The payload of a signed list, after checking its signer chains to `anchor` and is valid at `at`. */
export async function openList(signed: string, anchor: Certificate, expectedType: string, at: Date): Promise<Record<string, unknown>> {
  const jws = parseCompact(signed);
  if (!jws) throw new ListError("not a compact JWS");
  const chain = jws.header.x5c;
  if (jws.header.alg !== "ES256" || !Array.isArray(chain) || !chain.length) {
    throw new ListError("a signed list needs alg ES256 and the list signer certificate in x5c");
  }
  let signer: Certificate;
  try {
    signer = parseCertificate(base64Decode(String(chain[0])));
  } catch (error) {
    throw new ListError(`unreadable list signer certificate: ${String(error)}`);
  }
  if (!(await issuedBy(signer, anchor))) throw new ListError("the list signer is not certified by the pinned country signing CA");
  if (at < signer.notBefore || at > signer.notAfter) throw new ListError("the list signer certificate is not valid at the verification time");
  if (!(await verifySignature(await documentKey(signer), "ES256", jws.signingInput, jws.signature))) {
    throw new ListError("the list signature does not verify");
  }
  const document = JSON.parse(utf8(jws.payload)) as Record<string, unknown>;
  if (!document || typeof document !== "object" || document.type !== expectedType) throw new ListError(`not a ${expectedType}`);
  return document;
}

interface ListEntry {
  kid: string;
  status: string;
  withdrawn_at?: string | null;
  certificate?: string;
  jwk?: Record<string, unknown>;
}

function when(text: string | null | undefined): Date | null {
  return text ? new Date(text) : null;
}

async function dscSigner(entry: ListEntry, anchor: Certificate): Promise<TrustedSigner> {
  const certificate = parseCertificate(base64Decode(entry.certificate ?? ""));
  return { kid: entry.kid, status: entry.status, withdrawnAt: when(entry.withdrawn_at), certificate,
    algorithm: algorithmOf(certificate), key: await documentKey(certificate), chained: await issuedBy(certificate, anchor) };
}

/** Open and check both signed lists (throws ListError when either does not verify). */
export async function trustStore(anchorDer: Uint8Array, trustList: string, revocationList: string | null, at: Date): Promise<TrustStore> {
  const anchor = parseCertificate(anchorDer);
  const trust = await openList(trustList, anchor, TRUST_LIST, at);
  const store: TrustStore = { anchor, dsc: new Map(), shc: new Map(), revokedDcc: new Map(), revokedShc: new Map(),
    trustListVersion: Number(trust.version), revocationListVersion: 0, trustListIssuedAt: String(trust.issued_at ?? ""),
    revocationListIssuedAt: "" };
  for (const entry of (trust.dsc ?? []) as ListEntry[]) {
    const signer = await dscSigner(entry, anchor);
    store.dsc.set(entry.kid, [...(store.dsc.get(entry.kid) ?? []), signer]);
  }
  for (const entry of (trust.shc ?? []) as ListEntry[]) {
    store.shc.set(entry.kid, { kid: entry.kid, status: entry.status, withdrawnAt: when(entry.withdrawn_at), certificate: null,
      algorithm: "ES256", key: await jwkKey(entry.jwk ?? {}), chained: true });
  }
  if (revocationList !== null) {
    const revocations = await openList(revocationList, anchor, REVOCATION_LIST, at);
    store.revocationListVersion = Number(revocations.version);
    store.revocationListIssuedAt = String(revocations.issued_at ?? "");
    const sets = (groups: unknown) => new Map(Object.entries((groups ?? {}) as Record<string, string[]>)
      .map(([kid, entries]) => [kid, new Set(entries)]));
    store.revokedDcc = sets(revocations.dcc);
    store.revokedShc = sets(revocations.shc);
  }
  return store;
}

export function withdrawn(signer: TrustedSigner, at: Date): boolean {
  if (signer.status !== "withdrawn") return false;
  return signer.withdrawnAt === null || signer.withdrawnAt <= at;
}

