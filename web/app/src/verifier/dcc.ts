// EU DCC verification: HC1: -> Base45 -> zlib -> COSE_Sign1 (CBOR) -> CWT claims -> DCC payload, with every
// check of CERTIFICATES.md's reject list in the order the Python verifier (services/certificate/verifier/dcc.py)
// meets them, so both name the same reason for the same certificate.
import { Base45Error, base45Decode } from "./base45";
import { base64Encode, bytesOf, sha256 } from "./bytes";
import { CborError, Float, Tag, decode, encodeStrings } from "./cbor";
import { inflate } from "./inflate";
import { type Algorithm, verifySignature } from "./keys";
import { Rejected, type Verified } from "./reasons";
import { type TrustStore, type TrustedSigner, withdrawn } from "./trust";
import { display, inValueSet } from "./valuesets";

export const PREFIX = "HC1:";
const COSE_SIGN1_TAG = 18;
const CWT_TAG = 61;
const HEADER_ALG = 1;
const HEADER_KID = 4;
const ALGORITHMS = new Map<unknown, Algorithm>([[-7, "ES256"], [-37, "PS256"]]);
const EKU_KINDS = new Map<string, string>(["1.3.6.1.4.1.1847", "1.3.6.1.4.1.0.1847"].flatMap((arc) =>
  [[`${arc}.2021.1.1`, "test"], [`${arc}.2021.1.2`, "vaccination"], [`${arc}.2021.1.3`, "recovery"]] as [string, string][]));
const ICAO = /^[A-Z<]{0,80}$/;
const DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;
const FULL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const VERSION = /^1\.\d+\.\d+$/;
const COUNTRY = /^[A-Z]{2}$/;
const EARLIEST = -62135596800; // 0001-01-01, the range Python's datetime holds
const LATEST = 253402300799; // 9999-12-31T23:59:59

type CborMap = Map<unknown, unknown>;
const isMap = (value: unknown): value is CborMap => value instanceof Map;
const isText = (value: unknown): value is string => typeof value === "string";

function cbor(data: Uint8Array, what: string): unknown {
  try {
    return decode(data);
  } catch (error) {
    if (error instanceof CborError) throw new Rejected("CBOR", `${what} is not valid CBOR: ${error.message}`);
    throw error;
  }
}

function coseParts(data: Uint8Array) {
  let message = cbor(data, "the message");
  if (message instanceof Tag && message.tag === CWT_TAG) message = message.value;
  if (message instanceof Tag) {
    if (message.tag !== COSE_SIGN1_TAG) throw new Rejected("COSE_STRUCTURE", `CBOR tag ${message.tag} is not COSE_Sign1 (18)`);
    message = message.value;
  }
  if (!Array.isArray(message) || message.length !== 4) throw new Rejected("COSE_STRUCTURE", "COSE_Sign1 must be an array of 4 elements");
  const [protectedRaw, unprotected, payload, signature] = message as unknown[];
  if (!(protectedRaw instanceof Uint8Array && isMap(unprotected) && payload instanceof Uint8Array && signature instanceof Uint8Array)) {
    throw new Rejected("COSE_STRUCTURE", "COSE_Sign1 element types must be bstr, map, bstr, bstr");
  }
  const protectedHeader = protectedRaw.length ? cbor(protectedRaw, "the protected header") : new Map();
  if (!isMap(protectedHeader)) throw new Rejected("COSE_STRUCTURE", "the protected header is not a map");
  return { protectedRaw, protectedHeader, unprotected, payload, signature };
}

function kidOf(protectedHeader: CborMap, unprotected: CborMap): Uint8Array {
  const kid = protectedHeader.has(HEADER_KID) ? protectedHeader.get(HEADER_KID) : unprotected.get(HEADER_KID);
  if (kid === undefined || kid === null) throw new Rejected("KID_MISSING");
  if (!(kid instanceof Uint8Array) || kid.length !== 8) {
    throw new Rejected("KID_LENGTH", `kid must be 8 bytes, got ${kid instanceof Uint8Array ? kid.length : typeof kid}`);
  }
  return kid;
}

async function signerOf(candidates: TrustedSigner[], algorithm: Algorithm, toBeSigned: Uint8Array, signature: Uint8Array) {
  const matching = candidates.filter((candidate) => candidate.algorithm === algorithm);
  if (!matching.length) throw new Rejected("ALG_KEY_MISMATCH", `${algorithm} does not fit the key of any signer with this kid`);
  for (const candidate of matching) {
    if (await verifySignature(candidate.key, algorithm, toBeSigned, signature)) return candidate;
  }
  throw new Rejected("SIGNATURE_INVALID");
}

function checkSigner(signer: TrustedSigner, at: Date): void {
  const certificate = signer.certificate!;
  if (!signer.chained) throw new Rejected("DSC_UNTRUSTED");
  if (withdrawn(signer, at)) throw new Rejected("DSC_WITHDRAWN", `withdrawn at ${signer.withdrawnAt?.toISOString()}`);
  if (at < certificate.notBefore) throw new Rejected("DSC_NOT_YET_VALID", `valid from ${certificate.notBefore.toISOString()}`);
  if (at > certificate.notAfter) throw new Rejected("DSC_EXPIRED", `expired ${certificate.notAfter.toISOString()}`);
  if (certificate.ekus === null) throw new Rejected("DSC_MALFORMED", "the signer certificate's extensions are not valid DER");
  const kinds = new Set(certificate.ekus.flatMap((oid) => EKU_KINDS.get(oid) ?? []));
  if (kinds.size && !kinds.has("vaccination")) {
    throw new Rejected("KEY_USAGE", `the signer may sign only ${[...kinds].sort().join(" and ")} certificates`);
  }
}

/** An RFC 8392 NumericDate: seconds since the epoch, an integer or a floating-point number. */
export function numericDate(value: unknown, claim: string): Date {
  const seconds = value instanceof Float ? value.value : typeof value === "number" ? value : NaN;
  if (!Number.isFinite(seconds)) throw new Rejected("SCHEMA", `CWT ${claim} must be a NumericDate (integer or floating-point seconds)`);
  if (seconds < EARLIEST || seconds > LATEST) throw new Rejected("SCHEMA", `CWT ${claim} is out of range`);
  return new Date(seconds * 1000);
}

function times(claims: CborMap, signer: TrustedSigner, at: Date): [Date, Date] {
  const issued = numericDate(claims.get(6), "iat (6)");
  const expires = numericDate(claims.get(4), "exp (4)");
  const certificate = signer.certificate!;
  if (issued > at) throw new Rejected("IAT_FUTURE", `issued ${issued.toISOString()}`);
  if (expires < at) throw new Rejected("EXPIRED", `expired ${expires.toISOString()}`);
  if (expires > certificate.notAfter) throw new Rejected("EXP_BEYOND_DSC", "exp is after the signer certificate's notAfter");
  if (issued < certificate.notBefore) throw new Rejected("IAT_BEFORE_DSC", "iat is before the signer certificate's notBefore");
  return [issued, expires];
}

/** The DCC 1.3 vaccination payload, or SCHEMA / ENTRY_COUNT / VALUE_SET. */
export function checkDccSchema(hcert: unknown): CborMap {
  if (!isMap(hcert)) throw new Rejected("SCHEMA", "hcert claim -260 must hold {1: payload}");
  const dcc = hcert.get(1);
  if (!isMap(dcc)) throw new Rejected("SCHEMA", "the DCC payload is not a map");
  const ver = dcc.get("ver");
  if (!isText(ver) || !VERSION.test(ver)) throw new Rejected("SCHEMA", "ver must be a 1.x.y schema version");
  const nam = dcc.get("nam");
  if (!isMap(nam) || !(nam.has("fnt") || nam.has("gnt"))) throw new Rejected("SCHEMA", "nam must hold fnt, gnt or both");
  for (const key of ["fnt", "gnt"]) {
    const value = nam.get(key);
    if (nam.has(key) && (!isText(value) || !ICAO.test(value))) {
      throw new Rejected("SCHEMA", `nam.${key} must be an ICAO transliteration ^[A-Z<]*$ of at most 80`);
    }
  }
  const dob = dcc.get("dob");
  if (!isText(dob) || (dob && !DATE.test(dob))) throw new Rejected("SCHEMA", "dob must be YYYY, YYYY-MM or YYYY-MM-DD");
  const groups = ["v", "t", "r"].filter((key) => dcc.has(key));
  const entries = dcc.get("v");
  if (groups.join() !== "v" || !Array.isArray(entries) || entries.length !== 1) {
    const count = groups.reduce((n, g) => n + (Array.isArray(dcc.get(g)) ? (dcc.get(g) as unknown[]).length : 1), 0);
    throw new Rejected("ENTRY_COUNT", `exactly one vaccination entry is required, found ${count}`);
  }
  checkEntry(entries[0]);
  return dcc;
}

function checkEntry(entry: unknown): void {
  if (!isMap(entry)) throw new Rejected("SCHEMA", "a vaccination entry must be a map");
  const text = (key: string) => entry.get(key) as string;
  for (const key of ["tg", "vp", "mp", "ma", "dt", "co", "is"]) {
    if (!isText(entry.get(key)) || !text(key)) throw new Rejected("SCHEMA", `v[0].${key} must be a non-empty string`);
  }
  const ci = entry.get("ci");
  if (!isText(ci) || [...ci].length > 80 || [...text("is")].length > 80) {
    throw new Rejected("SCHEMA", "v[0].ci and v[0].is must be strings of at most 80 characters");
  }
  for (const key of ["dn", "sd"]) {
    const value = entry.get(key);
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 9) {
      throw new Rejected("SCHEMA", `v[0].${key} must be an integer 1-9`);
    }
  }
  if (!FULL_DATE.test(text("dt")) || !COUNTRY.test(text("co"))) {
    throw new Rejected("SCHEMA", "v[0].dt must be YYYY-MM-DD and v[0].co a country code");
  }
  for (const key of ["tg", "vp", "mp", "ma"] as const) {
    if (!inValueSet(key, text(key))) throw new Rejected("VALUE_SET", `v[0].${key} ${JSON.stringify(text(key))} is not in the EU value set`);
  }
}

/** The revocation-list entry of a UVCI: base64 of SHA-256(UVCI)[:16]. */
export async function uvciHash(uvci: string): Promise<string> {
  return base64Encode((await sha256(bytesOf(uvci))).subarray(0, 16));
}

export async function verifyHc1(text: string, store: TrustStore, at: Date): Promise<Verified> {
  if (!text.startsWith(PREFIX)) throw new Rejected("PREFIX", "an EU DCC starts with 'HC1:'");
  let compressed: Uint8Array;
  try {
    compressed = base45Decode(text.slice(PREFIX.length));
  } catch (error) {
    if (error instanceof Base45Error) throw new Rejected("BASE45", error.message);
    throw error;
  }
  const { protectedRaw, protectedHeader, unprotected, payload, signature } = coseParts(await inflate(compressed, "deflate"));
  const algorithm = ALGORITHMS.get(protectedHeader.get(HEADER_ALG));
  if (!algorithm) throw new Rejected("ALG_UNSUPPORTED", `alg ${String(protectedHeader.get(HEADER_ALG))} is neither ES256 nor PS256`);
  const kid = base64Encode(kidOf(protectedHeader, unprotected));
  const candidates = store.dsc.get(kid);
  if (!candidates?.length) throw new Rejected("KID_UNKNOWN", `kid ${kid} is not on trust list v${store.trustListVersion}`);
  if (algorithm === "ES256" && signature.length !== 64) throw new Rejected("SIGNATURE_LENGTH", `ES256 signature is ${signature.length} bytes`);
  const signer = await signerOf(candidates, algorithm, encodeStrings(["Signature1", protectedRaw, new Uint8Array(), payload]), signature);
  checkSigner(signer, at);
  const claims = cbor(payload, "the CWT payload");
  if (!isMap(claims)) throw new Rejected("SCHEMA", "the CWT payload is not a map");
  const [issuedAt, expiresAt] = times(claims, signer, at);
  const dcc = checkDccSchema(claims.get(-260));
  const entry = (dcc.get("v") as CborMap[])[0];
  const ci = entry.get("ci") as string;
  if (store.revokedDcc.get(kid)?.has(await uvciHash(ci))) {
    throw new Rejected("REVOKED", `${ci} is on revocation list v${store.revocationListVersion}`);
  }
  const nam = dcc.get("nam") as CborMap;
  const name = [nam.get("fn") ?? nam.get("fnt"), nam.get("gn") ?? nam.get("gnt")].filter(Boolean).join(" ");
  return { format: "EU_DCC_HC1", certificateId: ci, keyId: kid, issuedAt, expiresAt, holder: { name, dob: dcc.get("dob") as string },
    entries: [{ product: display("mp", entry.get("mp") as string), dose: `${entry.get("dn")}/${entry.get("sd")}`,
      date: entry.get("dt") as string, country: entry.get("co") as string }] };
}
