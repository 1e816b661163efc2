"""Extension: copy the crawl's log to ``OUTPUT_DIR/logs/<spider>-<UTC timestamp>.log``
(``…-<pid>~<host>.log`` with ``REDIS_URL``: workers may start in the same second).

Scrapy's own ``LOG_FILE`` replaces console output; users of a scheduled job want both. This
adds a file handler on the root logger at ``LOG_LEVEL`` for the life of the crawl.

Crawl logs do not pile up: when a crawl opens its log, older crawl logs in ``logs/`` beyond the
newest ``LOGFILE_KEEP`` or older than ``LOGFILE_MAX_AGE_DAYS`` are deleted (``run.log`` of
``python -m archive run`` rotates on its own).

Settings: ``LOGFILE_ENABLED`` [True], ``LOGFILE_KEEP`` [50; 0: keep all],
``LOGFILE_MAX_AGE_DAYS`` [90; 0: no age limit].
"""

from __future__ import annotations

import logging
import os
import re
import socket
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.outputs import CrawlOutputs


class _OutputLogHandler(logging.FileHandler):
    """A FileHandler that stops writing, once, when its file cannot be written (a full disk)
    instead of printing a traceback to stderr for every later log record."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging API
        import sys

        exc = sys.exc_info()[1]
        if not isinstance(exc, OSError):
            super().handleError(record)
            return
        logging.getLogger().removeHandler(self)
        try:
            self.close()
        except OSError:
            pass
        sys.stderr.write(f"log file {self.baseFilename} no longer written: {exc}\n")


#: a crawl log's name: <spider>-<UTC timestamp>[-<pid>~<host>].log
CRAWL_LOG = re.compile(r"^.+-\d{8}T\d{6}Z(?:-\d+~.+)?\.log$")


def prune_logs(logs: Path, keep: int | None, max_age_days: float) -> list[Path]:
    """Delete crawl logs beyond the newest ``keep`` (None: no count limit) or older than
    ``max_age_days`` (0: no age limit); returns what was deleted."""
    found = []
    for path in logs.glob("*.log"):
        if CRAWL_LOG.match(path.name):
            try:
                found.append((path.stat().st_mtime, path))
            except OSError:
                continue
    found.sort(reverse=True)
    cutoff = time.time() - max_age_days * 86400 if max_age_days > 0 else None
    deleted = []
    for index, (mtime, path) in enumerate(found):
        if (keep is not None and index >= keep) or (cutoff is not None and mtime < cutoff):
            try:
                path.unlink()
            except OSError:
                continue
            deleted.append(path)
    return deleted


class LogFileExtension:
    """Write the crawl log under the output root."""

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("LOGFILE_ENABLED", True):
            raise NotConfigured
        self.crawler = crawler
        self.handler: logging.Handler | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LogFileExtension:
        return cls(crawler)

    def spider_opened(self, spider: Any) -> None:
        outputs = CrawlOutputs.from_crawler(self.crawler)
        logs = outputs.logs_dir
        logs.mkdir(parents=True, exist_ok=True)
        settings = self.crawler.settings
        keep = settings.getint("LOGFILE_KEEP", 50)
        # before this crawl's own log exists: keep one fewer
        pruned = prune_logs(logs, keep - 1 if keep > 0 else None,
                            settings.getfloat("LOGFILE_MAX_AGE_DAYS", 90))
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        name = f"{spider.name}-{stamp}"
        if outputs.redis_url:  # several workers may start in the same second (as runs/)
            name += f"-{os.getpid()}~{socket.gethostname()}"
        path = logs / f"{name}.log"
        handler = _OutputLogHandler(path, encoding="utf-8")
        handler.setLevel(self.crawler.settings.get("LOG_LEVEL", "INFO"))
        handler.setFormatter(
            logging.Formatter(
                self.crawler.settings.get("LOG_FORMAT"),
                self.crawler.settings.get("LOG_DATEFORMAT"),
            )
        )
        logging.getLogger().addHandler(handler)
        self.handler = handler
        spider.logger.info("log file: %s", path)
        if pruned:
            spider.logger.info("%d old crawl log(s) deleted (LOGFILE_KEEP, "
                               "LOGFILE_MAX_AGE_DAYS)", len(pruned))
        self.crawler.stats.set_value("log_file", str(path))

    def spider_closed(self, spider: Any) -> None:
        if self.handler is not None:
            logging.getLogger().removeHandler(self.handler)
            self.handler.close()
            self.handler = None
