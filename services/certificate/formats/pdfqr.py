"""The QR code out of a certificate PDF this service prints (``formats/images.py``), without a PDF library.

fpdf2 stores the bilevel QR image as an image XObject compressed with CCITT group 4 (``/K -1``); the same
bits in a one-strip TIFF (compression 4 = T.6) are an image Pillow opens, and zxing-cpp reads the QR from it.
Only what this service's PDFs hold is read: another PDF's images (JPEG, Flate, object streams) are refused
with ``ValueError``, as is a PDF with no such image.
"""

from __future__ import annotations

import io
import re
import struct

_IMAGE = re.compile(rb"<<((?:(?!>>\s*stream).){0,2000}?/Subtype\s*/Image(?:(?!>>\s*stream).){0,2000}?)>>\s*stream\r?\n",
                    re.S)


def _number(dictionary: bytes, key: bytes) -> int:
    found = re.search(rb"/" + key + rb"\s+(-?\d+)", dictionary)
    if found is None:
        raise ValueError(f"image without /{key.decode()}")
    return int(found.group(1))


def _group4_tiff(data: bytes, width: int, height: int, black_is_1: bool) -> bytes:
    """A little-endian, one-strip TIFF around CCITT group 4 data."""
    tags = [(256, 4, width), (257, 4, height), (258, 3, 1), (259, 3, 4), (262, 3, 0 if black_is_1 else 1),
            (273, 4, None), (277, 3, 1), (278, 4, height), (279, 4, len(data))]
    offset = 8 + 2 + 12 * len(tags) + 4
    out = io.BytesIO()
    out.write(b"II*\x00" + struct.pack("<IH", 8, len(tags)))
    for tag, kind, value in tags:
        value = offset if value is None else value
        out.write(struct.pack("<HHI", tag, kind, 1) + (struct.pack("<HH", value, 0) if kind == 3 else
                                                          struct.pack("<I", value)))
    out.write(struct.pack("<I", 0) + data)
    return out.getvalue()


def qr_images(pdf: bytes):
    """Every CCITT group 4 image of ``pdf`` as a Pillow image."""
    from PIL import Image

    for found in _IMAGE.finditer(pdf):
        dictionary = found.group(1)
        if b"/CCITTFaxDecode" not in dictionary or _number(dictionary, b"K") >= 0:
            continue
        data = pdf[found.end():found.end() + _number(dictionary, b"Length")]
        tiff = _group4_tiff(data, _number(dictionary, b"Width"), _number(dictionary, b"Height"),
                            re.search(rb"/BlackIs1\s+true", dictionary) is not None)
        image = Image.open(io.BytesIO(tiff))
        image.load()
        yield image


def read_pdf(pdf: bytes) -> str:
    """The text of the first QR code in a certificate PDF (``ValueError`` when there is none)."""
    import zxingcpp

    if not pdf.startswith(b"%PDF-"):
        raise ValueError("not a PDF")
    for image in qr_images(pdf):
        texts = [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
        if texts:
            return texts[0]
    raise ValueError("no QR code found in the PDF (only the certificate PDFs VaxTrail prints are read)")


__all__ = ["qr_images", "read_pdf"]
