// The browser's offline verifier of VaxTrail certificates (EU DCC HC1: and SMART Health Card shc:/): the same
// checks and rejection reasons as `vaxtrail verify` (services/certificate/verifier), run with WebCrypto and
// DecompressionStream against the signed lists in lists.ts. The verification time is a parameter.
import { verifyHc1 } from "./dcc";
import { Rejected, type Verified } from "./reasons";
import { PREFIX as SHC_PREFIX, verifyShc } from "./shc";
import type { TrustStore } from "./trust";

export type Verdict = { valid: true; result: Verified } | { valid: false; reason: Rejected["reason"]; detail: string };

export async function verify(text: string, store: TrustStore, at: Date): Promise<Verdict> {
  try {
    const result = text.startsWith(SHC_PREFIX) ? await verifyShc(text, store, at) : await verifyHc1(text, store, at);
    return { valid: true, result };
  } catch (error) {
    if (error instanceof Rejected) return { valid: false, reason: error.reason, detail: error.detail };
    throw error;
  }
}

export { REASONS, Rejected, type Reason, type Verified } from "./reasons";
