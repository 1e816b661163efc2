"""Shared frontier: several crawler processes on several hosts crawl as one, through Redis.

More: docs/modules.md, ``crawler/frontier/__init__.py``.
"""

from __future__ import annotations

from typing import Any

from crawler.frontier.orphans import UnprocessedOriginalMiddleware

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

        settings.setdefault_in_component_priority_dict(
            "DOWNLOADER_MIDDLEWARES", UnprocessedOriginalMiddleware, 940)
