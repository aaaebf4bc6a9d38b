// The rejection reasons, the same codes as the Python verifier's REASONS
// (services/certificate/verifier/core.py): the browser test holds both to the same verdict for every case.

export const REASONS = {
  PREFIX: "wrong or missing prefix (HC1: / shc:/)",
  BASE45: "invalid Base45",
  NUMERIC: "invalid shc:/ numeric encoding",
  ZLIB: "not zlib / DEFLATE data, or corrupt",
  ZIP_BOMB: "inflates past the size cap",
  CBOR: "invalid CBOR",
  COSE_STRUCTURE: "not a 4-element COSE_Sign1",
  JWS_STRUCTURE: "not a compact JWS",
  ALG_UNSUPPORTED: "algorithm other than ES256 / PS256",
  ALG_KEY_MISMATCH: "algorithm does not match the signer's key",
  SIGNATURE_LENGTH: "ES256 signature not exactly 64 bytes",
  KID_MISSING: "no key id",
  KID_LENGTH: "key id not 8 bytes",
  KID_UNKNOWN: "key id not on the trust list",
  SIGNATURE_INVALID: "signature invalid against every signer with that key id",
  DSC_UNTRUSTED: "signer certificate not issued by the country signing CA",
  DSC_EXPIRED: "signer certificate expired at the verification time",
  DSC_NOT_YET_VALID: "signer certificate not yet valid at the verification time",
  DSC_WITHDRAWN: "signer withdrawn from the trust list at the verification time",
  IAT_FUTURE: "issued in the future",
  EXPIRED: "certificate expired",
  EXP_BEYOND_DSC: "expiry beyond the signer certificate's notAfter",
  IAT_BEFORE_DSC: "issued before the signer certificate's notBefore",
  KEY_USAGE: "signer's key usage excludes vaccination certificates",
  DSC_MALFORMED: "signer certificate's extensions cannot be parsed",
  SCHEMA: "payload fails the schema",
  VALUE_SET: "a coded value outside the EU value sets",
  ENTRY_COUNT: "zero or several certificate entries",
  REVOKED: "certificate revoked (or suspended)",
} as const;

export type Reason = keyof typeof REASONS;

/** The certificate is not valid; `reason` is a key of REASONS, `detail` says what exactly. */
export class Rejected extends Error {
  constructor(readonly reason: Reason, readonly detail: string = REASONS[reason]) {
    super(`${reason}: ${detail}`);
  }
}

export interface Verified {
  format: "EU_DCC_HC1" | "SMART_HEALTH_CARD";
  certificateId: string;
  keyId: string;
  issuedAt: Date;
  expiresAt: Date | null;
  holder: { name: string; dob: string };
  entries: { product: string; dose: string; date: string; country: string }[];
}
