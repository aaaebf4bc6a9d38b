"""A fake camera: a short Y4M video of one QR code, which Chromium plays as its camera
(``--use-file-for-fake-video-capture``), so the site app's scanner decodes a real image of a real pass."""

from __future__ import annotations

import io
from pathlib import Path

import segno
from PIL import Image

WIDTH, HEIGHT = 640, 480


def qr_video(text: str, path: Path, frames: int = 5) -> Path:
    """Write ``frames`` identical 640x480 frames (4:2:0) showing ``text`` as a QR code on white paper."""
    png = io.BytesIO()
    segno.make(text, error="m").save(png, kind="png", scale=8, border=4)
    code = Image.open(io.BytesIO(png.getvalue())).convert("RGB")
    side = min(HEIGHT - 40, code.width)
    code = code.resize((side, side), Image.NEAREST)
    frame = Image.new("RGB", (WIDTH, HEIGHT), "white")
    frame.paste(code, ((WIDTH - side) // 2, (HEIGHT - side) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    half = (WIDTH // 2, HEIGHT // 2)
    planes = y.tobytes() + cb.resize(half, Image.BILINEAR).tobytes() + cr.resize(half, Image.BILINEAR).tobytes()
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + planes)
    return path


def blank_video(path: Path) -> Path:
    return qr_video("no pass yet", path, frames=1)
