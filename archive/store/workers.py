"""Which crawler processes of a shared crawl are alive: worker ids and heartbeats in Redis.

Each worker (id ``<host>-<pid>-<random>``, :func:`worker_id`) heartbeats into the sorted set
``<prefix>:workers`` with the Redis server's clock (the frontier's job,
:mod:`crawler.frontier.scheduler`); a worker whose last heartbeat is older than the lease
counts as dead. The shared crawl state (:mod:`archive.store.redisstate`) asks
:class:`WorkerRegistry` which runs and claims belong to dead workers.
"""

from __future__ import annotations

import os
import socket
from typing import Any

#: Lua prologue: ``now``, the Redis server's time in seconds (one clock for every host)
LUA_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

#: KEYS: workers; ARGV: worker -> the Redis time of the heartbeat (string)
_HEARTBEAT = LUA_NOW + """
redis.call('ZADD', KEYS[1], now, ARGV[1])
for i = 2, #KEYS do redis.call('ZADD', KEYS[i], now, ARGV[1]) end
return tostring(now)
"""

#: KEYS: workers; ARGV: lease, worker... -> 1/0 per worker (alive = heartbeat within lease)
_ALIVE = LUA_NOW + """
local out = {}
for i = 2, #ARGV do
  local hb = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if hb and tonumber(hb) >= now - tonumber(ARGV[1]) then out[#out + 1] = 1
  else out[#out + 1] = 0 end
end
return out
"""


def worker_id() -> str:
    """A process's id in the shared state: ``<host>-<pid>-<random>``."""
    host = "".join(c if c.isalnum() or c in "-." else "-" for c in socket.gethostname())
    return f"{host}-{os.getpid()}-{os.urandom(3).hex()}"


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
