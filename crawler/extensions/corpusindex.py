"""Extension: bring the output root's corpus index up to date when a crawl closes.

The index (:mod:`archive.store.corpus`, ``OUTPUT_DIR/corpus.sqlite3``) is read by ``archive list``,
``search``, ``show``, ``changes`` and ``serve``. A crawl appends its rows to
``articles.jsonl``; at its close this extension indexes what was appended (the reading
commands sync too, so a crawl that died is indexed by the next reader). An index that cannot
be updated (an SQLite without FTS5's trigram tokenizer, a full disk) costs one warning, never
the crawl.

Setting: ``CORPUS_INDEX_ENABLED`` [True]. Stat: ``corpus/indexed``.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from archive.store.corpus import Corpus, CorpusError
from crawler.outputs import CrawlOutputs

logger = logging.getLogger(__name__)


class CorpusIndexExtension:
    """Sync the corpus index at spider close; see the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("CORPUS_INDEX_ENABLED", True):
            raise NotConfigured
        self.crawler = crawler
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CorpusIndexExtension:
        return cls(crawler)

    def spider_closed(self, spider: Any) -> None:

        root = CrawlOutputs.from_crawler(self.crawler).root
        if not list(root.glob("articles*.jsonl")):
            return
        try:
            with Corpus(root) as corpus:
                result = corpus.sync()
        except (CorpusError, OSError, sqlite3.Error) as exc:
            logger.warning("corpus index of %s not updated: %s", root, exc)
            return
        self.crawler.stats.set_value("corpus/indexed", result.added)
