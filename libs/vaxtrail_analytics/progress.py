"""A dependency-free progress bar on stderr: redrawn in place on a terminal, a line per 10 % elsewhere."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """``update(done)`` as work goes; ``finish()`` once. ``total`` may grow (a resumed export learns more)."""

    def __init__(self, what: str, total: int, *, stream: TextIO | None = None, width: int = 30) -> None:
        self.what, self.total, self.done = what, max(total, 0), 0
        self._stream = stream if stream is not None else sys.stderr
        self._tty = getattr(self._stream, "isatty", lambda: False)()
        self._width = width
        self._started = time.monotonic()
        self._last_tenth = -1
        self._last_draw = 0.0

    def update(self, done: int) -> None:
        self.done = max(0, min(done, self.total)) if self.total else done
        fraction = self.done / self.total if self.total else 1.0
        if self._tty:
            now = time.monotonic()
            if now - self._last_draw >= 0.1 or self.done == self.total:
                self._last_draw = now
                self._stream.write("\r" + self._line(fraction))
                self._stream.flush()
        elif int(fraction * 10) != self._last_tenth:
            self._last_tenth = int(fraction * 10)
            self._stream.write(self._line(fraction) + "\n")
            self._stream.flush()

    def finish(self) -> None:
        self.update(self.total)
        if self._tty:
            self._stream.write("\n")
            self._stream.flush()

    def _line(self, fraction: float) -> str:
        filled = int(round(fraction * self._width))
        elapsed = time.monotonic() - self._started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        return (f"{self.what} [{'#' * filled}{'.' * (self._width - filled)}] {fraction:6.1%} "
                f"{self.done:,}/{self.total:,} records ({rate:,.0f}/s)")
