// Base45 (RFC 9285), strict: a length of 3n + 1, a character outside the alphabet, a triple above 65535 or a
// final pair above 255 is an error - the verifier names it BASE45.

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

export class Base45Error extends Error {}

export function base45Decode(text: string): Uint8Array {
  if (text.length % 3 === 1) throw new Base45Error(`a Base45 text cannot have length ${text.length} (3n + 1)`);
  const values: number[] = [];
  for (const char of text) {
    const value = ALPHABET.indexOf(char);
    if (value < 0 || char.length !== 1) throw new Base45Error(`character ${JSON.stringify(char)} is not in the Base45 alphabet`);
    values.push(value);
  }
  const out: number[] = [];
  let i = 0;
  for (; i + 3 <= values.length; i += 3) {
    const n = values[i] + values[i + 1] * 45 + values[i + 2] * 2025;
    if (n > 0xffff) throw new Base45Error("a Base45 triple exceeds 65535");
    out.push(n >> 8, n & 0xff);
  }
  if (i < values.length) {
    const n = values[i] + values[i + 1] * 45;
    if (n > 0xff) throw new Base45Error("a final Base45 pair exceeds 255");
    out.push(n);
  }
  return Uint8Array.from(out);
}
