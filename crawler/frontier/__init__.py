"""Shared frontier: several crawler processes on several hosts crawl as one, through Redis.

Off unless the setting ``REDIS_URL`` is given (``-s REDIS_URL=redis://host:6379/0``); then,
for any spider:

* **frontier**: requests are queued in Redis and de-duplicated there (scrapy-redis's
  scheduler and fingerprint set, adapted in :mod:`crawler.frontier.scheduler`), so each URL
  is fetched by one worker only; a request taken from the queue is *leased* to its worker
  until its response has been fully processed, and re-queued by the other workers if that
  worker dies (no heartbeat for ``REDIS_LEASE`` seconds);
* **crawl state**: ``CrawlOutputs.state`` is :class:`archive.store.redisstate.RedisCrawlState`
  (seen URLs, validators, payload digests for revisits, record pointers with their host),
  shared by every worker;
* **outputs per process**: each worker writes its own WARC files (their names carry pid and
  host already) and its own ``articles-<host>-<pid>.jsonl``; ``crawl.lock`` is held shared
  and each worker holds its own ``locks/crawl-<pid>~<host>.lock`` (:mod:`.locks`);
* **a dead worker's unprocessed page**: fetched again by another worker, archived as a revisit
  of the dead worker's record, and still extracted and written, pointing at that record
  (:mod:`.orphans`);
* **Redis unreachable**: the crawl pauses and retries with backoff, logging when Redis goes
  and comes back; nothing is dropped.

How it is switched on: the project's ``ADDONS`` setting lists :class:`RedisFrontierAddon`
(Scrapy add-ons, Scrapy >= 2.10), whose ``update_settings`` sees the final settings, command
line included, and sets ``SCHEDULER``/``DUPEFILTER_CLASS`` only when ``REDIS_URL`` is set.
Without it nothing changes and neither ``redis`` nor ``scrapy_redis`` is imported.

Settings: see :mod:`crawler.frontier.link`. Operating it: ``docs/distributed.md``.
"""

from __future__ import annotations

from typing import Any

#: the scheduler and dupefilter the add-on installs
SCHEDULER = "crawler.frontier.scheduler.RedisFrontierScheduler"
DUPEFILTER = "crawler.frontier.scheduler.RedisDupeFilter"


class RedisFrontierAddon:
    """Scrapy add-on: install the shared frontier when ``REDIS_URL`` is set, else nothing."""

    def update_settings(self, settings: Any) -> None:
        """Point ``SCHEDULER`` and ``DUPEFILTER_CLASS`` at the Redis frontier (add-on
        priority: a project or command-line value of those two settings still wins) and add
        :class:`crawler.frontier.orphans.UnprocessedOriginalMiddleware` (priority 940)."""
        if not settings.get("REDIS_URL"):
            return
        settings.set("SCHEDULER", SCHEDULER, priority="addon")
        settings.set("DUPEFILTER_CLASS", DUPEFILTER, priority="addon")
        from crawler.frontier.orphans import UnprocessedOriginalMiddleware

        settings.setdefault_in_component_priority_dict(
            "DOWNLOADER_MIDDLEWARES", UnprocessedOriginalMiddleware, 940)
