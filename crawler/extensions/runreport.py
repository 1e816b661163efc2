"""Extension: what became of a crawl's pages, in counts, and which URLs failed and why.

More: docs/modules.md, ``crawler/extensions/runreport.py``.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response

#: finish reasons of a crawl that ended normally
OK_REASONS = ("finished", "max_pages", "closespider_pagecount", "closespider_itemcount",
              "closespider_timeout")
#: exit status of a crawl or run by its status (75: another run holds the lock; 2: usage)
EXIT_CODES = {"ok": 0, "failed": 1, "degraded": 3, "interrupted": 130}
#: request.meta key set on requests that come from a spider's start()
META_START = "start_request"
_ATTR = "_newsarchive_run_report"


def note_failure(crawler: Any, url: str, stage: str, reason: str,
                 request: Request | None = None) -> None:
    """Record that ``url`` failed at ``stage`` (``fetch``, ``write``, ``extract``)."""
    report = getattr(crawler, _ATTR, None)
    if report is not None:
        report.failure(url, stage, reason, start=bool(request is not None
                                                      and request.meta.get(META_START)))


def report_of(crawler: Any) -> dict[str, Any]:
    """The crawl's report (:meth:`RunReport.summary`); counts only, when the extension is off."""
    report = getattr(crawler, _ATTR, None)
    if report is not None:
        return report.summary()
    stats = crawler.stats.get_stats() if getattr(crawler, "stats", None) else {}
    return {"articles": article_counts(stats, []), "failed_urls": [], "start_failed": []}


class RunReport:
    """Collects failures; see the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.failed: dict[tuple[str, str], dict[str, str]] = {}
        self.start_failed: dict[str, dict[str, str]] = {}
        setattr(crawler, _ATTR, self)
        crawler.signals.connect(self.response_received, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunReport:
        return cls(crawler)

    def failure(self, url: str, stage: str, reason: str, start: bool = False) -> None:
        entry = {"url": url, "stage": stage, "reason": reason}
        self.failed[(url, stage)] = entry
        if start:
            self.start_failed[url] = entry

    def response_received(self, response: Response, request: Request, spider: Any) -> None:
        if not request.meta.get(META_START):
            return
        if response.status >= 400:
            self.start_failed[request.url] = {
                "url": request.url, "stage": "fetch", "reason": f"HTTP {response.status}"}
        else:  # a retry that worked, or a redirect on its way
            self.start_failed.pop(request.url, None)

    def summary(self) -> dict[str, Any]:
        """The ``report`` of the run summary (see the module docstring)."""
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        failed = list(self.failed.values())
        articles = article_counts(stats, failed)
        return {"articles": articles, "failed_urls": failed,
                "start_failed": list(self.start_failed.values())}


def article_counts(stats: dict[str, Any], failed: list[dict[str, str]]) -> dict[str, int]:
    """The ``articles`` counts from a crawl's stats and failed pages."""
    def n(key: str) -> int:
        return int(stats.get(key, 0) or 0)

    counts = {
        "new": n("text/articles_new"),
        "changed": n("text/articles_changed"),
        "unchanged": n("text/articles_unchanged") + n("incremental/skipped"),
        "incomplete": n("text/articles_incomplete"),
        "failed": sum(1 for f in failed if f["stage"] in ("write", "extract")),
    }
    counts["seen"] = sum(counts.values())
    return counts


def crawl_status(finish_reason: str | None, report: dict[str, Any]) -> str:
    """``ok``, ``degraded``, ``failed`` or ``interrupted`` (Ctrl-C or SIGTERM: Scrapy's finish
    reason ``shutdown``); see the module docstring."""
    if finish_reason == "shutdown":
        return "interrupted"
    if finish_reason not in OK_REASONS:
        return "failed"
    if report.get("articles", {}).get("failed"):
        return "failed"
    if report.get("start_failed"):
        return "degraded"
    return "ok"
