"""The crawl state shared by the workers of a shared frontier, kept in Redis.

:class:`RedisCrawlState` is a back end of :class:`archive.store.statebackend.CrawlStateBackend`
(the crawler picks it when ``REDIS_URL`` is set, see :mod:`crawler.frontier.link`), with the
meaning of the SQLite :class:`archive.store.state.CrawlState`. What differs: one state per
``REDIS_PREFIX`` (not per output root); record pointers name the ``host`` whose WARC holds
the record; every write is one Lua script, and ``original_for`` *claims* a (URL, payload
digest) with no original yet, so two workers never archive the same payload twice (the second
waits for the first's record and writes a revisit); ``unfinished_runs`` are the open runs of
workers that stopped heartbeating (:mod:`archive.store.workers`). Every call goes through the
process's :class:`archive.store.redisguard.RedisGuard` (an outage pauses the crawl). Key
layout and the whole story: ``docs/distributed.md``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import time
from dataclasses import dataclass
from typing import Any

from archive.store.redisguard import RedisGuard
from archive.store.statebackend import UrlState
from archive.store.workers import LUA_NOW, WorkerRegistry, worker_id

logger = logging.getLogger(__name__)

#: How long a claim on an original lives if its holder never publishes it (seconds).
CLAIM_TTL = 30.0
#: How long ``original_for`` waits for another worker to publish an original it claimed.
CLAIM_WAIT = 10.0


# -- Lua ------------------------------------------------------------------------------------

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
_ORIGINAL_OR_CLAIM = LUA_NOW + """
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

    ``client`` is a redis-py client (:func:`crawler.frontier.link.connect`); ``worker`` this
    process's id (its heartbeat is the frontier's job, :class:`WorkerRegistry`); ``lease``
    the seconds after which a silent worker counts as dead; ``guard`` the process's
    :class:`RedisGuard`.
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
