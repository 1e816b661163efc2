"""pipelines.extraction: how many pages the pipeline hands to its pool, and their deadline.

``EXTRACTION_QUEUE`` pages per worker are in the pool at once (2 by default, so a worker has
its next page as soon as it finishes one), and the parent's kill deadline of a page counts
the pages it may wait behind: ``EXTRACTION_TIMEOUT × EXTRACTION_QUEUE + EXTRACTION_KILL_GRACE``.
The pool here is a one-thread stand-in whose task blocks until released, so what was handed
over can be counted; the real worker processes and their kill are exercised by
``tests/test_safety.py -k time_limit``.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from scrapy.utils.test import get_crawler

import pipelines.extraction as extraction
from crawler.items import PageItem
from pipelines.extractor import ExtractionResult


@pytest.mark.parametrize(("queue", "handed", "deadline"), [("1", 1, 6.0), ("2", 2, 10.0),
                                                           (None, 2, 10.0), ("3", 3, 14.0)])
def test_pages_in_the_pool_and_their_deadline(monkeypatch, queue, handed, deadline):
    release = threading.Event()
    ran: list[str] = []

    def blocked_run(url, html, site, parts, limit=0.0):  # noqa: ANN001, ANN202 - stand-in
        release.wait(10)
        ran.append(url)
        return ExtractionResult(None, "none", "not-article: stand-in")

    deadlines: list[float] = []
    real_wait_for = asyncio.wait_for

    async def recording_wait_for(future, timeout):  # noqa: ANN001, ANN202 - spy
        deadlines.append(timeout)
        return await real_wait_for(future, timeout)

    monkeypatch.setattr(extraction, "_run", blocked_run)
    monkeypatch.setattr(extraction.asyncio, "wait_for", recording_wait_for)
    settings = {"EXTRACTION_WORKERS": "1", "EXTRACTION_TIMEOUT": "4",
                "EXTRACTION_KILL_GRACE": "2"}
    if queue is not None:
        settings["EXTRACTION_QUEUE"] = queue

    async def main() -> int:
        pipe = extraction.ExtractionPipeline(get_crawler(settings_dict=settings))
        pipe.pool = ThreadPoolExecutor(1)  # one worker: what is handed over waits in it
        items = [PageItem(url=f"https://queue.example/{i}", html="<html></html>")
                 for i in range(5)]
        tasks = [asyncio.ensure_future(pipe.process_item(item)) for item in items]
        await asyncio.sleep(0.3)
        in_pool = len(deadlines)
        release.set()
        done = await asyncio.gather(*tasks)
        pipe.pool.shutdown()
        assert [item.extraction["reason"] for item in done] == ["not-article: stand-in"] * 5
        return in_pool

    assert asyncio.run(main()) == handed
    assert deadlines == [deadline] * 5
    assert sorted(ran) == [f"https://queue.example/{i}" for i in range(5)]
