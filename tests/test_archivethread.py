"""crawler.archivethread: jobs in order, a batch's state rows committed together before its
futures resolve, failures handed to the waiting coroutines."""

from __future__ import annotations

import asyncio
import sqlite3
import threading

import pytest

from archive.store.state import CrawlState
from crawler.archivethread import ArchiveThread


def _pointer(n: int) -> dict[str, object]:
    return {"filename": "a.warc.gz", "offset": n, "length": 1, "record_id": f"<urn:{n}>",
            "warc_date": "2026-01-01T00:00:00Z", "payload_digest": f"sha1:{n}"}


def _url(n: int) -> str:
    return f"http://example.test/{n}"


def test_rows_are_committed_before_the_futures_resolve(tmp_path):
    state = CrawlState(tmp_path)
    thread = ArchiveThread(state.transaction)
    order: list[int] = []
    gate = threading.Event()

    def job(n: int):
        if n == 0:
            gate.wait(5)  # the other jobs queue up behind the first: one batch
        order.append(n)
        return n, [lambda: state.record_fetch(_url(n), status=200, etag=None,
                                              last_modified=None, pointer=_pointer(n),
                                              html=True, run_id=1)]

    async def main() -> list[tuple[int, bool]]:
        futures = [thread.submit(job, n) for n in range(5)]
        gate.set()
        seen = []
        for future in futures:
            n = await future
            # another connection sees the row: it is committed, not merely written
            other = sqlite3.connect(tmp_path / CrawlState.FILENAME)
            row = other.execute("SELECT offset FROM urls WHERE url = ?", (_url(n),)).fetchone()
            other.close()
            seen.append((n, row is not None and row[0] == n))
        return seen

    seen = asyncio.run(main())
    thread.shutdown()
    assert seen == [(n, True) for n in range(5)]
    assert order == list(range(5))
    assert thread.jobs == 5 and 1 <= thread.batches < 5
    assert thread.cpu_seconds > 0


def test_a_failing_job_fails_alone_and_a_failing_commit_fails_its_batch(tmp_path):
    state = CrawlState(tmp_path)
    thread = ArchiveThread(state.transaction)

    def ok(n: int):
        return n, []

    def broken(n: int):
        raise OSError(28, "No space left on device")

    def bad_row(n: int):
        def write() -> None:
            raise sqlite3.OperationalError("database or disk is full")
        return n, [write]

    async def main() -> list[object]:
        out: list[object] = []
        for fn in (ok, broken, ok):
            try:
                out.append(await thread.submit(fn, 1))
            except OSError as exc:
                out.append(exc.errno)
        try:
            out.append(await thread.submit(bad_row, 2))
        except sqlite3.Error as exc:
            out.append(str(exc))
        return out

    assert asyncio.run(main()) == [1, 28, 1, "database or disk is full"]
    thread.shutdown()
    # the failed batch was rolled back: the connection is usable, nothing half-written
    state.record_fetch(_url(9), status=200, etag=None, last_modified=None, pointer=_pointer(9),
                       html=False, run_id=1)
    assert state.get(_url(9)) is not None


def test_transaction_rolls_back_what_raised(tmp_path):
    state = CrawlState(tmp_path)
    with pytest.raises(RuntimeError), state.transaction():
        state.record_fetch(_url(1), status=200, etag=None, last_modified=None,
                           pointer=_pointer(1), html=False, run_id=1)
        raise RuntimeError("boom")
    assert state.get(_url(1)) is None
    with state.transaction():
        state.record_fetch(_url(2), status=200, etag=None, last_modified=None,
                           pointer=_pointer(2), html=False, run_id=1)
    assert state.get(_url(2)) is not None
