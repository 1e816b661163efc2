"""The progress bar of ``python -m archive replay``: one line on a terminal, rate included."""

from __future__ import annotations

import sys
import time
from typing import IO


class Progress:
    """A one-line progress bar on a terminal; silent when disabled."""

    WIDTH = 28

    def __init__(self, enabled: bool, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self._last = 0.0
        self._started = time.monotonic()
        self._drawn = False

    def start(self) -> None:
        """Reset the rate clock (call at the start of each phase)."""
        self._started = time.monotonic()
        self._last = 0.0

    def show(self, label: str, done: float, total: float, what: str, force: bool = False) -> None:
        """Draw ``label [####....] pct done/total what rate`` (at most ten times a second)."""
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.1:
            return
        self._last = now
        frac = min(1.0, done / total) if total else 1.0
        filled = int(frac * self.WIDTH)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        rate = done / max(now - self._started, 1e-6)
        if what == "MB":
            counts = f"{done / 1e6:.1f}/{total / 1e6:.1f} MB"
            rate_text = f"{rate / 1e6:.1f} MB/s"
        else:
            counts = f"{int(done)}/{int(total)} {what}"
            rate_text = f"{rate:.1f} {what}/s"
        self.stream.write(f"\r{label:<10} [{bar}] {frac:4.0%} {counts} {rate_text}\033[K")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """End the progress line."""
        if self.enabled and self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False
