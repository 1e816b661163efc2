"""Holding requests: answers that wait until a test releases them (instead of a clock)."""

from __future__ import annotations

import threading


class Hold:
    """Requests whose URL contains ``url_part`` wait, before their answer is sent, until
    :meth:`release` (tests that need a crawl still running use this instead of a clock).
    ``arrived`` is set when the first such request comes in; ``count`` counts them."""

    #: a held request is answered after this long even without a release (a test that
    #: forgot to release must not hang the suite)
    LIMIT = 300.0

    def __init__(self, url_part: str) -> None:
        self.url_part = url_part
        self.arrived = threading.Event()
        self.count = 0
        self._released = threading.Event()

    def matches(self, url: str) -> bool:
        return self.url_part in url

    def wait(self) -> None:
        """Called by the request's handler thread."""
        self.count += 1
        self.arrived.set()
        self._released.wait(self.LIMIT)

    def wait_arrived(self, timeout: float = 60.0) -> bool:
        """Wait until a matching request has come in."""
        return self.arrived.wait(timeout)

    def release(self) -> None:
        """Answer the held requests, and any later ones at once."""
        self._released.set()

    def __enter__(self) -> Hold:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
