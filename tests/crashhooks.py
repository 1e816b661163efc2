"""Test-only entry point: ``python -m tests.crashhooks crawl <spider> ...`` is ``scrapy crawl``
with hooks into the output writers, switched on by environment variables. Production code has
no such hooks; the crash tests (tests/test_crashes.py) run the real crawler through this.

More: docs/modules.md, ``tests/crashhooks.py``.
"""

from __future__ import annotations

import itertools
import os
import sys
import time
from pathlib import Path


def _note(name: str, line: str) -> None:
    directory = os.environ.get("NEWSARCHIVE_HOOK_DIR")
    if not directory:
        return
    fd = os.open(Path(directory) / name, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


def _write_fully(write, data: memoryview) -> None:
    while data:
        data = data[write(data):]


def install() -> None:
    """Patch the WARC writer and the articles.jsonl appender as the environment asks."""
    from archive.warc.writer import WarcWriter
    from pipelines.crawl import textoutput

    split_ms = float(os.environ.get("NEWSARCHIVE_HOOK_SPLIT_MS", "0") or 0)
    every = max(1, int(os.environ.get("NEWSARCHIVE_HOOK_SPLIT_EVERY", "1") or 1))
    jsonl_ms = float(os.environ.get("NEWSARCHIVE_HOOK_JSONL_SPLIT_MS", "0") or 0)
    counter = itertools.count(1)
    original = WarcWriter._write_all

    def write_all(self: WarcWriter, data: bytes, offset: int) -> None:
        name = self._path.name if self._path is not None else "?"
        if split_ms > 0 and next(counter) % every == 0 and len(data) > 1:
            half = len(data) // 2
            view = memoryview(data)
            _write_fully(self._fh.write, view[:half])
            _note("midwrite.log", f"{name} {offset} {offset + half} {offset + len(data)}")
            time.sleep(split_ms / 1000.0)
            _write_fully(self._fh.write, view[half:])
        else:
            original(self, data, offset)
        _note("written.log", f"{name} {offset + len(data)}")

    WarcWriter._write_all = write_all  # type: ignore[method-assign]

    if jsonl_ms > 0:
        def append_line(fd: int, data: bytes) -> int:
            start = os.lseek(fd, 0, os.SEEK_END)
            half = len(data) // 2
            _write_fully(lambda b: os.write(fd, b), memoryview(data)[:half])
            _note("midwrite.log", f"jsonl {start} {start + half} {start + len(data)}")
            time.sleep(jsonl_ms / 1000.0)
            _write_fully(lambda b: os.write(fd, b), memoryview(data)[half:])
            return start

        textoutput.append_line = append_line


def main() -> None:
    """Install the hooks, then run Scrapy's command line with our arguments."""
    install()
    from scrapy.cmdline import execute

    execute(["scrapy", *sys.argv[1:]])


if __name__ == "__main__":
    main()
