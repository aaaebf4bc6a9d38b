// Compact JWS (RFC 7515) parsing, strict like the Python verifier's: three base64url parts and a JSON object
// header; null when malformed (the caller names the reason: JWS_STRUCTURE, or a ListError for a list).
import { base64UrlDecode, bytesOf, utf8 } from "./bytes";

export interface CompactJws {
  header: Record<string, unknown>;
  payload: Uint8Array;
  signingInput: Uint8Array;
  signature: Uint8Array;
}

export function parseCompact(token: string): CompactJws | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  try {
    const header = JSON.parse(utf8(base64UrlDecode(parts[0]))) as unknown;
    const payload = base64UrlDecode(parts[1]);
    const signature = base64UrlDecode(parts[2]);
    if (!header || typeof header !== "object" || Array.isArray(header)) return null;
    return { header: header as Record<string, unknown>, payload, signature, signingInput: bytesOf(`${parts[0]}.${parts[1]}`) };
  } catch {
    return null;
  }
}
