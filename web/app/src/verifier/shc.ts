// SMART Health Card verification: shc:/ numeric -> compact JWS (ES256) -> raw DEFLATE -> FHIR Bundle, in the
// order of the Python verifier (services/certificate/verifier/smart.py).
import { utf8 } from "./bytes";
import { inflate } from "./inflate";
import { parseCompact } from "./jws";
import { verifySignature } from "./keys";
import { Rejected, type Verified } from "./reasons";
import { type TrustStore, withdrawn } from "./trust";

export const PREFIX = "shc:/";
const HEALTH_CARD = "https://smarthealth.cards#health-card";

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => !!value && typeof value === "object" && !Array.isArray(value);

export function fromNumeric(text: string): string {
  const digits = text.slice(PREFIX.length);
  if (digits.includes("/")) throw new Rejected("NUMERIC", "chunked SMART Health Card QR codes are not accepted");
  if (!/^[0-9]+$/.test(digits) || digits.length % 2) throw new Rejected("NUMERIC", "shc:/ must be followed by an even number of digits");
  let out = "";
  for (let i = 0; i < digits.length; i += 2) {
    const value = Number(digits.slice(i, i + 2));
    if (value > 77) throw new Rejected("NUMERIC", "a digit pair above 77 is not a JWS character");
    out += String.fromCharCode(value + 45);
  }
  return out;
}

function bundleEntries(claims: Json): { patient: Json; immunizations: Json[] } {
  const vc = claims.vc;
  if (!isObject(vc) || !Array.isArray(vc.type) || !vc.type.includes(HEALTH_CARD)) {
    throw new Rejected("SCHEMA", "vc.type must include the health-card type");
  }
  const subject = isObject(vc.credentialSubject) ? vc.credentialSubject : {};
  const bundle = subject.fhirBundle;
  if (!isObject(bundle) || bundle.resourceType !== "Bundle") throw new Rejected("SCHEMA", "credentialSubject.fhirBundle must be a FHIR Bundle");
  const resources = (Array.isArray(bundle.entry) ? bundle.entry : []).filter(isObject)
    .map((entry) => (isObject(entry.resource) ? entry.resource : {}));
  const patients = resources.filter((r) => r.resourceType === "Patient");
  const immunizations = resources.filter((r) => r.resourceType === "Immunization");
  if (patients.length !== 1 || !immunizations.length) {
    throw new Rejected("ENTRY_COUNT", `${patients.length} patients and ${immunizations.length} immunizations`);
  }
  return { patient: patients[0], immunizations };
}

function patientName(patient: Json): string {
  const [name] = Array.isArray(patient.name) ? patient.name : [];
  if (!isObject(name)) return "";
  return [...(Array.isArray(name.given) ? name.given : []), name.family].filter((part) => typeof part === "string").join(" ");
}

function immunizationEntry(resource: Json) {
  const coding = isObject(resource.vaccineCode) && Array.isArray(resource.vaccineCode.coding) ? resource.vaccineCode.coding : [];
  const code = isObject(coding[0]) ? String(coding[0].display ?? coding[0].code ?? "") : "";
  const protocol = Array.isArray(resource.protocolApplied) && isObject(resource.protocolApplied[0]) ? resource.protocolApplied[0] : {};
  return { product: code, dose: protocol.doseNumberPositiveInt ? String(protocol.doseNumberPositiveInt) : "",
    date: String(resource.occurrenceDateTime ?? "").slice(0, 10), country: "" };
}

export async function verifyShc(text: string, store: TrustStore, at: Date): Promise<Verified> {
  if (!text.startsWith(PREFIX)) throw new Rejected("PREFIX", "a SMART Health Card QR starts with 'shc:/'");
  const jws = parseCompact(fromNumeric(text));
  if (!jws) throw new Rejected("JWS_STRUCTURE", "not a well-formed compact JWS");
  const { header } = jws;
  if (header.alg !== "ES256") throw new Rejected("ALG_UNSUPPORTED", `alg ${JSON.stringify(header.alg)}; SMART Health Cards use ES256`);
  const kid = header.kid;
  if (!kid) throw new Rejected("KID_MISSING");
  const signer = typeof kid === "string" ? store.shc.get(kid) : undefined;
  if (!signer) throw new Rejected("KID_UNKNOWN", `kid ${String(kid)} is not on trust list v${store.trustListVersion}`);
  if (jws.signature.length !== 64) throw new Rejected("SIGNATURE_LENGTH", `ES256 signature is ${jws.signature.length} bytes`);
  if (!(await verifySignature(signer.key, "ES256", jws.signingInput, jws.signature))) throw new Rejected("SIGNATURE_INVALID");
  if (withdrawn(signer, at)) throw new Rejected("DSC_WITHDRAWN", `SMART Health Card key withdrawn at ${signer.withdrawnAt?.toISOString()}`);
  if (header.zip !== "DEF") throw new Rejected("ZLIB", "SMART Health Card payloads are DEFLATE-compressed (zip: DEF)");
  let claims: unknown;
  try {
    claims = JSON.parse(utf8(await inflate(jws.payload, "deflate-raw")));
  } catch (error) {
    if (error instanceof Rejected) throw error;
    throw new Rejected("SCHEMA", "the payload is not JSON");
  }
  if (!isObject(claims) || typeof claims.nbf !== "number") throw new Rejected("SCHEMA", "nbf is required");
  const issuedAt = new Date(claims.nbf * 1000);
  const expiresAt = typeof claims.exp === "number" ? new Date(claims.exp * 1000) : null;
  if (issuedAt > at) throw new Rejected("IAT_FUTURE", `not before ${issuedAt.toISOString()}`);
  if (expiresAt !== null && expiresAt < at) throw new Rejected("EXPIRED", `expired ${expiresAt.toISOString()}`);
  const { patient, immunizations } = bundleEntries(claims);
  const rid = isObject(claims.vc) && typeof claims.vc.rid === "string" ? claims.vc.rid : "";
  if (rid && store.revokedShc.get(kid as string)?.has(rid)) throw new Rejected("REVOKED", `rid ${rid} is on the CRL of ${kid}`);
  return { format: "SMART_HEALTH_CARD", certificateId: rid, keyId: kid as string, issuedAt, expiresAt,
    holder: { name: patientName(patient), dob: String(patient.birthDate ?? "") }, entries: immunizations.map(immunizationEntry) };
}
