"""A throwaway ``redis-server`` (Debian's, ``apt-get install redis-server``; ``.ci/run``
installs it) on a free loopback port, for the tests of the shared frontier and crawl state."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

REDIS_SERVER = shutil.which("redis-server")
try:
    import scrapy_redis  # noqa: F401

    MISSING = None if REDIS_SERVER else \
        "redis-server not installed (apt-get install redis-server; .ci/run installs it)"
except ImportError:
    MISSING = "scrapy-redis not installed (the pyproject dependency scrapy-redis is missing)"
needs_redis = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A throwaway ``redis-server`` on a free loopback port (optionally persistent)."""

    def __init__(self, workdir: Path, persistent: bool = False) -> None:
        self.port = free_port()
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.persistent = persistent
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        cmd = [str(REDIS_SERVER), "--port", str(self.port), "--bind", "127.0.0.1",
               "--dir", str(self.dir), "--save", ""]
        cmd += (["--appendonly", "yes", "--appendfsync", "always"] if self.persistent
                else ["--appendonly", "no"])
        self.proc = subprocess.Popen(cmd, stdout=open(self.dir / "redis.log", "ab"),
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def client(self) -> Any:
        import redis

        return redis.Redis(port=self.port, socket_timeout=2)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()  # graceful: an AOF is flushed
            self.proc.wait(10)
        self.proc = None
