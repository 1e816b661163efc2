"""Shared frontier through Redis: several ``scrapy crawl`` processes crawl one site as one
(issue: beyond one machine - several crawler processes on several hosts share one frontier).

Each test starts its own ``redis-server`` on a free loopback port (skipped when the binary is
missing: ``apt-get install redis-server``; ``.ci/run`` installs it) and crawls a generated
site of 1,000 article pages (40 listing pages under one index) through the fixture web.
A single-process crawl without Redis is the reference: the union of the workers' texts must
equal its texts, and every page must be archived as a ``response`` record exactly once across
all the workers' WARCs.

Default (CI) form, about a minute: unit checks of the Redis crawl state, 2 workers, 3 workers
one of which is SIGKILLed halfway, and 2 workers through a 10 s Redis freeze (SIGSTOP, then
SIGCONT). ``pytest --run-slow`` (``make test-full``) adds 4 workers sharing one output root
and a 10 s Redis shutdown + restart on the same port (persistence in a tmp dir).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.store.redisguard import RedisGuard
from archive.store.redisstate import RedisCrawlState
from crawler.frontier.link import connect
from fixtureweb import FixtureWeb
from tests.conftest import ROOT, TEST_SETTINGS, run_crawl
from tests.redisserver import MISSING, RedisServer, needs_redis

HOST = "frontier.test"
PAGES = 1000
PER_LIST = 25
START = f"https://{HOST}/"
ARGS = {"urls": START, "depth": "2"}
ARTICLES = {f"https://{HOST}/a/{n}.html" for n in range(1, PAGES + 1)}
LISTS = {f"https://{HOST}/list/{i}.html" for i in range(1, PAGES // PER_LIST + 1)}
ALL_PAGES = ARTICLES | LISTS | {START}
#: every worker: short lease and heartbeat so that a dead worker is noticed within seconds
FRONTIER_SETTINGS = {"REDIS_LEASE": "4", "REDIS_HEARTBEAT": "1", "REDIS_POLL": "0.2",
                     "REDIS_RETRY_MAX": "2", "REDIS_SOCKET_TIMEOUT": "1",
                     "CONCURRENT_REQUESTS": "8"}
WORKER_TIMEOUT = 150


@pytest.fixture
def redis_server(tmp_path):
    if MISSING:
        pytest.skip(MISSING)
    server = RedisServer(tmp_path / "redis")
    yield server
    server.stop()


# -- the generated site ----------------------------------------------------------------------

WORDS = ("Moscow Tokyo treaty islands fishery summit ministers energy pipeline sanctions talks "
         "delegation visit negotiations agreement border trade envoy Sakhalin Kuril").split()


def make_site(root: Path) -> Path:
    """``root/frontier.test/``: an index linking 40 listing pages of 25 articles each."""
    base = root / HOST
    (base / "list").mkdir(parents=True)
    (base / "a").mkdir()
    (base / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    lists = sorted(LISTS, key=lambda u: int(u.rsplit("/", 1)[1].split(".")[0]))
    items = "".join(f'<li><a href="{u}">List {i}</a></li>' for i, u in enumerate(lists, 1))
    (base / "index.html").write_text(
        f"<!DOCTYPE html><html lang='en'><head><title>Frontier Times</title></head>"
        f"<body><ul>{items}</ul></body></html>")
    for i in range(1, PAGES // PER_LIST + 1):
        links = "".join(f'<li><a href="/a/{n}.html">Story {n}</a></li>'
                        for n in range((i - 1) * PER_LIST + 1, i * PER_LIST + 1))
        (base / "list" / f"{i}.html").write_text(
            f"<!DOCTYPE html><html lang='en'><head><title>List {i}</title></head><body>"
            f"<nav><a href='/'>Home</a></nav><ul>{links}</ul></body></html>")
    for n in range(1, PAGES + 1):
        rnd = random.Random(n)
        paras = "".join(
            "<p>" + " ".join(rnd.choice(WORDS) for _ in range(40)) + f" (story {n}, part {k})."
            "</p>" for k in range(4))
        (base / "a" / f"{n}.html").write_text(
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>Story {n} | Frontier Times</title>"
            f'<meta property="og:type" content="article">'
            f'<meta property="og:title" content="Story {n}">'
            f'<meta property="article:published_time" content="2024-06-{1 + n % 28:02d}'
            f'T10:00:00+09:00"></head><body><header><a href="/">Frontier Times</a></header>'
            f"<main><article><h1>Story {n}</h1>{paras}</article></main>"
            f'<footer><a href="/list/1.html">More stories</a></footer></body></html>')
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return make_site(tmp_path_factory.mktemp("frontier-site"))


@pytest.fixture(scope="module")
def site_web(site):
    with FixtureWeb(roots=[site]) as web:
        yield web


@dataclass
class Outputs:
    """What one or more output roots hold, read back."""

    rows: list[dict[str, Any]]
    records: list[dict[str, Any]]
    row_files: list[str]

    def texts(self) -> dict[str, str]:
        return {row["url"]: row["text"] for row in self.rows}

    def responses(self) -> Counter[str]:
        return Counter(r["uri"] for r in self.records if r["type"] == "response")


def read_outputs(*roots: Path) -> Outputs:
    """Every ``articles*.jsonl`` row and every record of every closed WARC under ``roots``."""
    rows: list[dict[str, Any]] = []
    row_files: list[str] = []
    records: list[dict[str, Any]] = []
    for root in roots:
        for path in sorted(root.glob("articles*.jsonl")):
            for line in path.read_text("utf-8").splitlines():
                try:
                    rows.append(json.loads(line))
                except ValueError:  # a line cut by SIGKILL
                    continue
                row_files.append(path.name)
        for path in sorted((root / "warc").glob("*.warc.gz")):
            with path.open("rb") as fh:
                for rec in ArchiveIterator(fh):
                    records.append({
                        "file": path.name,
                        "type": rec.rec_type,
                        "uri": rec.rec_headers.get_header("WARC-Target-URI"),
                        "id": rec.rec_headers.get_header("WARC-Record-ID"),
                        "refers_to": rec.rec_headers.get_header("WARC-Refers-To"),
                    })
    return Outputs(rows, records, row_files)


@pytest.fixture(scope="module")
def reference(site_web, tmp_path_factory) -> Outputs:
    """A single-process crawl of the site without Redis."""
    out = tmp_path_factory.mktemp("frontier-reference")
    run = run_crawl(site_web, "urls", out, args=ARGS)
    assert run.returncode == 0, run.stderr[-3000:]
    outputs = read_outputs(out)
    assert set(outputs.texts()) == ARTICLES
    return outputs


# -- workers ---------------------------------------------------------------------------------

class Worker:
    """One ``scrapy crawl urls`` process of the shared frontier."""

    def __init__(self, web: FixtureWeb, out: Path, redis_url: str, name: str,
                 settings: dict[str, str] | None = None) -> None:
        self.out = out
        self.log_path = out.parent / f"{name}.log"
        cmd = [sys.executable, "-m", "scrapy", "crawl", "urls"]
        for key, value in ARGS.items():
            cmd += ["-a", f"{key}={value}"]
        merged = {**TEST_SETTINGS, **FRONTIER_SETTINGS, "OUTPUT_DIR": str(out),
                  "REDIS_URL": redis_url, **(settings or {})}
        for key, value in merged.items():
            cmd += ["-s", f"{key}={value}"]
        env = {**os.environ, **web.env()}
        env.pop("SCRAPY_SETTINGS_MODULE", None)
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                     stderr=open(self.log_path, "w", encoding="utf-8"))

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait(self, timeout: float = WORKER_TIMEOUT) -> int:
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            pytest.fail(f"worker {self.pid} did not finish in {timeout} s:\n{self.log[-3000:]}")

    @property
    def log(self) -> str:
        return self.log_path.read_text("utf-8", "replace")


def run_workers(web: FixtureWeb, outs: list[Path], redis_url: str,
                settings: dict[str, str] | None = None) -> list[Worker]:
    workers = [Worker(web, out, redis_url, f"worker{i}", settings)
               for i, out in enumerate(outs)]
    for worker in workers:
        assert worker.wait() == 0, worker.log[-3000:]
    return workers


def assert_complete(outputs: Outputs, reference: Outputs, *, exactly_once: bool = True) -> None:
    """Every page archived (exactly once as a response), every text as in the reference."""
    responses = outputs.responses()
    missing = ALL_PAGES - set(responses)
    assert not missing, f"{len(missing)} pages never archived, e.g. {sorted(missing)[:5]}"
    if exactly_once:
        twice = {u: n for u, n in responses.items() if n > 1}
        assert not twice, f"archived more than once as a response: {twice}"
    assert outputs.texts() == reference.texts()
    # revisits (robots.txt of every worker but the first...) refer to records that exist
    ids = {r["id"] for r in outputs.records if r["type"] == "response"}
    for rec in outputs.records:
        if rec["type"] == "revisit":
            assert rec["refers_to"] in ids, rec


def frontier_keys_drained(redis: Any) -> None:
    """The frontier left nothing behind: no queue, no leases, no fingerprints."""
    leftovers = [k.decode() for k in redis.keys("newsarchive:urls:*")]
    assert leftovers == [], leftovers


# -- unit checks of the Redis crawl state ----------------------------------------------------

POINTER = {"filename": "x-1~h.warc.gz", "offset": 10, "length": 99,
           "record_id": "<urn:uuid:1>", "warc_date": "2024-01-01T00:00:00Z",
           "payload_digest": "sha1:AAA"}


def _state(server: RedisServer, worker: str, heartbeat: bool = True) -> Any:
    state = RedisCrawlState(connect(server.url), worker=worker, lease=5,
                            guard=RedisGuard(server.url), host=f"host-{worker}")
    if heartbeat:
        state.registry.heartbeat(worker)
    return state


@needs_redis
def test_two_hosts_never_write_the_same_original(redis_server):
    first, second = _state(redis_server, "w1"), _state(redis_server, "w2")
    assert first.original_for("u", "sha1:B") is None  # w1 claims it and writes it
    found: list[Any] = []
    waiter = threading.Thread(target=lambda: found.append(second.original_for("u", "sha1:B")))
    waiter.start()
    time.sleep(0.3)
    assert waiter.is_alive()  # w2 waits for w1's record rather than writing its own
    first.record_fetch("u", status=200, etag=None, last_modified=None,
                       pointer={**POINTER, "payload_digest": "sha1:B"}, html=True, run_id=1)
    waiter.join(5)
    assert found[0]["record_id"] == POINTER["record_id"] and found[0]["host"] == "host-w1"
    # the claim of a worker that stopped heartbeating is taken over at once
    silent = _state(redis_server, "w3", heartbeat=False)
    assert silent.original_for("v", "sha1:C") is None
    assert second.original_for("v", "sha1:C") is None


@needs_redis
def test_runs_of_workers_that_stopped_heartbeating_are_unfinished(redis_server):
    alive, dead = _state(redis_server, "alive"), _state(redis_server, "dead", heartbeat=False)
    a, d = alive.start_run("urls"), dead.start_run("urls")
    assert alive.unfinished_runs() == [d]
    alive.finish_run(a, "finished")
    dead.finish_run(d, "shutdown")
    assert alive.unfinished_runs() == []


def test_without_redis_url_nothing_changes_and_nothing_is_imported():
    code = (
        "import sys\n"
        "from scrapy.utils.project import get_project_settings\n"
        "from scrapy.settings import Settings\n"
        "from crawler.frontier import RedisFrontierAddon\n"
        "s = get_project_settings()\n"
        "RedisFrontierAddon().update_settings(s)\n"
        "assert s['SCHEDULER'] == 'scrapy.core.scheduler.Scheduler', s['SCHEDULER']\n"
        "assert 'RFPDupeFilter' in s['DUPEFILTER_CLASS'], s['DUPEFILTER_CLASS']\n"
        "assert 'scrapy_redis' not in sys.modules and 'redis' not in sys.modules\n"
        "s = Settings({'REDIS_URL': 'redis://127.0.0.1:1/0'})\n"
        "RedisFrontierAddon().update_settings(s)\n"
        "assert s['SCHEDULER'].startswith('crawler.frontier.'), s['SCHEDULER']\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


# -- whole crawls ----------------------------------------------------------------------------

@needs_redis
def test_two_workers_archive_every_page_once(site_web, reference, redis_server, tmp_path):
    # two "hosts": each worker its own output root, nothing shared but Redis
    outs = [tmp_path / "host-a", tmp_path / "host-b"]
    workers = run_workers(site_web, outs, redis_server.url)
    outputs = read_outputs(*outs)
    assert_complete(outputs, reference)
    assert len(outputs.rows) == PAGES
    for worker, out in zip(workers, outs, strict=True):
        assert "shared frontier newsarchive:urls" in worker.log
        assert not list(out.glob("articles.jsonl"))  # one articles-<host>-<pid>.jsonl each
        assert len(list(out.glob("articles-*.jsonl"))) == 1
        assert list((out / "warc").glob(f"*-{worker.pid}~*.warc.gz"))
        assert list((out / "logs").glob(f"urls-*-{worker.pid}~*.log"))  # never shared
    # both worked: the frontier was shared, not crawled twice
    per_root = [len(read_outputs(out).responses()) for out in outs]
    assert all(n > len(ALL_PAGES) // 20 for n in per_root), per_root
    # text rows point at records of their own root, and say which host wrote the record
    for out in outs:
        for row in read_outputs(out).rows:
            assert (out / "warc" / row["warc"]["filename"]).exists()
            assert (out / row["text_path"]).read_text("utf-8").rstrip("\n") == row["text"]
    frontier_keys_drained(redis_server.client())
    assert redis_server.client().zcard("newsarchive:workers") == 0  # every worker left


def _worker_id(worker: Worker) -> str:
    """The frontier's id of a worker (from its log line on joining)."""
    import re

    for _ in range(100):
        match = re.search(rf"worker (\S+-{worker.pid}-[0-9a-f]+) joins", worker.log)
        if match:
            return match.group(1)
        time.sleep(0.1)
    raise AssertionError(f"worker {worker.pid} never joined:\n{worker.log[-2000:]}")


def _wait_for_progress(redis: Any, fraction: float, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = redis.scard("newsarchive:urls")
        if done >= fraction * len(ALL_PAGES):
            return done
        time.sleep(0.02)
    raise AssertionError(f"crawl made no progress: {redis.scard('newsarchive:urls')} pages")


@needs_redis
def test_a_worker_killed_halfway_loses_nothing(site_web, reference, redis_server, tmp_path):
    from crawler.extensions.crawlstate import recover_open_files
    from crawler.frontier.locks import WorkerLock

    out = tmp_path / "shared-root"  # one machine, three processes, one output root
    redis = redis_server.client()
    workers = [Worker(site_web, out, redis_server.url, f"worker{i}") for i in range(3)]
    victim = workers[0]
    _wait_for_progress(redis, 0.4)
    victim.proc.send_signal(signal.SIGKILL)
    victim.proc.wait()
    started = time.monotonic()
    for worker in workers[1:]:
        assert worker.wait() == 0, worker.log[-3000:]
    survivors_log = "".join(w.log for w in workers[1:])
    assert f"worker(s) {_worker_id(victim)} silent for over" in survivors_log
    # the dead worker's .open WARC: the survivors never touched it (its writer might have been
    # alive); now its lock is free, so the recovery of the next crawl repairs it
    dead_open = list((out / "warc").glob(f"*-{victim.pid}~*.open"))
    live_lock = WorkerLock(out)
    lines = recover_open_files(out / "warc", live_lock.writer_is_dead)
    assert len([line for line in lines if line.startswith("recovered")]) == len(dead_open)
    outputs = read_outputs(out)
    # nothing missing; a page can have a second full capture only if the victim wrote the
    # record and died before the shared state heard of it: the pages it had in flight (its
    # writer thread commits the state of a batch after the batch's records)
    assert_complete(outputs, reference, exactly_once=False)
    twice = [u for u, n in outputs.responses().items() if n > 1]
    assert len(twice) <= int(FRONTIER_SETTINGS["CONCURRENT_REQUESTS"]), twice
    # a text row may be doubled only when the victim wrote it and died before recording it
    rows_by_url = Counter(row["url"] for row in outputs.rows)
    victim_rows = {row["url"] for row, name in zip(outputs.rows, outputs.row_files,
                                                   strict=True) if f"-{victim.pid}." in name}
    assert all(url in victim_rows for url, n in rows_by_url.items() if n > 1)
    frontier_keys_drained(redis)
    print(f"survivors finished {time.monotonic() - started:.1f} s after the kill")


@pytest.mark.slow
@needs_redis
def test_four_workers_share_one_output_root(site_web, reference, redis_server, tmp_path):
    out = tmp_path / "shared-root"
    workers = run_workers(site_web, [out] * 4, redis_server.url)
    outputs = read_outputs(out)
    assert_complete(outputs, reference)
    assert len(outputs.rows) == PAGES
    assert len(list(out.glob("articles-*.jsonl"))) == 4
    assert all(list((out / "warc").glob(f"*-{w.pid}~*.warc.gz")) for w in workers)
    assert not list((out / "warc").glob("*.open"))
    assert not list((out / "locks").glob("crawl-*.lock"))  # every worker's own lock is gone
    frontier_keys_drained(redis_server.client())


@needs_redis
@pytest.mark.parametrize("outage", ["sigstop", pytest.param("restart", marks=pytest.mark.slow)])
def test_crawl_survives_a_redis_outage(site_web, reference, tmp_path, outage):
    server = RedisServer(tmp_path / "redis", persistent=outage == "restart")
    try:
        outs = [tmp_path / "host-a", tmp_path / "host-b"]
        workers = [Worker(site_web, out, server.url, f"worker{i}")
                   for i, out in enumerate(outs)]
        _wait_for_progress(server.client(), 0.3)
        assert server.proc is not None
        if outage == "sigstop":
            server.proc.send_signal(signal.SIGSTOP)
            time.sleep(10)
            server.proc.send_signal(signal.SIGCONT)
        else:
            server.stop()
            time.sleep(10)
            server.start()
        for worker in workers:
            assert worker.wait() == 0, worker.log[-3000:]
        for worker in workers:
            assert "unreachable" in worker.log and "crawl paused" in worker.log, \
                worker.log[-3000:]
            assert "reachable again" in worker.log
        outputs = read_outputs(*outs)
        assert_complete(outputs, reference)
        assert len(outputs.rows) == PAGES
        frontier_keys_drained(server.client())
    finally:
        server.stop()
