"""pipelines.crawl.extraction: how pages reach the worker processes, their deadline, and what a dead
or stuck worker costs.

``EXTRACTION_QUEUE`` pages per worker are handed over at once (2 by default, so a worker has
its next page as soon as it finishes one), and a page's kill deadline counts the pages it may
wait behind: ``EXTRACTION_TIMEOUT × EXTRACTION_QUEUE + EXTRACTION_KILL_GRACE``. The workers
here are real processes running a stand-in for the extractor (``held`` below: it waits for a
file, or ends its process, as the page's HTML says), so what was handed over can be counted;
the real extractor on adversarial pages is exercised by ``tests/test_safety.py -k time_limit``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

import pipelines.crawl.extraction as extraction
from pipelines.extract.items import PageItem
from pipelines.extract.page import ExtractionResult


def held(url: str, html: str, site: str | None, parts: list, limit: float = 0.0,
         requisites: bool = False) -> ExtractionResult:
    """Stand-in for the extractor, run in the workers: ``die`` ends the process at once;
    ``hang`` never returns; otherwise wait until the file named by the HTML exists."""
    if html == "die":
        os._exit(3)
    if html == "hang":
        time.sleep(3600)
    while not os.path.exists(html):
        time.sleep(0.01)
    return ExtractionResult(None, "none", f"not-article: stand-in {os.getpid()}")


def pipeline(settings: dict[str, str]) -> extraction.ExtractionPipeline:
    pipe = extraction.ExtractionPipeline(get_crawler(settings_dict=settings))
    pipe.target = held
    return pipe


async def settle(pipe: extraction.ExtractionPipeline, quiet: float = 0.3,
                 limit: float = 30.0) -> int:
    """Pages handed to the workers, once some have been and the count has not moved for
    ``quiet`` seconds (the workers start in a thread: slower on a loaded machine)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    count, since = 0, loop.time()
    while loop.time() < deadline:
        now = sum(len(worker.pending) for worker in pipe._pool)
        if now != count:
            count, since = now, loop.time()
        elif count and loop.time() - since >= quiet:
            break
        await asyncio.sleep(0.02)
    return count


@pytest.mark.parametrize(("queue", "handed", "deadline"), [("1", 1, 6.0), ("2", 2, 10.0),
                                                           (None, 2, 10.0), ("3", 3, 14.0)])
def test_pages_handed_to_a_worker_and_their_deadline(tmp_path: Path, queue, handed, deadline):
    release = tmp_path / "release"
    settings = {"EXTRACTION_WORKERS": "1", "EXTRACTION_TIMEOUT": "4",
                "EXTRACTION_KILL_GRACE": "2"}
    if queue is not None:
        settings["EXTRACTION_QUEUE"] = queue

    async def main() -> tuple[int, list[float]]:
        pipe = pipeline(settings)
        pipe.open_spider()
        items = [PageItem(url=f"https://queue.example/{i}", html=str(release)) for i in range(5)]
        tasks = [asyncio.ensure_future(pipe.process_item(item)) for item in items]
        in_worker = await settle(pipe)
        loop = asyncio.get_running_loop()
        timers = [timer.when() - loop.time() for _, timer in pipe._pool[0].pending.values()]
        release.touch()
        done = await asyncio.gather(*tasks)
        pipe.close_spider()
        reasons = {item.extraction["reason"] for item in done}
        assert len(reasons) == 1 and next(iter(reasons)).startswith("not-article: stand-in")
        assert all(item.url == f"https://queue.example/{i}" for i, item in enumerate(done))
        return in_worker, timers

    in_worker, timers = asyncio.run(main())
    assert in_worker == handed
    assert pipeline(settings).deadline == deadline
    assert all(deadline - 1.0 < left <= deadline for left in timers), timers


def test_pages_spread_over_workers(tmp_path: Path) -> None:
    release = tmp_path / "release"

    async def main() -> list[int]:
        pipe = pipeline({"EXTRACTION_WORKERS": "2", "EXTRACTION_QUEUE": "2"})
        pipe.open_spider()
        tasks = [asyncio.ensure_future(pipe.process_item(
            PageItem(url=f"https://spread.example/{i}", html=str(release)))) for i in range(7)]
        await settle(pipe)
        counts = sorted(len(worker.pending) for worker in pipe._pool)
        release.touch()
        done = await asyncio.gather(*tasks)
        pids = {item.extraction["reason"].rsplit(" ", 1)[1] for item in done}
        pipe.close_spider()
        assert len(pids) == 2  # both workers extracted
        return counts

    assert asyncio.run(main()) == [2, 2]


def test_a_worker_that_dies_costs_only_its_page(tmp_path: Path) -> None:
    """The page that kills its worker (twice: it is tried once more) gets an error; the page
    waiting behind it in the same worker is retried in the new one; the crawl goes on."""
    release = tmp_path / "release"
    release.touch()

    async def main() -> tuple[dict[str, str], dict]:
        pipe = pipeline({"EXTRACTION_WORKERS": "1", "EXTRACTION_QUEUE": "2"})
        pipe.open_spider()
        items = [PageItem(url="https://die.example/dies", html="die"),
                 PageItem(url="https://die.example/behind", html=str(release)),
                 PageItem(url="https://die.example/after", html=str(release))]
        done = await asyncio.gather(*(pipe.process_item(item) for item in items))
        stats = pipe.stats.get_stats()
        pipe.close_spider()
        return {item.url.rsplit("/", 1)[1]: item.extraction["reason"] for item in done}, stats

    reasons, stats = asyncio.run(main())
    assert reasons["dies"].startswith("error: worker died (exit code 3)"), reasons
    assert reasons["behind"].startswith("not-article: stand-in"), reasons
    assert reasons["after"].startswith("not-article: stand-in"), reasons
    assert stats["extraction/worker_restarts"] == 2
    assert stats["extraction/errors"] == 1


def test_a_stuck_worker_is_killed_at_the_deadline(tmp_path: Path) -> None:
    release = tmp_path / "release"
    release.touch()

    async def main() -> tuple[dict[str, str], dict, float]:
        pipe = pipeline({"EXTRACTION_WORKERS": "1", "EXTRACTION_QUEUE": "1",
                         "EXTRACTION_TIMEOUT": "0.5", "EXTRACTION_KILL_GRACE": "0.5"})
        pipe.open_spider()
        pipe._adopt()  # wait for the starting thread
        stuck = pipe._pool[0].process
        started = time.monotonic()
        items = [PageItem(url="https://stuck.example/hang", html="hang"),
                 PageItem(url="https://stuck.example/next", html=str(release))]
        done = await asyncio.gather(*(pipe.process_item(item) for item in items))
        took = time.monotonic() - started
        stats = pipe.stats.get_stats()
        pipe.close_spider()
        assert not stuck.is_alive()
        return {item.url.rsplit("/", 1)[1]: item.extraction["reason"] for item in done}, \
            stats, took

    reasons, stats, took = asyncio.run(main())
    assert reasons["hang"] == "error: timeout after 0.5 s (worker killed)", reasons
    assert reasons["next"].startswith("not-article: stand-in"), reasons
    assert stats["extraction/timeouts"] == 1 and stats["extraction/worker_restarts"] == 1
    assert took < 10, took


def test_close_ends_the_workers() -> None:
    async def main() -> list:
        pipe = pipeline({"EXTRACTION_WORKERS": "2"})
        pipe.open_spider()
        pipe._adopt()  # wait for the starting thread
        processes = [worker.process for worker in pipe._pool]
        assert len(processes) == 2
        pipe.close_spider()
        return processes

    processes = asyncio.run(main())
    assert [p.exitcode for p in processes] == [0, 0]


def test_no_worker_can_be_started_pages_are_extracted_in_the_reactor_thread(tmp_path: Path,
                                                                          caplog) -> None:
    """The only worker dies and no other can be started (the forkserver gone, say): the page
    it was running and the pages waiting for a worker are extracted in the crawl process."""
    release = tmp_path / "release"
    release.touch()

    async def main() -> tuple[list[str], dict]:
        pipe = pipeline({"EXTRACTION_WORKERS": "1", "EXTRACTION_QUEUE": "1"})
        pipe.open_spider()

        def cannot_spawn() -> None:
            raise OSError("no forkserver")

        pipe._spawn = cannot_spawn  # after the first worker started
        items = [PageItem(url="https://nospawn.example/dies", html="die")] + [
            PageItem(url=f"https://nospawn.example/{i}", html="<html><body><p>x</p></body></html>")
            for i in range(3)]
        done = await asyncio.gather(*(pipe.process_item(item) for item in items))
        stats = pipe.stats.get_stats()
        pipe.close_spider()
        return [item.extraction["reason"] for item in done], stats

    reasons, stats = asyncio.run(main())
    # extract_page itself ran (not the stand-in): none of these pages is an article
    assert all(r.startswith("not-article") and "stand-in" not in r for r in reasons), reasons
    assert "no extraction worker left" in caplog.text
    assert stats["extraction/worker_restarts"] == 1


def test_workers_end_when_the_crawl_is_killed() -> None:
    """``kill -9`` of the crawl closes its ends of the sockets: idle workers read EOF and exit
    (they are children of the forkserver, not of the crawl, so nothing else would stop them)."""
    code = r'''
import asyncio, sys, time
from scrapy.utils.test import get_crawler
from pipelines.crawl.extraction import ExtractionPipeline

async def main():
    pipe = ExtractionPipeline(get_crawler(settings_dict={"EXTRACTION_WORKERS": "2"}))
    pipe.open_spider()
    pipe._adopt()
    print(" ".join(str(w.process.pid) for w in pipe._pool), flush=True)
    time.sleep(600)

asyncio.run(main())
'''
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=root, stdout=subprocess.PIPE,
                            text=True)
    try:
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert len(pids) == 2 and all(_alive(pid) for pid in pids)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in pids if _alive(pid)]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped by its parent) counts as gone
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_workers_that_cannot_start_leave_extraction_in_the_reactor_thread(caplog) -> None:
    async def main() -> list[str]:
        pipe = pipeline({"EXTRACTION_WORKERS": "2"})

        def cannot_start() -> None:
            raise OSError("no forkserver")

        pipe._start_process = cannot_start
        pipe.open_spider()
        items = [PageItem(url=f"https://nostart.example/{i}", html="<html><p>x</p></html>")
                 for i in range(3)]
        done = await asyncio.gather(*(pipe.process_item(item) for item in items))
        pipe.close_spider()
        return [item.extraction["reason"] for item in done]

    reasons = asyncio.run(main())
    assert all(r.startswith("not-article") and "stand-in" not in r for r in reasons), reasons
    assert "could not start 2 of 2 extraction workers: no forkserver; extracting in the " \
        "reactor thread" in caplog.text
