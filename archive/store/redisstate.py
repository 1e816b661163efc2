"""Crawl state shared by several crawler processes on several hosts, kept in Redis.

:class:`RedisCrawlState` has the public methods of :class:`archive.store.state.CrawlState` (``get``,
``record_fetch``, ``original_for``, ``mark_processed``, ``start_run``, ``finish_run``,
``unfinished_runs``, ``counts``, ``close``) with the same meaning, so the incremental and
capture middlewares and the text pipeline work unchanged when ``REDIS_URL`` is set (see
:mod:`crawler.frontier` and ``docs/distributed.md``). What differs:

* **One state per Redis prefix**, not per output root: every process using the same Redis
  database and ``REDIS_PREFIX`` (default ``newsarchive``) shares the seen URLs, validators,
  payload digests and record pointers, whatever its ``OUTPUT_DIR``.
* **Pointers name the host**: a stored record pointer (``UrlState.pointer()``, the result of
  ``original_for``) carries ``host``, the machine whose WARC file holds the record (the file
  name also ends in ``~<host>``), because a revisit written on one host may refer to an
  original written on another.
* **Races between hosts are settled in Redis**: every write is one Lua script (atomic).
  ``original_for`` *claims* a (URL, payload digest) that has no original yet (``SET NX`` with
  a time-out): the caller writes the full ``response`` record and ``record_fetch`` publishes it
  and drops the claim. A second process asking for the same pair meanwhile waits (a few
  milliseconds: the time it takes to write one record) for the original, so it writes a
  ``revisit`` to it instead of a second copy. A claim of a process that died is taken over.
  Two processes therefore never archive the same payload of a URL twice.
* **Runs belong to workers**: ``start_run`` records the worker id (host, pid, random suffix);
  ``unfinished_runs`` lists the unfinished runs whose worker no longer heartbeats
  (:class:`WorkerRegistry`), i.e. the runs that died, as in the SQLite state.

Key layout (``P`` = the prefix; ``H`` = sha1 hex of a URL)::

    P:url:H              hash: the urls row of CrawlState (plus ``host``)
    P:digest:H           hash: payload digest -> JSON pointer of the first full capture
    P:claim:H:<digest>   string: worker writing that original (expires)
    P:urls / P:articles / P:unprocessed   sets of H, for counts()
    P:run:seq, P:run:<id> (hash), P:runs:open (set)
    P:workers            sorted set: worker -> time of its last heartbeat (Redis clock)

**Redis unreachable**: every call goes through a :class:`RedisGuard`, which retries with
exponential backoff (capped) and logs one clear line when Redis goes away and one when it is
back. The calling thread waits meanwhile, so the crawl pauses rather than losing an update.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from archive.store.state import UrlState

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: How long a claim on an original lives if its holder never publishes it (seconds).
CLAIM_TTL = 30.0
#: How long ``original_for`` waits for another worker to publish an original it claimed.
CLAIM_WAIT = 10.0


def worker_id() -> str:
    """A process's id in the shared state: ``<host>-<pid>-<random>``."""
    host = "".join(c if c.isalnum() or c in "-." else "-" for c in socket.gethostname())
    return f"{host}-{os.getpid()}-{os.urandom(3).hex()}"


def connect(url: str, *, socket_timeout: float = 5.0) -> Any:
    """A redis-py client for ``url`` that fails fast instead of retrying on its own.

    Retries are :class:`RedisGuard`'s job (with logging and backoff); the socket time-out
    bounds how long a call can hang on a Redis that accepts connections but does not answer
    (stopped, overloaded).
    """
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return redis.Redis.from_url(
        url,
        socket_timeout=socket_timeout,
        socket_connect_timeout=socket_timeout,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=0,
    )


def redacted(url: str) -> str:
    """``url`` without a password, for log lines."""
    if "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"


class RedisUnavailable(Exception):
    """Redis could not be reached (raised by ``RedisGuard.call(..., wait=False)``)."""


class RedisGuard:
    """Outage bookkeeping and retries for every user of one Redis connection in a process.

    ``call(fn)`` runs ``fn`` and returns its result; on a connection error or time-out it
    logs (once per outage, then at each retry at INFO), sleeps with exponential backoff from
    ``initial`` to ``maximum`` seconds and tries again, for as long as it takes
    (``wait=False``: raises :class:`RedisUnavailable` instead, and later callers are told
    Redis is unavailable without trying until the backoff has elapsed).
    """

    def __init__(self, url: str, *, initial: float = 0.5, maximum: float = 10.0) -> None:
        self.url = redacted(url)
        self.initial = initial
        self.maximum = max(initial, maximum)
        self.backoff = initial
        self.down_since: float | None = None  # monotonic time of the first failure
        self.next_try = 0.0  # monotonic time before which callers with wait=False skip
        self.up_since = time.monotonic()  # when the connection last came (back)
        self.outages = 0
        self.outage_seconds = 0.0

    @staticmethod
    def errors() -> tuple[type[BaseException], ...]:
        """The exceptions that mean "Redis unreachable" (not "bad command")."""
        from redis.exceptions import BusyLoadingError, ConnectionError, TimeoutError

        return (ConnectionError, TimeoutError, BusyLoadingError, OSError)

    @property
    def down(self) -> bool:
        """Is an outage going on (the last call failed)?"""
        return self.down_since is not None

    def available(self) -> bool:
        """May a non-waiting caller try now (up, or the backoff has elapsed)?"""
        return self.down_since is None or time.monotonic() >= self.next_try

    def up_for(self) -> float:
        """Seconds since Redis was last (re)reached; 0 during an outage."""
        return 0.0 if self.down else time.monotonic() - self.up_since

    def failed(self, exc: BaseException) -> float:
        """Record a failed call; returns the seconds to wait before the next try."""
        now = time.monotonic()
        wait = self.backoff
        if self.down_since is None:
            self.down_since = now
            self.outages += 1
            logger.warning(
                "Redis at %s unreachable (%s): crawl paused (no request is dropped); "
                "retrying in %.1f s", self.url, _brief(exc), wait)
        else:
            logger.info("Redis at %s still unreachable after %.0f s (%s); retrying in %.1f s",
                        self.url, now - self.down_since, _brief(exc), wait)
        self.backoff = min(self.backoff * 2, self.maximum)
        self.next_try = now + wait
        return wait

    def succeeded(self) -> None:
        """Record a successful call (ends an outage)."""
        if self.down_since is not None:
            now = time.monotonic()
            lasted = now - self.down_since
            self.outage_seconds += lasted
            logger.warning("Redis at %s reachable again after %.1f s: crawl resumed",
                           self.url, lasted)
            self.down_since = None
            self.up_since = now
        self.backoff = self.initial

    def call(self, fn: Callable[[], T], *, wait: bool = True) -> T:
        """``fn()``, retried through outages (see the class docstring)."""
        errors = self.errors()
        while True:
            if not wait and not self.available():
                raise RedisUnavailable(self.url)
            try:
                result = fn()
            except errors as exc:
                delay = self.failed(exc)
                if not wait:
                    raise RedisUnavailable(self.url) from exc
                time.sleep(delay)
                continue
            self.succeeded()
            return result


def _brief(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) < 160 else text[:157] + "..."


# -- Lua ------------------------------------------------------------------------------------

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

#: KEYS: workers; ARGV: worker -> the Redis time of the heartbeat (string)
_HEARTBEAT = _NOW + """
redis.call('ZADD', KEYS[1], now, ARGV[1])
for i = 2, #KEYS do redis.call('ZADD', KEYS[i], now, ARGV[1]) end
return tostring(now)
"""

#: KEYS: workers; ARGV: lease, worker... -> 1/0 per worker (alive = heartbeat within lease)
_ALIVE = _NOW + """
local out = {}
for i = 2, #ARGV do
  local hb = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if hb and tonumber(hb) >= now - tonumber(ARGV[1]) then out[#out + 1] = 1
  else out[#out + 1] = 0 end
end
return out
"""

#: KEYS: url, digest, urls, unprocessed, claim
#: ARGV: H, now, status, html, run_id, host, then field/value pairs ('' = NULL)
_RECORD_FULL = """
local processed = '1'
if ARGV[4] == '1' then processed = '0' end
redis.call('HSET', KEYS[1], 'last_fetch', ARGV[2], 'status', ARGV[3], 'html', ARGV[4],
           'processed', processed, 'host', ARGV[6])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'run_id', ARGV[5])
else redis.call('HDEL', KEYS[1], 'run_id') end
for i = 7, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i])
  else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
if redis.call('HEXISTS', KEYS[1], 'version') == 0 then
  redis.call('HSET', KEYS[1], 'version', '0')
end
redis.call('SADD', KEYS[3], ARGV[1])
if ARGV[4] == '1' and ARGV[3] == '200' then redis.call('SADD', KEYS[4], ARGV[1])
else redis.call('SREM', KEYS[4], ARGV[1]) end
return 1
"""

#: KEYS: digest, claim; ARGV: payload digest, original JSON, worker
_PUBLISH_ORIGINAL = """
redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return 1
"""

#: KEYS: url; ARGV: now, etag, last_modified ('' = keep)
_RECORD_REVISIT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'last_fetch', ARGV[1])
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'etag', ARGV[2]) end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'last_modified', ARGV[3]) end
return 1
"""

#: KEYS: digest, claim, workers; ARGV: payload digest, worker, claim ttl ms, lease
#: -> {1, original} | {0} (claimed by the caller) | {2, holder} (another live worker's)
_ORIGINAL_OR_CLAIM = _NOW + """
local v = redis.call('HGET', KEYS[1], ARGV[1])
if v then return {1, v} end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[2] then
  local hb = redis.call('ZSCORE', KEYS[3], holder)
  if hb and tonumber(hb) >= now - tonumber(ARGV[4]) then return {2, holder} end
end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return {0}
"""

#: KEYS: url, articles, unprocessed; ARGV: H, is_article, text_path, text_digest, version
_MARK_PROCESSED = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'processed', '1', 'is_article', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'text_path', ARGV[3]) end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'text_digest', ARGV[4]) end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'version', ARGV[5]) end
if ARGV[2] == '1' then redis.call('SADD', KEYS[2], ARGV[1])
else redis.call('SREM', KEYS[2], ARGV[1]) end
redis.call('SREM', KEYS[3], ARGV[1])
return 1
"""

#: KEYS: seq, runs:open; ARGV: prefix, spider, pid, host, worker, started -> run id
_START_RUN = """
local id = redis.call('INCR', KEYS[1])
redis.call('HSET', ARGV[1] .. ':run:' .. id, 'spider', ARGV[2], 'pid', ARGV[3],
           'host', ARGV[4], 'worker', ARGV[5], 'started', ARGV[6])
redis.call('SADD', KEYS[2], id)
return id
"""


class WorkerRegistry:
    """Which crawler processes are alive: each heartbeats into ``P:workers`` (Redis clock).

    A worker whose last heartbeat is older than ``lease`` seconds counts as dead; its runs
    are unfinished runs of dead crawls and its in-flight requests are re-queued by the
    frontier (:mod:`crawler.frontier.scheduler`).
    """

    def __init__(self, client: Any, prefix: str, lease: float) -> None:
        self.client = client
        self.key = f"{prefix}:workers"
        self.lease = float(lease)
        self._heartbeat = client.register_script(_HEARTBEAT)
        self._alive = client.register_script(_ALIVE)

    def heartbeat(self, worker: str, *also: str) -> float:
        """Record that ``worker`` is alive now (also in the sorted sets ``also``)."""
        return float(self._heartbeat(keys=[self.key, *also], args=[worker]))

    def alive(self, workers: list[str]) -> dict[str, bool]:
        """Liveness of each worker (heartbeat within the lease)."""
        if not workers:
            return {}
        flags = self._alive(keys=[self.key], args=[self.lease, *workers])
        return {w: bool(f) for w, f in zip(workers, flags, strict=True)}

    def leave(self, worker: str) -> None:
        """Forget ``worker`` (it finished; its runs are finished too)."""
        self.client.zrem(self.key, worker)


@dataclass
class RedisUrlState(UrlState):
    """A :class:`UrlState` that also knows which host holds the record."""

    host: str | None = None

    def pointer(self) -> dict[str, Any] | None:
        """The record pointer of the latest full capture, with ``host``."""
        pointer = super().pointer()
        if pointer is not None:
            pointer["host"] = self.host
        return pointer


_INT_FIELDS = ("status", "offset", "length", "html", "processed", "is_article", "version",
               "run_id")
_POINTER_FIELDS = ("payload_digest", "filename", "offset", "length", "record_id", "warc_date")


def url_hash(url: str) -> str:
    """The key part for ``url`` (sha1 hex: keys stay short whatever the URL)."""
    return hashlib.sha1(url.encode("utf-8", "surrogatepass")).hexdigest()


def _s(value: Any) -> str:
    return "" if value is None else str(value)


class RedisCrawlState:
    """The shared crawl state in Redis; see the module docstring.

    ``client`` is a redis-py client (:func:`connect`); ``worker`` this process's id (its
    heartbeat is the frontier's job, :class:`WorkerRegistry`); ``lease`` the seconds after
    which a silent worker counts as dead; ``guard`` the process's :class:`RedisGuard`.
    """

    def __init__(
        self,
        client: Any,
        *,
        prefix: str = "newsarchive",
        worker: str | None = None,
        lease: float = 60.0,
        guard: RedisGuard | None = None,
        host: str | None = None,
        claim_wait: float = CLAIM_WAIT,
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.worker = worker or worker_id()
        self.lease = float(lease)
        self.guard = guard or RedisGuard(repr(client))
        self.host = host or socket.gethostname()
        self.claim_wait = claim_wait
        self.registry = WorkerRegistry(client, prefix, lease)
        self._record_full = client.register_script(_RECORD_FULL)
        self._publish = client.register_script(_PUBLISH_ORIGINAL)
        self._record_revisit = client.register_script(_RECORD_REVISIT)
        self._original_or_claim = client.register_script(_ORIGINAL_OR_CLAIM)
        self._mark = client.register_script(_MARK_PROCESSED)
        self._start_run = client.register_script(_START_RUN)

    def _k(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    def close(self) -> None:
        """Nothing to do: every write is in Redis when its call returns (the connection is
        shared with the frontier and closed with the process)."""

    # -- runs ------------------------------------------------------------------------------

    def start_run(self, spider: str) -> int:
        """Register a crawl run of this worker; returns its id."""
        return int(self.guard.call(lambda: self._start_run(
            keys=[self._k("run", "seq"), self._k("runs", "open")],
            args=[self.prefix, spider, os.getpid(), self.host, self.worker, time.time()])))

    def finish_run(self, run_id: int, reason: str) -> None:
        """Mark a run finished (any reason: a run that did not die)."""
        def do() -> None:
            pipe = self.client.pipeline(transaction=True)
            pipe.hset(self._k("run", str(run_id)),
                      mapping={"finished": time.time(), "finish_reason": reason})
            pipe.srem(self._k("runs", "open"), run_id)
            pipe.execute()
        self.guard.call(do)

    def unfinished_runs(self) -> list[int]:
        """Ids of runs that never finished and whose worker stopped heartbeating (died)."""
        def do() -> list[int]:
            ids = sorted(int(x) for x in self.client.smembers(self._k("runs", "open")))
            if not ids:
                return []
            pipe = self.client.pipeline(transaction=False)
            for run_id in ids:
                pipe.hget(self._k("run", str(run_id)), "worker")
            workers = [w.decode() if w else "" for w in pipe.execute()]
            alive = self.registry.alive(sorted({w for w in workers if w}))
            return [r for r, w in zip(ids, workers, strict=True) if not alive.get(w, False)]
        return self.guard.call(do)

    # -- urls ------------------------------------------------------------------------------

    def get(self, url: str) -> RedisUrlState | None:
        """The state of ``url``, or None if no worker ever fetched it."""
        raw = self.guard.call(lambda: self.client.hgetall(self._k("url", url_hash(url))))
        if not raw:
            return None
        row: dict[str, Any] = {k.decode(): v.decode("utf-8", "surrogateescape")
                               for k, v in raw.items()}
        values: dict[str, Any] = {}
        for name in UrlState.__dataclass_fields__:
            value = row.get(name)
            if name in _INT_FIELDS and value is not None:
                value = int(value)
            values[name] = value
        values["url"] = url
        values["last_fetch"] = float(row.get("last_fetch") or 0)
        values["status"] = values["status"] or 0
        values["html"] = values["html"] or 0
        values["processed"] = values["processed"] or 0
        values["version"] = values["version"] or 0
        return RedisUrlState(**values, host=row.get("host"))

    def record_fetch(
        self,
        url: str,
        *,
        status: int,
        etag: str | None,
        last_modified: str | None,
        pointer: dict[str, Any] | None,
        html: bool,
        run_id: int | None,
        full_capture: bool = True,
    ) -> None:
        """Store a fetch (same rules as :meth:`archive.store.state.CrawlState.record_fetch`); a full
        ``200`` capture also becomes the original of its payload digest (first one wins) and
        releases this worker's claim on it."""
        now = time.time()
        h = url_hash(url)
        if full_capture and pointer is not None:
            host = pointer.get("host") or self.host
            fields: list[Any] = ["url", url, "etag", _s(etag), "last_modified",
                                 _s(last_modified)]
            for name in _POINTER_FIELDS:
                fields += [name, _s(pointer.get(name))]
            digest = pointer.get("payload_digest")

            def do() -> None:
                self._record_full(
                    keys=[self._k("url", h), self._k("digest", h), self._k("urls"),
                          self._k("unprocessed")],
                    args=[h, repr(now), status, int(bool(html)), _s(run_id), host, *fields])
                if status == 200 and digest:
                    original = json.dumps({
                        "record_id": pointer["record_id"], "filename": pointer["filename"],
                        "offset": pointer["offset"], "warc_date": pointer["warc_date"],
                        "host": host})
                    self._publish(keys=[self._k("digest", h), self._k("claim", h, digest)],
                                  args=[digest, original, self.worker])
            self.guard.call(do)
        else:
            self.guard.call(lambda: self._record_revisit(
                keys=[self._k("url", h)], args=[repr(now), _s(etag), _s(last_modified)]))

    def original_for(self, url: str, payload_digest: str) -> dict[str, Any] | None:
        """The first full capture of ``url`` with this payload digest (any host), if any.

        None means "none yet: write it": this worker then holds the claim on the pair until
        its ``record_fetch`` publishes the record (or the claim expires). If another live
        worker holds the claim, waits up to ``claim_wait`` seconds for its record.
        """
        h = url_hash(url)
        keys = [self._k("digest", h), self._k("claim", h, payload_digest),
                self.registry.key]
        args = [payload_digest, self.worker, int(CLAIM_TTL * 1000), self.lease]
        deadline = time.monotonic() + self.claim_wait
        delay = 0.002
        while True:
            answer = self.guard.call(lambda: self._original_or_claim(keys=keys, args=args))
            kind = int(answer[0])
            if kind == 1:
                original = json.loads(answer[1])
                original.update(url=url, payload_digest=payload_digest)
                return original
            if kind == 0:
                return None
            if time.monotonic() >= deadline:
                logger.warning("%s: worker %s claimed this payload %.0f s ago and has not "
                               "published it; archiving it in full", url,
                               answer[1].decode(), self.claim_wait)
                return None
            time.sleep(delay)
            delay = min(delay * 2, 0.05)

    def mark_processed(
        self,
        url: str,
        *,
        is_article: bool,
        text_path: str | None = None,
        text_digest: str | None = None,
        version: int | None = None,
    ) -> None:
        """The pipelines are done with the latest capture of ``url``."""
        h = url_hash(url)
        self.guard.call(lambda: self._mark(
            keys=[self._k("url", h), self._k("articles"), self._k("unprocessed")],
            args=[h, int(bool(is_article)), _s(text_path), _s(text_digest), _s(version)]))

    def mark_output_failed(self, url: str, parts: list[str] | None = None) -> None:
        """As :meth:`archive.store.state.CrawlState.mark_output_failed`."""
        h = url_hash(url)

        def do() -> None:
            pipe = self.client.pipeline(transaction=True)
            pipe.hset(self._k("url", h), "processed", "2")
            pipe.hset(self._k("output_failed"), h, url)
            for part in parts or ():
                pipe.hset(self._k("url", url_hash(part)), "processed", "3")
            pipe.execute()
        self.guard.call(do)

    def pending_outputs(self, spider: str | None = None) -> list[str]:
        """As :meth:`archive.store.state.CrawlState.pending_outputs` (``spider`` is not checked:
        a shared job has one spider); entries written since are dropped from the list."""
        key = self._k("output_failed")
        entries = self.guard.call(lambda: self.client.hgetall(key))
        pending: list[str] = []
        for h, url in entries.items():
            state = self.guard.call(lambda h=h: self.client.hget(self._k("url", h.decode()),
                                                                  "processed"))
            if state == b"2":
                pending.append(url.decode("utf-8", "surrogateescape"))
            else:
                self.guard.call(lambda h=h: self.client.hdel(key, h))
        return pending

    def counts(self) -> dict[str, int]:
        """Summary numbers: urls, articles, unprocessed HTML pages."""
        def do() -> dict[str, int]:
            pipe = self.client.pipeline(transaction=False)
            for name in ("urls", "articles", "unprocessed"):
                pipe.scard(self._k(name))
            urls, articles, pending = pipe.execute()
            return {"urls": urls, "articles": articles, "unprocessed": pending}
        return self.guard.call(do)
