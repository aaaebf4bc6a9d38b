"""Base45 (RFC 9285), the text encoding of the EU DCC QR payload (alphanumeric QR mode).

Written here rather than imported: the decoder must be strict (a verifier names "invalid Base45" as
its own rejection reason), and the whole codec is twenty lines.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}


class Base45Error(ValueError):
    """The text is not valid Base45."""


def b45encode(data: bytes) -> str:
    out: list[str] = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        n, c = divmod(n, 45)
        e, d = divmod(n, 45)
        out += [ALPHABET[c], ALPHABET[d], ALPHABET[e]]
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        out += [ALPHABET[c], ALPHABET[d]]
    return "".join(out)


_DECODE = bytes(_INDEX.get(chr(b), 255) for b in range(256))


def b45decode(text: str) -> bytes:
    if len(text) % 3 == 1:
        raise Base45Error(f"a Base45 text cannot have length {len(text)} (3n + 1)")
    try:
        values = text.encode("ascii").translate(_DECODE)  # one C pass; 255 marks a foreign character
    except UnicodeEncodeError:
        values = b"\xff"
    if 255 in values:
        bad = next((c for c in text if c not in _INDEX), "?")
        raise Base45Error(f"character {bad!r} is not in the Base45 alphabet")
    full = len(values) - len(values) % 3
    triples = full // 3
    # Every triple c, d, e is n = c + 45 d + 2025 e. Rather than a Python loop over ~180 triples (a verifier's
    # costliest step after the signature), each digit position becomes one big integer with a 32-bit lane per
    # triple, so that three multiply-adds compute every n at once (no lane carries: n <= 91,124).
    total = 0
    for position, weight in ((0, 1), (1, 45), (2, 2025)):
        lanes = bytearray(4 * triples)
        lanes[3::4] = values[position:full:3]
        total += weight * int.from_bytes(lanes, "big")
    words = total.to_bytes(4 * triples, "big")
    if words[1::4].count(0) != triples:  # some n needs 17 bits
        raise Base45Error("a Base45 triple exceeds 65535")
    out = bytearray(2 * triples)
    out[0::2] = words[2::4]
    out[1::2] = words[3::4]
    if full < len(values):
        n = values[full] + values[full + 1] * 45
        if n > 0xFF:
            raise Base45Error("a final Base45 pair exceeds 255")
        out.append(n)
    return bytes(out)
