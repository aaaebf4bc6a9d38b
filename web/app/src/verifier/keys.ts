// WebCrypto for the verifier: a signer's public key (from a certificate's SPKI or a JWK), the one algorithm it
// may verify (an EC P-256 key ES256, an RSA key PS256 - so a message cannot choose another), signature checks
// in the JOSE / COSE form (ES256: 64 raw bytes r || s), and whether a certificate was issued by the anchor.
import { equal } from "./bytes";
import { type Certificate, rawEcdsaSignature } from "./der";

export type Algorithm = "ES256" | "PS256" | "UNSUPPORTED";

const EC_KEY = "1.2.840.10045.2.1";
const RSA_KEY = "1.2.840.113549.1.1.1";
const CURVES: Record<string, { name: string; size: number }> = {
  "1.2.840.10045.3.1.7": { name: "P-256", size: 32 },
  "1.3.132.0.34": { name: "P-384", size: 48 },
};
const CERTIFICATE_SIGNATURES: Record<string, { kind: "ecdsa" | "rsa"; hash: string }> = {
  "1.2.840.10045.4.3.2": { kind: "ecdsa", hash: "SHA-256" },
  "1.2.840.10045.4.3.3": { kind: "ecdsa", hash: "SHA-384" },
  "1.2.840.113549.1.1.11": { kind: "rsa", hash: "SHA-256" },
};

export function algorithmOf(certificate: Certificate): Algorithm {
  if (certificate.keyAlgorithm === EC_KEY) return "ES256";
  if (certificate.keyAlgorithm === RSA_KEY) return "PS256";
  return "UNSUPPORTED";
}

/** The certificate's key for JOSE / COSE signatures (null when WebCrypto cannot take it, e.g. an EC key on
 * a curve other than P-256 under ES256: nothing then verifies with it). */
export async function documentKey(certificate: Certificate): Promise<CryptoKey | null> {
  const algorithm = algorithmOf(certificate);
  const params = algorithm === "ES256" ? { name: "ECDSA", namedCurve: "P-256" }
    : algorithm === "PS256" ? { name: "RSA-PSS", hash: "SHA-256" } : null;
  if (!params || (algorithm === "ES256" && certificate.curve !== "1.2.840.10045.3.1.7")) return null;
  return crypto.subtle.importKey("spki", certificate.spki as BufferSource, params, false, ["verify"]).catch(() => null);
}

export async function jwkKey(jwk: Record<string, unknown>): Promise<CryptoKey | null> {
  if (jwk.kty !== "EC" || jwk.crv !== "P-256") return null;
  return crypto.subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: String(jwk.x), y: String(jwk.y) },
    { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]).catch(() => null);
}

/** Whether `signature` (JOSE / COSE form) over `message` verifies with `key` under `algorithm`. */
export async function verifySignature(key: CryptoKey | null, algorithm: Algorithm, message: Uint8Array,
  signature: Uint8Array): Promise<boolean> {
  if (!key) return false;
  const params = algorithm === "ES256" ? (signature.length === 64 ? { name: "ECDSA", hash: "SHA-256" } : null)
    : algorithm === "PS256" ? { name: "RSA-PSS", saltLength: 32 } : null;
  if (!params || key.algorithm.name !== params.name) return false;
  return crypto.subtle.verify(params, key, signature as BufferSource, message as BufferSource).catch(() => false);
}

/** Whether `anchor` issued `certificate`: same issuer name, and the anchor's signature over its TBS bytes. */
export async function issuedBy(certificate: Certificate, anchor: Certificate): Promise<boolean> {
  if (!equal(certificate.issuer, anchor.subject)) return false;
  const scheme = CERTIFICATE_SIGNATURES[certificate.signatureAlgorithm];
  if (!scheme) return false;
  try {
    if (scheme.kind === "ecdsa") {
      const curve = anchor.keyAlgorithm === EC_KEY ? CURVES[anchor.curve ?? ""] : undefined;
      if (!curve) return false;
      const key = await crypto.subtle.importKey("spki", anchor.spki as BufferSource,
        { name: "ECDSA", namedCurve: curve.name }, false, ["verify"]);
      return await crypto.subtle.verify({ name: "ECDSA", hash: scheme.hash }, key,
        rawEcdsaSignature(certificate.signature, curve.size) as BufferSource, certificate.tbs as BufferSource);
    }
    if (anchor.keyAlgorithm !== RSA_KEY) return false;
    const key = await crypto.subtle.importKey("spki", anchor.spki as BufferSource,
      { name: "RSASSA-PKCS1-v1_5", hash: scheme.hash }, false, ["verify"]);
    return await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, certificate.signature as BufferSource,
      certificate.tbs as BufferSource);
  } catch {
    return false;
  }
}
