"""Extension: copy the crawl's log to ``OUTPUT_DIR/logs/<spider>-<UTC timestamp>.log``
(``…-<pid>~<host>.log`` with ``REDIS_URL``: workers may start in the same second).

Scrapy's own ``LOG_FILE`` replaces console output; users of a scheduled job want both. This
adds a file handler on the root logger at ``LOG_LEVEL`` for the life of the crawl.

Settings: ``LOGFILE_ENABLED`` [True].
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import UTC, datetime
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
        self.crawler.stats.set_value("log_file", str(path))

    def spider_closed(self, spider: Any) -> None:
        if self.handler is not None:
            logging.getLogger().removeHandler(self.handler)
            self.handler.close()
            self.handler = None
