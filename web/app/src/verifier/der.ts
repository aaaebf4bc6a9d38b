// A minimal DER reader and the parts of an X.509 certificate a verifier needs: the signed bytes, the
// signature and its algorithm, issuer and subject (as DER, compared byte for byte), validity, the public key
// (SPKI) and the extended key usages. Extensions that are not DER as cryptography reads them (an empty EKU
// sequence, a DEFAULT value encoded explicitly, a duplicate extension) make `ekus` null: DSC_MALFORMED.

import { base64Decode } from "./bytes";

export class DerError extends Error {}

export interface Node {
  tag: number;
  /** the whole element (tag, length, content) */
  raw: Uint8Array;
  content: Uint8Array;
}

export function readNode(data: Uint8Array, at = 0): { node: Node; next: number } {
  if (at + 2 > data.length) throw new DerError("truncated DER");
  const tag = data[at];
  if ((tag & 0x1f) === 0x1f) throw new DerError("high tag numbers are not used here");
  let length = data[at + 1];
  let offset = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new DerError("unsupported DER length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + data[offset + i];
    offset += count;
  }
  if (offset + length > data.length) throw new DerError("truncated DER");
  return { node: { tag, raw: data.subarray(at, offset + length), content: data.subarray(offset, offset + length) },
    next: offset + length };
}

export function children(node: Node): Node[] {
  const out: Node[] = [];
  for (let at = 0; at < node.content.length;) {
    const { node: child, next } = readNode(node.content, at);
    out.push(child);
    at = next;
  }
  return out;
}

export function oid(node: Node): string {
  if (node.tag !== 0x06 || !node.content.length) throw new DerError("not an OBJECT IDENTIFIER");
  const parts: number[] = [];
  let value = 0;
  for (const byte of node.content) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  const first = parts[0] < 80 ? Math.floor(parts[0] / 40) : 2;
  return [first, parts[0] - first * 40, ...parts.slice(1)].join(".");
}

function time(node: Node): Date {
  const text = new TextDecoder().decode(node.content);
  const match = node.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
    : node.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : null;
  if (!match) throw new DerError("not a UTCTime / GeneralizedTime");
  let year = Number(match[1]);
  if (node.tag === 0x17) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6])));
}

export interface Certificate {
  tbs: Uint8Array;
  signatureAlgorithm: string;
  signature: Uint8Array;
  issuer: Uint8Array;
  subject: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  spki: Uint8Array;
  keyAlgorithm: string;
  /** the named curve of an EC key */
  curve: string | null;
  /** extended key usage OIDs (empty without the extension); null when the extensions are not DER */
  ekus: string[] | null;
}

const EKU = "2.5.29.37";
const BASIC_CONSTRAINTS = "2.5.29.19";

function extendedKeyUsages(extensions: Node | undefined): string[] | null {
  if (!extensions) return [];
  const seen = new Set<string>();
  let ekus: string[] = [];
  for (const extension of children(children(extensions)[0])) {
    const parts = children(extension);
    const id = oid(parts[0]);
    if (seen.has(id)) return null;
    seen.add(id);
    if (parts.length === 3 && (parts[1].tag !== 0x01 || parts[1].content[0] === 0)) return null; // critical FALSE is the default
    const value = readNode(parts[parts.length - 1].content).node;
    if (id === EKU) {
      ekus = children(value).map(oid);
      if (!ekus.length) return null;
    }
    if (id === BASIC_CONSTRAINTS && children(value).some((part) => part.tag === 0x01 && part.content[0] === 0)) return null;
  }
  return ekus;
}

export function parseCertificate(der: Uint8Array): Certificate {
  const [tbsNode, algorithm, signature] = children(readNode(der).node);
  let fields = children(tbsNode);
  if (fields[0].tag === 0xa0) fields = fields.slice(1); // [0] version
  const [, , issuer, validity, subject, spki, ...rest] = fields;
  const [notBefore, notAfter] = children(validity);
  const [keyAlgorithm] = children(spki);
  const [keyOid, parameters] = children(keyAlgorithm);
  if (signature.tag !== 0x03) throw new DerError("the signature is not a BIT STRING");
  let ekus: string[] | null;
  try {
    ekus = extendedKeyUsages(rest.find((node) => node.tag === 0xa3));
  } catch {
    ekus = null;
  }
  return {
    tbs: tbsNode.raw, signatureAlgorithm: oid(children(algorithm)[0]), signature: signature.content.subarray(1),
    issuer: issuer.raw, subject: subject.raw, notBefore: time(notBefore), notAfter: time(notAfter), spki: spki.raw,
    keyAlgorithm: oid(keyOid), curve: parameters?.tag === 0x06 ? oid(parameters) : null, ekus,
  };
}

/** A DER ECDSA signature SEQUENCE { r, s } as the fixed-size r || s WebCrypto verifies. */
export function rawEcdsaSignature(der: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(2 * size);
  children(readNode(der).node).forEach((integer, i) => {
    let value = integer.content;
    while (value.length > size && value[0] === 0) value = value.subarray(1);
    if (value.length > size) throw new DerError("an ECDSA integer is too large");
    out.set(value, (i + 1) * size - value.length);
  });
  return out;
}

export function pemToDer(pem: string): Uint8Array {
  const body = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  return base64Decode(body);
}
