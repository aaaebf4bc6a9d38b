"""Following a projection that replays its topics: how far its tracked offsets are from the topics' ends.

``vaxtrail rebuild`` and the rebuild benchmark reset a projection and then watch its ``projection_tracking``
rows climb towards the end offsets the topics had when the replay began, drawing a progress bar; the
replay itself is done by whoever consumes - the service's worker, or :func:`replay_here` (a runner in
this process, in the worker's consumer group, so both share the partitions if the worker runs too).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TextIO

from eventkit.kafka import make_consumer, topic_partitions

Offsets = dict[tuple[str, int], int]


def topic_bounds(bootstrap: str, topics: tuple[str, ...], timeout: float = 60.0, *,
                 security: Mapping[str, str] | None = None) -> tuple[Offsets, Offsets]:
    """(first offset, end offset) of every partition of ``topics``."""
    consumer = make_consumer(bootstrap, group_id=None, client_id="vaxtrail-catchup", **(security or {}))
    try:
        partitions = topic_partitions(consumer, topics, timeout)
        first, end = consumer.beginning_offsets(partitions), consumer.end_offsets(partitions)
    finally:
        consumer.close()
    return ({(tp.topic, tp.partition): o for tp, o in first.items()},
            {(tp.topic, tp.partition): o for tp, o in end.items()})


def tracked(pool, projection: str) -> Offsets:
    with pool.connection() as conn:
        rows = conn.execute('SELECT topic, partition, "offset" FROM projection_tracking WHERE projection = %s',
                            (projection,)).fetchall()
    return {(t, p): o for t, p, o in rows}


@dataclass
class Replay:
    """A finished (or abandoned) replay: ``events`` records passed in ``seconds`` from the start of following;
    ``steady_seconds`` from the first committed batch (the consumer's group join and first fetch excluded)."""

    events: int
    total: int
    seconds: float
    steady_events: int
    steady_seconds: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    @property
    def steady_rate(self) -> float:
        return self.steady_events / self.steady_seconds if self.steady_seconds else 0.0

    @property
    def complete(self) -> bool:
        return self.events >= self.total


def follow(pool, projection: str, bounds: tuple[Offsets, Offsets], *, progress: Callable[[int, int, float], None],
           interval: float = 0.5, idle_timeout: float | None = None, stop: threading.Event | None = None) -> Replay:
    """Watch ``projection``'s tracked offsets until they reach the end offsets of ``bounds``.

    Gives up (an incomplete :class:`Replay`) when nothing moved for ``idle_timeout`` seconds or ``stop`` is set.
    """
    first, end = bounds
    total = sum(end[k] - first[k] for k in end)
    started = last_move = time.monotonic()
    first_at, first_done, done = None, 0, -1
    while True:
        offsets = tracked(pool, projection)
        now_done = sum(max(0, min(offsets.get(k, -1) + 1, end[k]) - first[k]) for k in end)
        now = time.monotonic()
        if now_done != done:
            done, last_move = now_done, now
            if first_at is None and done > 0:
                first_at, first_done = now, done
        progress(done, total, now - started)
        if done >= total or (idle_timeout is not None and now - last_move > idle_timeout) or (stop and stop.is_set()):
            break
        time.sleep(interval)
    steady = (done - first_done, now - first_at) if first_at is not None and done > first_done else (0, 0.0)
    return Replay(done, total, now - started, *steady)


def replay_here(runner, pool, bounds: tuple[Offsets, Offsets], *, progress: Callable[[int, int, float], None],
                interval: float = 0.5) -> Replay:
    """Run ``runner`` (its worker loop) in a thread of this process until the replay reached ``bounds``'s ends."""
    stop = threading.Event()
    failed: list[BaseException] = []

    def run() -> None:
        try:
            runner.run(stop)
        except BaseException as exc:  # noqa: BLE001 - reported to the caller below
            failed.append(exc)
            stop.set()

    thread = threading.Thread(target=run, name=f"replay:{runner.projection.name}", daemon=True)
    thread.start()
    try:
        result = follow(pool, runner.projection.name, bounds, progress=progress, interval=interval, stop=stop)
    finally:
        stop.set()
        thread.join(timeout=60)
    if failed:
        raise failed[0]
    return result


class ProgressBar:
    """``[#######-------]  48%  480,000 / 1,000,000 events  23,410/s  ETA 22 s`` on a terminal (redrawn in
    place); elsewhere one line per tenth of the way."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self._label, self._stream, self._width = label, stream or sys.stderr, width
        self._tty = self._stream.isatty()
        self._shown_tenth = -1

    def __call__(self, done: int, total: int, elapsed: float) -> None:
        share = done / total if total else 1.0
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = f"ETA {(total - done) / rate:,.0f} s" if rate and done < total else f"{elapsed:,.1f} s"
        filled = int(share * self._width)
        line = (f"{self._label} [{'#' * filled}{'-' * (self._width - filled)}] {share:4.0%}  {done:,} / {total:,} events"
                f"  {rate:,.0f}/s  {eta}")
        if self._tty:
            self._stream.write("\r" + line + ("\n" if done >= total else ""))
            self._stream.flush()
        elif int(share * 10) > self._shown_tenth:
            self._shown_tenth = int(share * 10)
            print(line, file=self._stream, flush=True)
