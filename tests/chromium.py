"""Headless Debian chromium driven over the DevTools protocol on a pipe (no extra package).

Chromium is started with ``--remote-debugging-pipe``: it reads protocol messages (JSON, each
ended by a NUL byte) on its file descriptor 3 and writes its answers and events on 4. That is
all a test needs to open a page, evaluate JavaScript in it and take a screenshot; selenium or
a websocket client would add a dependency for the same three calls.

The flags are the ones a closed machine needs: headless, no sandbox (root in CI), no GPU, no
QUIC, no first-run, background networking, component updates or sync (nothing may leave
127.0.0.1), and a new empty profile per browser.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-pipe"]


class ChromiumError(RuntimeError):
    """Chromium answered a command with an error, or went away."""


class Chromium:
    """One headless chromium process and one page (tab) in it."""

    def __init__(self, binary: str, width: int = 1280, height: int = 1600,
                 timeout: float = 60) -> None:
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="chromium-profile-")
        self.log_path = Path(self.profile) / "chromium.log"
        to_chromium_r, to_chromium_w = os.pipe()
        from_chromium_r, from_chromium_w = os.pipe()

        def give_fds() -> None:  # in the child: the pipe ends as fds 3 and 4
            # (moved out of the way first, in case either end is itself fd 3 or 4)
            reads = fcntl.fcntl(to_chromium_r, fcntl.F_DUPFD, 10)
            writes = fcntl.fcntl(from_chromium_w, fcntl.F_DUPFD, 10)
            os.dup2(reads, 3)
            os.dup2(writes, 4)

        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [binary, *FLAGS, f"--user-data-dir={self.profile}",
                 f"--window-size={width},{height}", "about:blank"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, preexec_fn=give_fds,
                close_fds=False)
        os.close(to_chromium_r)
        os.close(from_chromium_w)
        self._out = to_chromium_w
        self._in = from_chromium_r
        self._buffer = b""
        self._next_id = 0
        try:
            target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            self.session = self.send("Target.attachToTarget",
                                     {"targetId": target, "flatten": True})["sessionId"]
            self.send("Page.enable", session=self.session)
        except BaseException:
            self.close()
            raise

    # -- protocol ------------------------------------------------------------------------

    def send(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None) -> dict[str, Any]:
        """Send one command and return its result (events in between are dropped)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method,
                                   "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode("utf-8") + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            answer = self._receive(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise ChromiumError(f"{method}: {answer['error']}")
                return answer.get("result", {})

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise ChromiumError(f"no answer from chromium within {self.timeout:.0f} s; "
                                    f"its log: {self.log()}")
            chunk = os.read(self._in, 1 << 16)
            if not chunk:
                raise ChromiumError(f"chromium closed the pipe; its log: {self.log()}")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    # -- the page ------------------------------------------------------------------------

    def navigate(self, url: str) -> None:
        result = self.send("Page.navigate", {"url": url}, session=self.session)
        if result.get("errorText"):
            raise ChromiumError(f"cannot open {url}: {result['errorText']}")

    def reload(self) -> None:
        self.send("Page.reload", {"ignoreCache": True}, session=self.session)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True}, session=self.session)
        if "exceptionDetails" in result:
            raise ChromiumError(f"JavaScript error: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        """A PNG of the page as it is shown now."""
        data = self.send("Page.captureScreenshot", {"format": "png"}, session=self.session)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data["data"]))
        return path

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-3000:]
        except OSError:
            return "(none)"

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                try:
                    self.send("Browser.close")
                except (ChromiumError, OSError):
                    pass
                try:
                    self.proc.wait(15)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        finally:
            for fd in (self._out, self._in):
                try:
                    os.close(fd)
                except OSError:
                    pass
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
