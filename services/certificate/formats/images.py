"""QR images and the printable PDF, rendered on demand from the stored QR string.

EU DCC: alphanumeric-mode QR, error correction Q (CERTIFICATES.md). SMART Health Card: numeric mode,
error correction L (the spec's choice: the payload is long and L keeps it within version 22).
The PDF uses a core font, so names are printed ASCII-folded (as on an ICAO machine-readable zone).
"""

from __future__ import annotations

import io

from services.certificate.formats.names import ascii_fold


def qr_png(text: str, *, scale: int = 4) -> bytes:
    import segno  # imported on use: keeps web worker boot fast (readiness probes)

    error = "l" if text.startswith("shc:/") else "q"
    code = segno.make_qr(text, error=error, boost_error=False)
    out = io.BytesIO()
    code.save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def certificate_pdf(title: str, fields: list[tuple[str, str]], qr_text: str) -> bytes:
    from fpdf import FPDF  # ~0.6 s to import: only when a PDF is asked for

    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 12, ascii_fold(title), new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font("Helvetica", size=10)
    for label, value in fields:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(55, 7, ascii_fold(label))
        pdf.set_font("Helvetica", size=10)
        pdf.cell(0, 7, ascii_fold(value)[:90], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.image(io.BytesIO(qr_png(qr_text, scale=6)), x=55, w=100)
    return bytes(pdf.output())
