"""crawler.middlewares.selectorrelease: a response whose callback used ``response.selector``
is freed by reference counting as soon as its output is consumed, not at the next full
garbage collection (the Response <-> Selector cycle; measured effect in docs/benchmarks.md)."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import AsyncIterator, Iterator

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from crawler.middlewares.selectorrelease import SelectorReleaseMiddleware

PAGE = b"<html><body>" + b"<p><a href='/a'>link</a></p>" * 200 + b"</body></html>"


def response() -> HtmlResponse:
    return HtmlResponse("https://release.example/", body=PAGE, encoding="utf-8",
                        request=Request("https://release.example/"))


def callback(resp: HtmlResponse) -> Iterator[dict]:
    for href in resp.css("a::attr(href)").getall()[:3]:  # uses (and caches) the selector
        yield {"href": href}


async def acallback(resp: HtmlResponse) -> AsyncIterator[dict]:
    for output in callback(resp):
        yield output


@pytest.fixture
def no_gc() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def middleware() -> SelectorReleaseMiddleware:
    return SelectorReleaseMiddleware(get_crawler())


def consume_sync(mw: SelectorReleaseMiddleware | None) -> weakref.ref:
    resp = response()
    out = callback(resp) if mw is None else mw.process_spider_output(resp, callback(resp))
    assert [o["href"] for o in out] == ["/a", "/a", "/a"]
    return weakref.ref(resp)


def consume_async(mw: SelectorReleaseMiddleware) -> weakref.ref:
    resp = response()

    async def run() -> list[dict]:
        return [o async for o in mw.process_spider_output_async(resp, acallback(resp))]

    assert len(asyncio.run(run())) == 3
    return weakref.ref(resp)


def test_without_it_the_response_waits_for_the_cycle_collector(no_gc) -> None:
    ref = consume_sync(None)
    assert ref() is not None  # kept alive by its own cached selector
    gc.collect()
    assert ref() is None


def test_the_response_is_freed_when_its_output_is_consumed(no_gc) -> None:
    assert consume_sync(middleware())() is None


def test_async_output_too(no_gc) -> None:
    assert consume_async(middleware())() is None


def test_a_callback_that_raises(no_gc) -> None:
    mw = middleware()
    resp = response()

    def broken(r: HtmlResponse) -> Iterator[dict]:
        r.selector  # noqa: B018 - parse, then fail
        raise ValueError("broken page")
        yield {}

    with pytest.raises(ValueError):
        list(mw.process_spider_output(resp, broken(resp)))
    assert resp._cached_selector is None
    resp.selector  # noqa: B018
    assert mw.process_spider_exception(resp, ValueError()) is None
    assert resp._cached_selector is None


def test_a_later_selector_is_parsed_again() -> None:
    resp = response()
    list(middleware().process_spider_output(resp, callback(resp)))
    assert resp.css("a::attr(href)").get() == "/a"


def test_on_in_the_project_and_can_be_switched_off() -> None:
    settings = get_project_settings()
    assert "crawler.middlewares.selectorrelease.SelectorReleaseMiddleware" in \
        settings.getdict("SPIDER_MIDDLEWARES")
    with pytest.raises(NotConfigured):
        SelectorReleaseMiddleware(get_crawler(settings_dict={"SELECTOR_RELEASE_ENABLED": False}))
