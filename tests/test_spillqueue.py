"""crawler.spillqueue: the scheduler's LIFO memory queue that spills its oldest requests."""

from __future__ import annotations

import threading
import tracemalloc

import pytest
import scrapy
from scrapy import FormRequest, Request
from scrapy.utils.test import get_crawler

from crawler.spillqueue import SpillingLifoQueue


class Spider(scrapy.Spider):
    name = "spill"

    def parse(self, response):  # pragma: no cover - never called
        pass

    def other(self, response):  # pragma: no cover - never called
        pass

    def failed(self, failure):  # pragma: no cover - never called
        pass


def make(memory: int = 4, **settings) -> SpillingLifoQueue:
    crawler = get_crawler(Spider, {"SPILL_QUEUE_MEMORY": memory, **settings})
    crawler.spider = Spider()
    return SpillingLifoQueue.from_crawler(crawler, "key")


def describe(request: Request | None) -> tuple:
    assert request is not None
    callback = getattr(request.callback, "__name__", request.callback)
    errback = getattr(request.errback, "__name__", request.errback)
    return (type(request).__name__, request.url, request.method, request.body,
            dict(request.headers.to_unicode_dict()), request.cookies, request.meta,
            request.priority, request.dont_filter, callback, errback, request.cb_kwargs,
            request.flags)


def test_lifo_order_across_memory_and_file():
    queue = make(memory=4)
    sp = queue.spider
    for n in range(30):
        queue.push(Request(f"http://a.test/{n}", callback=sp.parse, meta={"hops": n}))
    assert len(queue) == 30
    assert queue.spilled_total > 0  # the oldest went to the file
    assert len(queue._objects) < 8  # noqa: SLF001 - memory stays bounded
    for n in range(12):  # more arrive while some are taken
        queue.push(Request(f"http://b.test/{n}", callback=sp.other))
    got = []
    while (request := queue.pop()) is not None:
        got.append(request.url)
    assert got == [f"http://b.test/{n}" for n in reversed(range(12))] + \
        [f"http://a.test/{n}" for n in reversed(range(30))]
    assert len(queue) == 0 and queue.pop() is None and queue.peek() is None


def test_requests_come_back_the_same():
    queue = make(memory=1)
    sp = queue.spider
    originals = [
        Request("http://a.test/plain", callback=sp.parse, meta={"hops": 2, "depth": 3},
                priority=-5, dont_filter=True),
        Request("http://a.test/no-callback"),
        Request("http://a.test/headers", callback=sp.other, headers={"X-Y": "z"},
                cookies={"c": "1"}, errback=sp.failed, cb_kwargs={"k": 1}, flags=["f"]),
        Request("http://a.test/post", method="POST", body=b"a=1", callback=sp.parse),
        FormRequest("http://a.test/form", formdata={"q": "x"}, callback=sp.parse),
    ]
    for request in originals:
        queue.push(request)
    for _ in originals:  # a filler pushes each original to the file
        queue.push(Request("http://filler.test/"))
        queue.pop()
    assert queue.spilled_total >= len(originals) - 1
    back = []
    while (request := queue.pop()) is not None:
        back.append(request)
    assert [describe(r) for r in reversed(back)] == [describe(r) for r in originals]
    assert all(r.callback in (None, sp.parse, sp.other) for r in back)


def test_a_request_that_cannot_be_written_stays_in_memory():
    queue = make(memory=1)
    sp = queue.spider
    unpicklable = Request("http://a.test/lambda", callback=lambda r: None)
    odd_meta = Request("http://a.test/meta", callback=sp.parse, meta={"lock": threading.Lock()})
    lock = Request("http://a.test/lock", callback=sp.parse, meta={"gen": (x for x in ())})
    for request in (unpicklable, odd_meta, lock, Request("http://a.test/last")):
        queue.push(request)
    urls = []
    while (request := queue.pop()) is not None:
        urls.append(request.url)
    assert sorted(urls) == sorted(["http://a.test/lambda", "http://a.test/meta",
                                   "http://a.test/lock", "http://a.test/last"])
    assert urls[0] == "http://a.test/last"
    assert queue.spilled_total == 0 and queue._pinned == 0  # noqa: SLF001


def test_requests_that_never_pickle_are_tried_once():
    queue = make(memory=2)
    tried = []
    encode = queue._encode  # noqa: SLF001

    def counting(request):
        tried.append(request.url)
        return encode(request)

    queue._encode = counting  # noqa: SLF001
    for n in range(200):
        queue.push(Request(f"http://a.test/{n}", meta={"lock": threading.Lock()}))
    assert len(tried) == len(set(tried)) and len(queue) == 200
    assert [queue.pop().url for _ in range(3)] == [f"http://a.test/{n}" for n in (199, 198, 197)]


def test_peek_does_not_take():
    queue = make(memory=2)
    for n in range(9):
        queue.push(Request(f"http://a.test/{n}"))
    while queue._objects:  # noqa: SLF001 - empty the memory part: peek reads the file
        queue.pop()
    assert queue.peek().url == queue.peek().url == queue.pop().url
    queue.close()
    assert len(queue) == 0 and queue.pop() is None


def test_memory_stays_flat_with_many_waiting_requests():
    """50,000 waiting requests: the queue's memory is a fraction of holding them as
    objects (Scrapy's LifoMemoryQueue), the measurement behind SPILL_QUEUE_MEMORY."""
    sp = Spider()

    def held(queue_factory) -> int:
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        queue = queue_factory()
        for n in range(50_000):
            queue.push(Request(f"http://news.test/2024/05/article-{n:06d}.html",
                               callback=sp.parse, meta={"hops": 3, "depth": 3}))
        used = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        return used

    crawler = get_crawler(Spider, {"SPILL_QUEUE_MEMORY": 1000})
    crawler.spider = sp
    spilling = held(lambda: SpillingLifoQueue.from_crawler(crawler, "k"))
    objects = held(lambda: _ListQueue())
    assert spilling < objects / 8, (spilling, objects)


class _ListQueue(list):
    push = list.append


@pytest.mark.parametrize("value", [0, -3])
def test_memory_is_at_least_one(value):
    queue = SpillingLifoQueue(None, "", value)
    queue.push(Request("http://a.test/1"))
    queue.push(Request("http://a.test/2"))
    assert [queue.pop().url, queue.pop().url] == ["http://a.test/2", "http://a.test/1"]


def test_the_crawl_uses_it():
    from scrapy.utils.project import get_project_settings

    assert get_project_settings()["SCHEDULER_MEMORY_QUEUE"] == \
        "crawler.spillqueue.SpillingLifoQueue"
