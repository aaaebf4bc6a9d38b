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


def b45decode(text: str) -> bytes:
    if len(text) % 3 == 1:
        raise Base45Error(f"a Base45 text cannot have length {len(text)} (3n + 1)")
    try:
        values = [_INDEX[c] for c in text]
    except KeyError as exc:
        raise Base45Error(f"character {exc.args[0]!r} is not in the Base45 alphabet") from None
    out = bytearray()
    for i in range(0, len(values), 3):
        chunk = values[i:i + 3]
        if len(chunk) == 3:
            n = chunk[0] + chunk[1] * 45 + chunk[2] * 2025
            if n > 0xFFFF:
                raise Base45Error("a Base45 triple exceeds 65535")
            out += n.to_bytes(2, "big")
        else:
            n = chunk[0] + chunk[1] * 45
            if n > 0xFF:
                raise Base45Error("a final Base45 pair exceeds 255")
            out.append(n)
    return bytes(out)
