"""Extension: keep the output root's corpus index up to date while a crawl writes articles.

The index (:mod:`archive.store.corpus`, ``OUTPUT_DIR/corpus.sqlite3``) is read by ``archive list``,
``search``, ``show``, ``changes`` and ``serve``. A crawl appends its rows to ``articles.jsonl``;
a :class:`~archive.store.corpusfollow.CorpusFollower` thread indexes what was appended every
``CORPUS_INDEX_INTERVAL`` seconds, and what is left when the crawl closes (the reading
commands sync too, so a crawl that died is indexed by the next reader). An index that cannot
be updated (an SQLite without FTS5's trigram tokenizer, a full disk) costs one warning, never
the crawl.

Settings: ``CORPUS_INDEX_ENABLED`` [True], ``CORPUS_INDEX_INTERVAL`` [2.0; 0: only at the
end]. Stat: ``corpus/indexed``.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from archive.store.corpus import CorpusError
from archive.store.corpusfollow import CorpusFollower
from crawler.outputs import CrawlOutputs

logger = logging.getLogger(__name__)


class CorpusIndexExtension:
    """Index the crawl's articles as they are written; see the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("CORPUS_INDEX_ENABLED", True):
            raise NotConfigured
        self.crawler = crawler
        #: seconds between two syncs during the crawl (0: one sync, at the end)
        self.interval = crawler.settings.getfloat("CORPUS_INDEX_INTERVAL", 2.0)
        self.follower: CorpusFollower | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CorpusIndexExtension:
        return cls(crawler)

    def spider_opened(self, spider: Any) -> None:
        root = CrawlOutputs.from_crawler(self.crawler).root
        self.follower = CorpusFollower(root, interval=self.interval or None)
        if self.interval > 0:
            self.follower.start()

    def spider_closed(self, spider: Any) -> None:
        follower = self.follower
        if follower is None:
            return
        self.follower = None
        try:
            result = follower.finish()
        except (CorpusError, OSError, sqlite3.Error) as exc:
            logger.warning("corpus index of %s not updated: %s", follower.root, exc)
            return
        if result.files:
            self.crawler.stats.set_value("corpus/indexed", result.added)
