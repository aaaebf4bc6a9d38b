// A small CBOR (RFC 8949) decoder for COSE and CWT, and the one encoder COSE needs (Sig_structure).
// Maps decode to Map (integer and text keys as COSE uses them), byte strings to Uint8Array, tags to Tag,
// floating-point numbers to Float (so a schema can tell 1 from 1.0, as the Python verifier does), integers
// beyond 2^53 to bigint. Trailing bytes after the first item are ignored (as cbor2.loads does).

import { bytesOf, concat } from "./bytes";

export class CborError extends Error {}

export class Tag {
  constructor(readonly tag: number | bigint, readonly value: unknown) {}
}

export class Float {
  constructor(readonly value: number) {}
}

export const UNDEFINED = Symbol("undefined");
const BREAK = Symbol("break");
const MAX_DEPTH = 64;

class Reader {
  at = 0;
  constructor(readonly data: Uint8Array) {}

  byte(): number {
    if (this.at >= this.data.length) throw new CborError("unexpected end of data");
    return this.data[this.at++];
  }

  take(length: number): Uint8Array {
    if (length > this.data.length - this.at) throw new CborError("unexpected end of data");
    const out = this.data.slice(this.at, this.at + length);
    this.at += length;
    return out;
  }

  uint(size: number): number | bigint {
    const bytes = this.take(size);
    let value = 0n;
    for (const b of bytes) value = (value << 8n) | BigInt(b);
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }
}

function argument(reader: Reader, info: number): number | bigint | null {
  if (info < 24) return info;
  if (info === 24) return reader.uint(1);
  if (info === 25) return reader.uint(2);
  if (info === 26) return reader.uint(4);
  if (info === 27) return reader.uint(8);
  if (info === 31) return null; // indefinite length
  throw new CborError(`reserved additional information ${info}`);
}

function length(value: number | bigint): number {
  if (typeof value === "bigint") throw new CborError("length too large");
  return value;
}

function half(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * 2 ** -14 * (mantissa / 1024);
  if (exponent === 31) return mantissa ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
}

function chunks(reader: Reader, major: number, depth: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (;;) {
    const item = read(reader, depth + 1);
    if (item === BREAK) break;
    if (major === 2 && item instanceof Uint8Array) parts.push(item);
    else if (major === 3 && typeof item === "string") parts.push(bytesOf(item));
    else throw new CborError("an indefinite-length string holds a chunk of another type");
  }
  return concat(...parts);
}

const TEXT = new TextDecoder("utf-8", { fatal: true });

function read(reader: Reader, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new CborError("nested too deeply");
  const initial = reader.byte();
  const major = initial >> 5;
  const info = initial & 0x1f;
  if (major === 7) {
    if (info === 20) return false;
    if (info === 21) return true;
    if (info === 22) return null;
    if (info === 23) return UNDEFINED;
    if (info === 25) return new Float(half(Number(reader.uint(2))));
    if (info === 26) return new Float(new DataView(reader.take(4).buffer).getFloat32(0));
    if (info === 27) return new Float(new DataView(reader.take(8).buffer).getFloat64(0));
    if (info === 31) return BREAK;
    if (info < 24) return { simple: info };
    if (info === 24) return { simple: reader.byte() };
    throw new CborError(`reserved simple value ${info}`);
  }
  const arg = argument(reader, info);
  switch (major) {
    case 0:
      if (arg === null) throw new CborError("an integer cannot have an indefinite length");
      return arg;
    case 1:
      if (arg === null) throw new CborError("an integer cannot have an indefinite length");
      if (typeof arg === "bigint") return -1n - arg;
      return arg + 1 > Number.MAX_SAFE_INTEGER ? -1n - BigInt(arg) : -1 - arg;
    case 2:
      return arg === null ? chunks(reader, 2, depth) : reader.take(length(arg));
    case 3: {
      const bytes = arg === null ? chunks(reader, 3, depth) : reader.take(length(arg));
      try {
        return TEXT.decode(bytes);
      } catch {
        throw new CborError("a text string is not valid UTF-8");
      }
    }
    case 4: {
      const items: unknown[] = [];
      for (let i = 0; arg === null || i < length(arg); i++) {
        const item = read(reader, depth + 1);
        if (item === BREAK) {
          if (arg === null) break;
          throw new CborError("unexpected break");
        }
        items.push(item);
      }
      return items;
    }
    case 5: {
      const map = new Map<unknown, unknown>();
      for (let i = 0; arg === null || i < length(arg); i++) {
        const key = read(reader, depth + 1);
        if (key === BREAK) {
          if (arg === null) break;
          throw new CborError("unexpected break");
        }
        const value = read(reader, depth + 1);
        if (value === BREAK) throw new CborError("a map key without a value");
        map.set(key instanceof Float ? key.value : key, value);
      }
      return map;
    }
    case 6:
      if (arg === null) throw new CborError("a tag cannot have an indefinite length");
      return new Tag(arg, read(reader, depth + 1));
    default:
      throw new CborError(`major type ${major}`);
  }
}

export function decode(data: Uint8Array): unknown {
  const item = read(new Reader(data), 0);
  if (item === BREAK) throw new CborError("unexpected break");
  return item;
}

function head(major: number, value: number): Uint8Array {
  if (value < 24) return Uint8Array.of((major << 5) | value);
  if (value < 0x100) return Uint8Array.of((major << 5) | 24, value);
  if (value < 0x10000) return Uint8Array.of((major << 5) | 25, value >> 8, value & 0xff);
  return Uint8Array.of((major << 5) | 26, value >>> 24, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff);
}

/** Encode an array of text and byte strings (all COSE's Sig_structure needs). */
export function encodeStrings(items: (string | Uint8Array)[]): Uint8Array {
  const parts: Uint8Array[] = [head(4, items.length)];
  for (const item of items) {
    const bytes = typeof item === "string" ? bytesOf(item) : item;
    parts.push(head(typeof item === "string" ? 3 : 2, bytes.length), bytes);
  }
  return concat(...parts);
}
