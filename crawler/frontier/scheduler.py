"""The shared frontier's scheduler: scrapy-redis's, made safe for workers that die.

Over 400 lines on purpose: Scrapy's scheduler and dupe filter over one Redis frontier.

:class:`RedisFrontierScheduler` subclasses ``scrapy_redis.scheduler.Scheduler`` (its request
encoding, priority queue and fingerprints are kept) and adds what several processes sharing
one frontier need: **in-flight leases** (a pop moves the request into the worker's hash
``<ns>:inflight:<worker>`` in one Lua script; it is acked only when Scrapy's engine is done
with it, and the others re-queue the leases of a worker silent for ``REDIS_LEASE`` seconds),
**atomic de-duplication**, **ending together**, **never flushed by one worker**, **Redis
outages** (requests buffered, nothing waits in the reactor) and **orphans** (leases a lost
reply left behind are put back). The whole story, the keys and the stats: docs/distributed.md.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.spiders import Spider
from scrapy.utils.asyncio import create_looping_call
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from archive.store.redisguard import RedisGuard, RedisUnavailable
from crawler.frontier.link import FrontierLink

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: request.meta key holding the lease token of a request this worker took from the queue
META_LEASE = "_frontier_lease"

#: KEYS: seen, queue; ARGV: fingerprint ('' = no filtering), score, request -> 1 queued, 0 dupe
_PUSH = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

#: KEYS: queue, inflight, holders; ARGV: token, worker -> request or nil
_POP = """
local r = redis.call('ZPOPMIN', KEYS[1])
if #r == 0 then return false end
redis.call('HSET', KEYS[2], ARGV[1], r[2] .. '|' .. r[1])
redis.call('SADD', KEYS[3], ARGV[2])
return r[1]
"""

_REQUEUE_VALUES = """
local function requeue(queue, vals)
  for _, v in ipairs(vals) do
    local i = string.find(v, '|', 1, true)
    redis.call('ZADD', queue, string.sub(v, 1, i - 1), string.sub(v, i + 1))
  end
  return #vals
end
"""

#: KEYS: inflight, queue, holders; ARGV: worker, tokens... (none: all) -> count re-queued
_HAND_BACK = _REQUEUE_VALUES + """
local vals = {}
if #ARGV > 1 then
  for i = 2, #ARGV do
    local v = redis.call('HGET', KEYS[1], ARGV[i])
    if v then vals[#vals + 1] = v; redis.call('HDEL', KEYS[1], ARGV[i]) end
  end
else
  vals = redis.call('HVALS', KEYS[1])
  redis.call('DEL', KEYS[1])
end
local n = requeue(KEYS[2], vals)
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SREM', KEYS[3], ARGV[1]) end
return n
"""

#: KEYS: holders, queue, workers, members; ARGV: ns, lease, self -> {re-queued, dead...}
_REAP = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
""" + _REQUEUE_VALUES + """
local moved = 0
local dead = {}
for _, w in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if w ~= ARGV[3] then
    local hb = redis.call('ZSCORE', KEYS[3], w)
    if (not hb) or tonumber(hb) < now - tonumber(ARGV[2]) then
      local key = ARGV[1] .. ':inflight:' .. w
      moved = moved + requeue(KEYS[2], redis.call('HVALS', key))
      redis.call('DEL', key)
      redis.call('SREM', KEYS[1], w)
      redis.call('ZREM', KEYS[3], w)
      redis.call('ZREM', KEYS[4], w)
      dead[#dead + 1] = w
    end
  end
end
return {moved, unpack(dead)}
"""

#: KEYS: queue, holders; ARGV: ns -> {queued, in flight (all workers)}
_PENDING = """
local inflight = 0
for _, w in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  inflight = inflight + redis.call('HLEN', ARGV[1] .. ':inflight:' .. w)
end
return {redis.call('ZCARD', KEYS[1]), inflight}
"""

#: KEYS: queue, holders, members, seen; ARGV: ns, lease, self, leaving (1/0)
#: Leaving: drop self from members. Then, if the queue is empty, nothing is in flight and no
#: other member is alive, the frontier has drained: forget its fingerprints. -> 1 if cleared
_DRAINED = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
if ARGV[4] == '1' then redis.call('ZREM', KEYS[3], ARGV[3]) end
if redis.call('ZCARD', KEYS[1]) > 0 then return 0 end
for _, w in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('HLEN', ARGV[1] .. ':inflight:' .. w) > 0 then return 0 end
end
for _, w in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], now - tonumber(ARGV[2]), '+inf')) do
  if w ~= ARGV[3] then return 0 end
end
redis.call('DEL', KEYS[4], KEYS[2], KEYS[3])
return 1
"""


class RedisDupeFilter(RFPDupeFilter):
    """scrapy-redis's fingerprint set, shared by all workers of a frontier.

    Unlike the parent, closing it never deletes the set (it belongs to every worker; the
    scheduler clears it once the frontier has drained). Fingerprints are scrapy-redis's
    (method, canonical URL, body). The scheduler checks and records fingerprints together
    with the push, in one script; ``request_seen`` is there for callers outside it.
    """

    guard: RedisGuard | None = None  #: set by the scheduler: retries through outages

    def request_seen(self, request: Request) -> bool:
        """Record the request's fingerprint; True if some worker had recorded it before."""
        if self.guard is None:
            return bool(super().request_seen(request))
        return bool(self.guard.call(lambda: RFPDupeFilter.request_seen(self, request)))

    def close(self, reason: str = "") -> None:
        """Keep the shared fingerprints (see the class docstring)."""


class RedisFrontierScheduler(Scheduler):
    """scrapy-redis scheduler with leases, atomic pushes and outage handling; see the module
    docstring."""

    def __init__(self, crawler: Crawler, link: FrontierLink) -> None:
        super().__init__(
            server=link.client,
            persist=True,
            flush_on_start=False,
            queue_key="%(spider)s:queue",
            queue_cls="scrapy_redis.queue.PriorityQueue",
            dupefilter_key="%(spider)s:seen",
            dupefilter_cls="crawler.frontier.scheduler.RedisDupeFilter",
            idle_before_close=0,
        )
        self.crawler = crawler
        self.link = link
        self.guard = link.guard
        self.worker = link.worker
        self.stats = crawler.stats
        self.ns = ""
        self._leases: dict[str, Request] = {}
        self._serial = 0
        self._buffer: list[Request] = []  # pushes held back by an outage, in order
        self._acks: list[str] = []  # acks held back (after the buffer), in order
        self._loop: Any = None
        self._last_heartbeat = 0.0
        self._closed = False
        client = link.client
        self._push = client.register_script(_PUSH)
        self._pop = client.register_script(_POP)
        self._hand_back = client.register_script(_HAND_BACK)
        self._reap = client.register_script(_REAP)
        self._pending = client.register_script(_PENDING)
        self._drained = client.register_script(_DRAINED)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisFrontierScheduler:
        """A scheduler on the crawler's :class:`FrontierLink` (no connection is made yet)."""
        return cls(crawler, FrontierLink.from_crawler(crawler))

    # -- keys ------------------------------------------------------------------------------

    def _key(self, *parts: str) -> str:
        return ":".join((self.ns, *parts))

    @property
    def _inflight_key(self) -> str:
        return self._key("inflight", self.worker)

    # -- open / close ----------------------------------------------------------------------

    def open(self, spider: Spider) -> None:
        """Join (or start) the frontier: wait for Redis, heartbeat, hook the engine."""
        self.spider = spider
        self.ns = f"{self.link.prefix}:{self.link.job or spider.name}"
        self.queue_key = self._key("queue")
        self.dupefilter_key = self._key("seen")
        self.df = RedisDupeFilter(self.server, key=self.dupefilter_key,
                                  debug=spider.settings.getbool("DUPEFILTER_DEBUG"))
        self.df.guard = self.guard
        self.guard.call(lambda: super(RedisFrontierScheduler, self).open(spider))
        self.guard.call(self._heartbeat)
        self._last_heartbeat = time.monotonic()
        cleared = self.guard.call(lambda: self._drained(
            keys=[self.queue_key, self._key("holders"), self._key("members"),
                  self.dupefilter_key],
            args=[self.ns, self.link.lease, self.worker, 0]))
        queued, inflight = self.guard.call(self._counts)
        logger.info(
            "shared frontier %s on %s: worker %s joins (%s; %d queued, %d in flight "
            "elsewhere; lease %.0f s)", self.ns, self.guard.url, self.worker,
            "new round" if cleared else "existing round", queued, inflight, self.link.lease)
        self._hook_engine()
        # leave the registry last, after CrawlOutputs (connected earlier) has finished the run:
        # until then another worker would take the run for a dead one
        self.crawler.signals.connect(self._leave_registry, signal=signals.spider_closed)
        self._loop = create_looping_call(self._housekeeping)
        self._loop.start(self.link.poll_interval, now=False)

    def close(self, reason: str) -> None:
        """Leave: flush what an outage held back, hand back anything still leased, and clear
        the fingerprints if this was the last worker of a drained frontier. Waits for Redis
        up to ``REDIS_LEASE`` seconds (the crawl is over; nothing else waits on the reactor)."""
        self._closed = True
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        deadline = time.monotonic() + self.link.lease
        try:
            self._patiently(self._flush, deadline)
            back = self._patiently(lambda: self._hand_back(
                keys=[self._inflight_key, self.queue_key, self._key("holders")],
                args=[self.worker]), deadline)
            if back:
                self._inc("frontier/handed_back", int(back))
                logger.info("handed %d unfinished requests back to the shared queue", back)
            cleared = self._patiently(lambda: self._drained(
                keys=[self.queue_key, self._key("holders"), self._key("members"),
                      self.dupefilter_key],
                args=[self.ns, self.link.lease, self.worker, 1]), deadline)
            if cleared:
                logger.info("shared frontier %s drained: fingerprints cleared for the next "
                            "run", self.ns)
        except RedisUnavailable:
            logger.error(
                "Redis unreachable at close (%d requests, %d acks not delivered): this "
                "worker's leases expire in %.0f s and the other workers (or the next run) "
                "redo them", len(self._buffer), len(self._acks), self.link.lease)
        self._record_outage_stats()

    def _patiently(self, fn: Callable[[], T], deadline: float) -> T:
        """``fn()`` through the guard, retrying with its backoff until ``deadline``."""
        while True:
            try:
                return self.guard.call(fn, wait=False)
            except RedisUnavailable:
                pause = max(0.0, self.guard.next_try - time.monotonic())
                if time.monotonic() + pause > deadline:
                    raise
                time.sleep(pause)

    def _leave_registry(self) -> None:
        try:
            self._patiently(lambda: self.link.registry.leave(self.worker),
                            time.monotonic() + self.link.lease)
        except RedisUnavailable:
            pass  # the heartbeat simply expires

    def _record_outage_stats(self) -> None:
        if self.guard.outages:
            self._set("frontier/redis_outages", self.guard.outages)
            self._set("frontier/redis_outage_seconds", round(self.guard.outage_seconds, 1))

    def _hook_engine(self) -> None:
        """Ack a leased request when the engine removes it from its in-progress set (after
        download, callback, scheduling of its requests and item pipelines)."""
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        remove: Callable[[Request], None] | None = getattr(slot, "remove_request", None)
        if slot is None or remove is None:  # pragma: no cover - Scrapy internals changed
            raise RuntimeError("crawler.frontier needs ExecutionEngine._slot.remove_request "
                               "(Scrapy 2.19); cannot track in-flight requests")

        def remove_request(request: Request) -> None:
            try:
                remove(request)
            finally:
                self._done(request)

        slot.remove_request = remove_request

    # -- the scheduler interface -----------------------------------------------------------

    def __len__(self) -> int:
        try:
            return int(self.guard.call(lambda: self.server.zcard(self.queue_key), wait=False))
        except RedisUnavailable:
            return len(self._buffer)

    def enqueue_request(self, request: Request) -> bool:
        """Queue ``request`` in Redis unless its fingerprint was seen (False); during an
        outage keep it locally (True) until Redis is back."""
        request.meta.pop(META_LEASE, None)  # a redirect/retry copies its parent's meta
        if self._buffer or not self.guard.available():
            return self._hold(request)
        try:
            queued = self.guard.call(lambda: self._push_one(request), wait=False)
        except RedisUnavailable:
            return self._hold(request)
        if not queued:
            self.df.log(request, self.spider)
            self._inc("frontier/duplicates")
            return False
        self._inc("frontier/enqueued")
        self._inc("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        """The next request of the shared queue, leased to this worker; None when the queue
        is empty or Redis is unreachable (the engine asks again)."""
        if self._closed or self._buffer or not self.guard.available():
            return None
        while True:
            self._serial += 1
            token = str(self._serial)
            try:
                data = self.guard.call(lambda t=token: self._pop(
                    keys=[self.queue_key, self._inflight_key, self._key("holders")],
                    args=[t, self.worker]), wait=False)
            except RedisUnavailable:
                return None
            if data is None:
                return None
            try:
                request = self.queue._decode_request(data)
            except Exception:
                logger.exception("cannot decode a queued request; kept in %s",
                                 self._key("undecodable"))
                self._set_aside(token, data)
                continue
            request.meta[META_LEASE] = token
            self._leases[token] = request
            self._inc("frontier/dequeued")
            self._inc("scheduler/dequeued/redis")
            return request

    def has_pending_requests(self) -> bool:
        """True while the frontier has queued or in-flight requests anywhere, while this
        worker holds back requests or acks, and while Redis is unreachable."""
        if self._buffer or self._acks or not self.guard.available():
            return True
        try:
            queued, inflight = self.guard.call(self._counts, wait=False)
        except RedisUnavailable:
            return True
        return queued > 0 or inflight > 0

    # -- Redis operations ------------------------------------------------------------------

    def _push_one(self, request: Request) -> bool:
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        data = self.queue._encode_request(request)
        return bool(self._push(keys=[self.dupefilter_key, self.queue_key],
                               args=[fingerprint, -request.priority, data]))

    def _counts(self) -> tuple[int, int]:
        queued, inflight = self._pending(keys=[self.queue_key, self._key("holders")],
                                         args=[self.ns])
        return int(queued), int(inflight)

    def _heartbeat(self) -> None:
        self.link.registry.heartbeat(self.worker, self._key("members"))

    def _set_aside(self, token: str, data: bytes) -> None:
        def do() -> None:
            pipe = self.server.pipeline(transaction=True)
            pipe.rpush(self._key("undecodable"), data)
            pipe.hdel(self._inflight_key, token)
            pipe.execute()
        try:
            self.guard.call(do, wait=False)
        except RedisUnavailable:
            pass  # stays leased: an orphan, re-queued later (and set aside again)

    def _hold(self, request: Request) -> bool:
        self._buffer.append(request)
        self._inc("frontier/buffered")
        return True

    def _done(self, request: Request) -> None:
        token = request.meta.get(META_LEASE)
        if token is None or self._leases.get(token) is not request:
            return  # not one of ours (robots.txt, a request of download_async...)
        del self._leases[token]
        self._inc("frontier/acked")
        if self._buffer or self._acks or not self.guard.available():
            self._acks.append(token)
            return
        try:
            self.guard.call(lambda: self.server.hdel(self._inflight_key, token), wait=False)
        except RedisUnavailable:
            self._acks.append(token)

    def _flush(self) -> None:
        """Deliver held-back pushes, then held-back acks (in that order: a parent is acked
        only once its children are queued)."""
        while self._buffer:
            request = self._buffer[0]
            if self._push_one(request):
                self._inc("frontier/enqueued")
            else:
                self._inc("frontier/duplicates")
            self._buffer.pop(0)
        if self._acks:
            pipe = self.server.pipeline(transaction=False)
            for token in self._acks:
                pipe.hdel(self._inflight_key, token)
            pipe.execute()
            self._acks.clear()

    def _housekeeping(self) -> None:
        """Every ``REDIS_POLL`` seconds: heartbeat (which also probes Redis during an
        outage), re-queue orphans and the requests of dead workers, flush what an outage held
        back, and wake the engine (other workers may have refilled the queue)."""
        if self._closed or not self.guard.available():
            return
        try:
            now = time.monotonic()
            if self.guard.down or now - self._last_heartbeat >= self.link.heartbeat_interval:
                self.guard.call(self._heartbeat, wait=False)
                self._last_heartbeat = now
                self.guard.call(self._requeue_orphans, wait=False)
                # reap only after a full lease of contact: after an outage every worker
                # first gets the time to heartbeat again
                if self.guard.up_for() >= self.link.lease:
                    self.guard.call(self._requeue_dead, wait=False)
            self.guard.call(self._flush, wait=False)
        except RedisUnavailable:
            return
        except Exception:
            logger.exception("frontier housekeeping failed (will try again)")
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None) if engine is not None else None
        if slot is not None and getattr(slot, "nextcall", None) is not None:
            slot.nextcall.schedule()

    def _requeue_orphans(self) -> None:
        tokens = {t.decode() for t in self.server.hkeys(self._inflight_key)}
        orphans = sorted(tokens - set(self._leases) - set(self._acks))
        if orphans:
            n = self._hand_back(keys=[self._inflight_key, self.queue_key, self._key("holders")],
                                args=[self.worker, *orphans])
            if n:
                self._inc("frontier/orphans", n)
                logger.info("re-queued %d orphaned leases of this worker (commands that ran "
                            "after a Redis time-out)", n)

    def _requeue_dead(self) -> None:
        moved, *dead = self._reap(
            keys=[self._key("holders"), self.queue_key, self.link.registry.key,
                  self._key("members")],
            args=[self.ns, self.link.lease, self.worker])
        if dead:
            names = ", ".join(w.decode() for w in dead)
            logger.warning("worker(s) %s silent for over %.0f s: %d in-flight requests "
                           "re-queued", names, self.link.lease, int(moved))
            self._inc("frontier/requeued_dead", int(moved))

    # -- stats -----------------------------------------------------------------------------

    def _inc(self, key: str, n: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, n)

    def _set(self, key: str, value: Any) -> None:
        if self.stats is not None:
            self.stats.set_value(key, value)


__all__ = ["META_LEASE", "RedisDupeFilter", "RedisFrontierScheduler"]
