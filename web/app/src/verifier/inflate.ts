// zlib / raw DEFLATE through the browser's DecompressionStream, with an output cap: corrupt or truncated data
// is ZLIB, output past the cap is ZIP_BOMB (the stream is cancelled as soon as it passes the cap).
import { concat } from "./bytes";
import { Rejected } from "./reasons";

export const MAX_INFLATED = 64 * 1024; // a DCC is ~300 bytes of CBOR; anything near this is an attack

export async function inflate(data: Uint8Array, format: "deflate" | "deflate-raw", cap = MAX_INFLATED): Promise<Uint8Array> {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new DecompressionStream(format));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
      if (size > cap) {
        void reader.cancel().catch(() => undefined);
        throw new Rejected("ZIP_BOMB", `inflates past ${cap} bytes`);
      }
    }
  } catch (error) {
    if (error instanceof Rejected) throw error;
    throw new Rejected("ZLIB", `not compressed data: ${error instanceof Error ? error.message : String(error)}`);
  }
  return concat(...chunks);
}
