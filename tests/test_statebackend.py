"""The crawl-state interface (``archive.store.statebackend.CrawlStateBackend``): every back end
goes through the same contract tests, and the crawler picks one by ``CRAWLSTATE_BACKEND``.

Back ends: the SQLite state of an output root (``archive.store.state.CrawlState``) and the
Redis state of a shared frontier (``archive.store.redisstate.RedisCrawlState``, on a
throwaway Debian ``redis-server`` started by the test, as in ``tests/test_redis_frontier.py``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from archive.store.redisguard import RedisGuard
from archive.store.redisstate import RedisCrawlState
from archive.store.state import CrawlState
from archive.store.statebackend import CrawlStateBackend, UrlState, missing_methods
from crawler.frontier.link import FrontierCrawlState, connect
from crawler.outputs import (
    REDIS_BACKEND,
    SQLITE_BACKEND,
    CrawlOutputs,
    crawl_state_backend,
    open_crawl_state,
)
from tests.redisserver import MISSING, RedisServer

POINTER = {"filename": "x-1~h.warc.gz", "offset": 10, "length": 99,
           "record_id": "<urn:uuid:1>", "warc_date": "2024-01-01T00:00:00Z",
           "payload_digest": "sha1:AAA"}


@dataclass
class Backend:
    """One back end under test: ``state`` (this process) and ``other()``, the same store
    opened by another process that dies without finishing its run (no heartbeat)."""

    name: str
    state: CrawlStateBackend
    other: Callable[[], CrawlStateBackend]


@pytest.fixture(scope="module")
def redis(tmp_path_factory) -> Iterator[RedisServer]:
    if MISSING:
        pytest.skip(MISSING)
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "redis"])
def backend(request, tmp_path) -> Iterator[Backend]:
    if request.param == "sqlite":
        state = CrawlState(tmp_path)
        yield Backend("sqlite", state, lambda: CrawlState(tmp_path))
        state.close()
        return
    server = request.getfixturevalue("redis")
    server.client().flushdb()

    def worker(name: str) -> RedisCrawlState:
        return RedisCrawlState(connect(server.url), worker=name, lease=5,
                               guard=RedisGuard(server.url), host=f"host-{name}")

    state = worker("w1")
    state.registry.heartbeat("w1")
    yield Backend("redis", state, lambda: worker("dead"))
    state.close()


def fetch(state: CrawlStateBackend, url: str, run: int | None, **kw: Any) -> None:
    args: dict[str, Any] = {"status": 200, "etag": None, "last_modified": None,
                            "pointer": POINTER, "html": True, "run_id": run}
    state.record_fetch(url, **{**args, **kw})


# -- the interface ---------------------------------------------------------------------------

@pytest.mark.parametrize("cls", [CrawlState, RedisCrawlState, FrontierCrawlState])
def test_every_back_end_has_the_interface_with_its_signatures(cls):
    assert missing_methods(cls) == []
    for name in [n for n, v in vars(CrawlStateBackend).items()
                 if callable(v) and not n.startswith("_")]:
        want = inspect.signature(getattr(CrawlStateBackend, name))
        have = inspect.signature(getattr(cls, name))
        assert [(p.name, p.kind, p.default) for p in have.parameters.values()] == \
            [(p.name, p.kind, p.default) for p in want.parameters.values()], (cls, name)


def test_a_class_without_the_methods_is_no_back_end():
    assert missing_methods(UrlState) == [
        "close", "start_run", "finish_run", "unfinished_runs", "get", "record_fetch",
        "original_for", "mark_processed", "mark_output_failed", "pending_outputs", "counts"]
    assert not isinstance(UrlState(*[None] * 18), CrawlStateBackend)


# -- the contract ----------------------------------------------------------------------------

def test_an_unknown_url_has_no_state(backend):
    state = backend.state
    assert isinstance(state, CrawlStateBackend)
    assert state.get("https://example.org/never") is None
    assert state.original_for("https://example.org/never", "sha1:X") is None
    assert state.counts() == {"urls": 0, "articles": 0, "unprocessed": 0}
    assert state.pending_outputs() == []


def test_a_full_capture_is_stored_with_its_pointer(backend):
    state = backend.state
    run = state.start_run("urls")
    fetch(state, "u1", run, etag='"e1"', last_modified="Mon")
    got = state.get("u1")
    assert isinstance(got, UrlState)
    assert (got.url, got.status, got.etag, got.last_modified, got.html, got.processed,
            got.run_id, got.version, got.is_article) == \
        ("u1", 200, '"e1"', "Mon", 1, 0, run, 0, None)
    assert got.last_fetch > 0
    pointer = got.pointer()
    assert pointer is not None
    assert {k: pointer[k] for k in POINTER} == POINTER
    assert (pointer["target_uri"], pointer["warc_type"]) == ("u1", "response")
    assert state.counts() == {"urls": 1, "articles": 0, "unprocessed": 1}


def test_a_page_that_is_not_html_needs_no_processing(backend):
    state = backend.state
    fetch(state, "img", None, html=False)
    got = state.get("img")
    assert (got.html, got.processed, got.run_id) == (0, 1, None)
    assert state.counts()["unprocessed"] == 0


def test_a_revisit_updates_only_time_and_validators(backend):
    state = backend.state
    run = state.start_run("urls")
    fetch(state, "u1", run, etag='"e1"')
    before = state.get("u1")
    fetch(state, "u1", run, etag=None, last_modified="Tue", pointer=None, html=False,
          status=304, full_capture=False)
    after = state.get("u1")
    assert (after.etag, after.last_modified) == ('"e1"', "Tue")  # a None keeps the old one
    assert (after.status, after.html, after.processed, after.record_id) == \
        (before.status, before.html, before.processed, before.record_id)
    assert after.last_fetch >= before.last_fetch
    # a revisit of a URL never captured in full creates nothing
    fetch(state, "nope", run, etag="x", pointer=None, full_capture=False)
    assert state.get("nope") is None
    assert state.counts()["urls"] == 1


def test_marking_processed_records_the_text(backend):
    state = backend.state
    run = state.start_run("urls")
    fetch(state, "u1", run)
    fetch(state, "u2", run, pointer={**POINTER, "offset": 200})
    state.mark_processed("u1", is_article=True, text_path="t/1.txt", text_digest="d1",
                         version=1)
    state.mark_processed("u2", is_article=False)
    state.mark_processed("never-fetched", is_article=True)
    one, two = state.get("u1"), state.get("u2")
    assert (one.processed, one.is_article, one.text_path, one.text_digest, one.version) == \
        (1, 1, "t/1.txt", "d1", 1)
    assert (two.processed, two.is_article, two.text_path, two.version) == (1, 0, None, 0)
    assert state.get("never-fetched") is None
    assert state.counts() == {"urls": 2, "articles": 1, "unprocessed": 0}
    # a new capture keeps the text's path and version until it is processed again
    fetch(state, "u1", run, pointer={**POINTER, "payload_digest": "sha1:BBB"})
    state.mark_processed("u1", is_article=True, version=None)
    again = state.get("u1")
    assert (again.payload_digest, again.text_path, again.version) == ("sha1:BBB", "t/1.txt", 1)


def test_the_first_full_200_capture_is_the_original_of_its_payload(backend):
    state = backend.state
    fetch(state, "u1", 1)
    fetch(state, "u1", 1, pointer={**POINTER, "record_id": "<urn:uuid:2>", "offset": 500})
    fetch(state, "gone", 1, status=404, pointer={**POINTER, "record_id": "<urn:uuid:3>"})
    original = state.original_for("u1", "sha1:AAA")
    assert {k: original[k] for k in ("record_id", "filename", "offset", "warc_date", "url",
                                     "payload_digest")} == {
        "record_id": "<urn:uuid:1>", "filename": POINTER["filename"], "offset": 10,
        "warc_date": POINTER["warc_date"], "url": "u1", "payload_digest": "sha1:AAA"}
    assert state.get("u1").record_id == "<urn:uuid:2>"  # the latest capture
    assert state.original_for("gone", "sha1:AAA") is None  # a 404 is nobody's original


def test_failed_outputs_are_pending_until_captured_again(backend):
    state = backend.state
    run = state.start_run("urls")
    fetch(state, "u1", run)
    fetch(state, "u1?page=2", run)
    state.mark_output_failed("u1", parts=["u1?page=2"])
    assert (state.get("u1").processed, state.get("u1?page=2").processed) == (2, 3)
    assert state.pending_outputs() == ["u1"]
    assert state.pending_outputs("urls") == ["u1"]
    fetch(state, "u1", run)
    assert state.pending_outputs() == []


def test_a_run_that_died_is_unfinished_and_a_finished_one_is_not(backend):
    state = backend.state
    run = state.start_run("urls")
    dead = backend.other()
    died = dead.start_run("urls")
    assert isinstance(run, int) and isinstance(died, int) and run != died
    state.finish_run(run, "finished")
    assert state.unfinished_runs() == [died]
    dead.finish_run(died, "finished")
    assert state.unfinished_runs() == []
    dead.close()


# -- the choice by setting -------------------------------------------------------------------

@pytest.mark.parametrize(("settings", "expected"), [
    ({}, SQLITE_BACKEND),
    ({"REDIS_URL": "redis://127.0.0.1:1/0"}, REDIS_BACKEND),
    ({"CRAWLSTATE_BACKEND": "my.Backend", "REDIS_URL": "redis://127.0.0.1:1/0"},
     "my.Backend"),
])
def test_the_setting_chooses_and_redis_url_picks_redis_when_unset(settings, expected):
    assert crawl_state_backend(Settings(settings)) == expected


def test_the_crawler_opens_the_sqlite_state_by_default(tmp_path):
    crawler = get_crawler(settings_dict={"OUTPUT_DIR": str(tmp_path)})
    state = CrawlOutputs.from_crawler(crawler).state
    assert type(state) is CrawlState
    assert state.path == tmp_path / CrawlState.FILENAME


def test_the_crawler_opens_a_back_end_named_by_the_setting(tmp_path):
    crawler = get_crawler(settings_dict={
        "CRAWLSTATE_BACKEND": f"{__name__}.RecordingState", "OUTPUT_DIR": str(tmp_path)})
    state = open_crawl_state(crawler, Path(tmp_path))
    assert isinstance(state, RecordingState) and state.built == (crawler, Path(tmp_path))
    crawler = get_crawler(settings_dict={"CRAWLSTATE_BACKEND": "pathlib.PurePosixPath"})
    with pytest.raises(TypeError, match="does not implement"):
        open_crawl_state(crawler, Path(tmp_path))


def test_the_crawler_opens_the_redis_state_with_redis_url(redis, tmp_path):
    crawler = get_crawler(settings_dict={"REDIS_URL": redis.url, "OUTPUT_DIR": str(tmp_path)})
    state = CrawlOutputs.from_crawler(crawler).state
    assert type(state) is FrontierCrawlState
    state.record_fetch("u", status=200, etag=None, last_modified=None, pointer=POINTER,
                       html=False, run_id=None)
    assert state.get("u").pointer()["host"] == state.host
    assert not (tmp_path / CrawlState.FILENAME).exists()


class RecordingState(CrawlState):
    """A back end built by ``from_crawler(crawler, root)``, remembering its arguments."""

    built: tuple[Any, Path]

    @classmethod
    def from_crawler(cls, crawler: Any, root: Path) -> RecordingState:
        state = cls(root)
        state.built = (crawler, root)
        return state
