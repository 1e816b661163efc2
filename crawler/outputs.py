"""The output root of a crawl and the objects every component shares through it.

One :class:`CrawlOutputs` exists per Scrapy crawler (``CrawlOutputs.from_crawler``): the WARC
capture middleware writes exchanges through its :attr:`warc` writer (created on first use,
closed on ``spider_closed``, after every item pipeline has closed), the text pipeline writes
metadata records through it and text files under :attr:`text_dir`, and every component
reads the crawl state through :attr:`state`, whose back end ``CRAWLSTATE_BACKEND`` names
(:func:`crawl_state_backend`: unset, the SQLite state of the output root, or with
``REDIS_URL`` the Redis state shared by the workers).

Layout under ``OUTPUT_DIR`` (``warc/``, ``text/<host>/``, ``articles.jsonl``, ``logs/``,
``runs/``, ``state.sqlite3``, ``crawl.lock``): README, "Output layout". Settings
(``OUTPUT_DIR``, ``WARC_*``, ``STATE_ENABLED``, ``CRAWLSTATE_BACKEND``): README's settings
table, declared in :mod:`crawler.settingspec`.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import socket
import sqlite3
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.misc import build_from_crawler, load_object

from archive import __version__
from archive.store.statebackend import CrawlStateBackend
from archive.warc.writer import GZIP_ENGINE, GZIP_LEVEL, WarcWriter, check_options

logger = logging.getLogger(__name__)

_ATTR = "_newsarchive_outputs"

#: the crawl state of a plain crawl: one SQLite database per output root
SQLITE_BACKEND = "archive.store.state.CrawlState"
#: the crawl state of a shared-frontier crawl (``REDIS_URL``): in Redis, shared by the workers
REDIS_BACKEND = "crawler.frontier.link.FrontierCrawlState"


def crawl_state_backend(settings: Any) -> str:
    """The class path of the crawl state back end: ``CRAWLSTATE_BACKEND`` if set, else the
    Redis state when ``REDIS_URL`` is set, else the SQLite state."""
    chosen = settings.get("CRAWLSTATE_BACKEND")
    if chosen:
        return str(chosen)
    return REDIS_BACKEND if settings.get("REDIS_URL") else SQLITE_BACKEND


def open_crawl_state(crawler: Crawler, root: Path) -> CrawlStateBackend:
    """The crawl state back end of ``crawler``, built as Scrapy builds its components: the
    class's ``from_crawler(crawler, root)`` if it has one, else ``cls(root)``."""
    backend = load_object(crawl_state_backend(crawler.settings))
    state = build_from_crawler(backend, crawler, root)
    if not isinstance(state, CrawlStateBackend):
        raise TypeError(f"CRAWLSTATE_BACKEND {backend!r} does not implement "
                        "archive.store.statebackend.CrawlStateBackend")
    return state


#: Settings recorded in each warcinfo record: the ones that change what gets archived.
WARCINFO_SETTINGS = (
    "USER_AGENT",
    "ROBOTSTXT_OBEY",
    "DEPTH_LIMIT",
    "DOWNLOAD_DELAY",
    "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "AUTOTHROTTLE_ENABLED",
    "DOWNLOAD_TIMEOUT",
    "DOWNLOAD_MAXSIZE",
    "REDIRECT_MAX_TIMES",
    "RETRY_TIMES",
)


class CrawlOutputs:
    """Paths and shared writers of one crawl's output root."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.root = Path(settings.get("OUTPUT_DIR") or "data")
        self.warc_dir = self.root / "warc"
        self.text_dir = self.root / "text"
        self.logs_dir = self.root / "logs"
        #: shared frontier (crawler.frontier): state in Redis, one articles file per process
        self.redis_url: str | None = settings.get("REDIS_URL") or None
        self.articles_path = self.root / (
            f"articles-{_host_part()}-{os.getpid()}.jsonl" if self.redis_url
            else "articles.jsonl")
        self.warc_enabled = settings.getbool("WARC_ENABLED", True)
        self._warc: WarcWriter | None = None
        if self.warc_enabled:
            _check_warc_settings(settings)
        self.state_enabled = settings.getbool("STATE_ENABLED", True)
        self._state: CrawlStateBackend | None = None
        self.run_id: int | None = None
        crawler.signals.connect(self._spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlOutputs:
        """The crawl's single instance, created on first call."""
        outputs = getattr(crawler, _ATTR, None)
        if outputs is None:
            outputs = cls(crawler)
            setattr(crawler, _ATTR, outputs)
        return outputs

    @property
    def warc(self) -> WarcWriter:
        """The crawl's WARC writer (created on first use)."""
        if self._warc is None:
            self._warc = self._make_writer()
        return self._warc

    @property
    def state(self) -> CrawlStateBackend | None:
        """The crawl state (None with ``STATE_ENABLED = False``): the output root's database,
        or with ``REDIS_URL`` the state shared by every worker (:func:`open_crawl_state`)."""
        if self._state is None and self.state_enabled:
            self._state = open_crawl_state(self.crawler, self.root)
        return self._state

    def _make_writer(self) -> WarcWriter:
        settings = self.crawler.settings
        spider = self.crawler.spider
        spider_name = getattr(spider, "name", "crawl")
        return WarcWriter(
            self.warc_dir,
            prefix=settings.get("WARC_PREFIX") or spider_name,
            max_size=settings.getint("WARC_MAX_SIZE", 1_000_000_000),
            warc_version=str(settings.get("WARC_VERSION", "1.1")),
            gzip=settings.getbool("WARC_GZIP", True),
            fsync=settings.getbool("WARC_FSYNC", False),
            warcinfo=self._warcinfo_fields(spider_name),
            index=settings.getbool("WARC_INDEX_ON_CLOSE", True),
            gzip_level=settings.getint("WARC_GZIP_LEVEL", GZIP_LEVEL),
            gzip_engine=_gzip_engine(settings),
        )

    def _warcinfo_fields(self, spider_name: str) -> dict[str, str]:
        import scrapy
        import warcio

        settings = self.crawler.settings
        fields: dict[str, str] = {
            "software": (
                f"newsarchive/{__version__} (Scrapy/{scrapy.__version__}; "
                f"warcio/{getattr(warcio, '__version__', '?')}; "
                f"Python/{platform.python_version()})"
            ),
            "isPartOf": spider_name,
            "description": f"scrapy crawl {spider_name}",
            "ip": _own_ip(),
            "http-header-user-agent": str(settings.get("USER_AGENT") or ""),
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "capture": (
                "bytes as received after transfer decoding: Content-Encoding kept, chunking "
                "removed (original framing headers kept as X-Crawler-Transfer-Encoding / "
                "X-Crawler-Content-Length, Common Crawl's convention); header names as "
                "canonicalised by Twisted; request records rebuilt from the request as sent"
            ),
            "payload-digest": "sha1 over the entity body as recorded (content-encoded)",
            "warc-date": "time the request was sent",
        }
        spider = self.crawler.spider
        args = {
            k: v
            for k, v in vars(spider).items()
            if not k.startswith("_") and isinstance(v, str | int | float | bool)
        }
        if args:
            fields["spider-arguments"] = " ".join(f"{k}={v}" for k, v in sorted(args.items()))
        words = getattr(spider, "match_words", None)
        if words:
            # the topic filter (-a match=...), so that `archive replay` applies it again
            fields["topic-filter"] = json.dumps(list(words), ensure_ascii=False)
        for name in WARCINFO_SETTINGS:
            fields[f"setting-{name}"] = str(settings.get(name))
        return fields

    def _spider_closed(self, spider: Any = None, reason: str = "finished") -> None:
        if self._warc is not None:
            self._warc.close()
            for path in self._warc.closed_files:
                logger.info("WARC closed: %s", path)
        if self._state is not None:
            try:
                if self.run_id is not None:
                    self._state.finish_run(self.run_id, reason)
            except sqlite3.Error as exc:  # a full disk: the next run sees it as interrupted
                logger.error("could not mark the run finished in the crawl state (%s); the "
                             "next run treats it as interrupted and resumes its pages", exc)
            finally:
                self._state.close()
                self._state = None


def _host_part() -> str:
    """This host's name as WARC file names spell it (safe in a file name)."""
    return "".join(c if c.isalnum() or c in "-." else "-" for c in socket.gethostname())


def _own_ip() -> str:
    try:
        return socket.gethostbyname(socket.gethostname())
    except OSError:
        return ""


def _check_warc_settings(settings: Any) -> None:
    """Refuse, when the crawl starts rather than at its first record, WARC settings the writer
    would refuse (the writer's own check, naming the settings)."""
    check_options(str(settings.get("WARC_VERSION", "1.1")),
                  settings.getint("WARC_GZIP_LEVEL", GZIP_LEVEL), _gzip_engine(settings),
                  names=("WARC_VERSION", "WARC_GZIP_LEVEL", "WARC_GZIP_ENGINE"))


def _gzip_engine(settings: Any) -> str:
    return str(settings.get("WARC_GZIP_ENGINE") or GZIP_ENGINE).lower()
