"""Item pipeline: write each article's text file, its ``articles.jsonl`` row and its WARC
``metadata`` record; pages that are not articles end here (archived, no text).

More: docs/modules.md, ``pipelines/crawl/textoutput.py``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from archive.store.articles import (
    append_line,
    article_row,
    claim_text_path,
    matches_topic,
    repair_jsonl_tail,
    text_path_candidates,
    write_sidecar,
    write_text_file,
)
from archive.warc import targeturi
from archive.warc.writer import sha1_digest
from crawler.outputerrors import output_failed
from crawler.outputs import CrawlOutputs
from pipelines.extract.items import PageItem

logger = logging.getLogger(__name__)


class TextOutputPipeline:
    """Write text, row and metadata record per article; see the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.outputs = CrawlOutputs.from_crawler(crawler)
        self.fsync = crawler.settings.getbool("TEXT_FSYNC", False)
        self.stats = crawler.stats
        self._jsonl: int | None = None  # O_APPEND file descriptor of articles.jsonl
        #: one item of a URL at a time (its version is decided from the state before its
        #: files are written, in a thread)
        self._busy: dict[str, tuple[asyncio.Lock, list[int]]] = {}
        #: one thread writes the text files, in the order the items reach it: two items with
        #: the same text path (a page 2 whose canonical URL is page 1's) end as they did when
        #: written inline, the later one last
        self._files: ThreadPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TextOutputPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.outputs.root.mkdir(parents=True, exist_ok=True)
        path = self.outputs.articles_path
        cut = repair_jsonl_tail(path)
        if cut:
            logger.warning("%s ended with a partial row (%d bytes, left by an interrupted "
                           "write): cut off; its page is processed again when fetched", path, cut)
            self.stats.inc_value("text/partial_row_repaired")
        self._jsonl = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def close_spider(self) -> None:
        if self._files is not None:
            self._files.shutdown(wait=True)
            self._files = None
        if self._jsonl is not None:
            fd, self._jsonl = self._jsonl, None
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    async def process_item(self, item: Any) -> Any:
        url = getattr(item, "url", None)
        if not isinstance(url, str):
            return await self._process(item)
        lock, users = self._busy.setdefault(url, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                return await self._process(item)
        except (OSError, sqlite3.Error) as exc:
            # a full disk stops the crawl (crawler.outputerrors); rows are whole or absent
            output_failed(self.crawler, exc, f"writing the text of {url}", url=url)
            self._to_redo(url, [p.url for p in getattr(item, "parts", None) or ()])
            raise DropItem(f"text not written ({exc}): {url}",
                           log_level="DEBUG") from exc  # logged above, without the item
        finally:
            users[0] -= 1
            if not users[0]:
                del self._busy[url]

    def _to_redo(self, url: str, parts: list[str]) -> None:
        """Leave ``url`` (and the further pages of its article) to the next crawl, which
        redoes it from its archived record."""
        state = self.outputs.state
        if state is None:
            return
        try:
            state.mark_output_failed(url, parts)
        except (OSError, sqlite3.Error) as exc:  # the state cannot be written either: the
            # page stays unprocessed, and the run that stops on it is resumed (incremental)
            logger.debug("could not mark %s for redoing: %s", url, exc)

    def _done(self, item: PageItem, *, is_article: bool, **text: Any) -> None:
        """Record in the crawl state that the pipelines are done with ``item``: its page,
        and the further pages of a multi-page article (never articles on their own: they
        are always fetched again when their article is)."""
        state = self.outputs.state
        if state is None:
            return
        state.mark_processed(item.url, is_article=is_article, **text)
        for part in item.parts:
            state.mark_processed(part.url, is_article=False)

    async def _process(self, item: Any) -> Any:
        if not isinstance(item, PageItem):
            return item
        state = self.outputs.state
        if (item.warc or {}).get("warc_type") == "revisit":
            self.stats.inc_value("text/skipped_unchanged")
            known = state.get(item.url) if state is not None else None
            if known is not None and known.is_article:
                self.stats.inc_value("text/articles_unchanged")
            raise DropItem(f"unchanged since the last capture: {item.url}", log_level="DEBUG")
        if item.article is None:
            self._done(item, is_article=False)
            raise DropItem(
                f"not an article ({item.extraction.get('reason', '?')}): {item.url}",
                log_level="DEBUG",
            )
        article = item.article
        words = item.meta.get("match")
        if words and not matches_topic(article, words):
            self.stats.inc_value("text/skipped_no_match")
            self._done(item, is_article=False)
            raise DropItem(f"no topic match ({', '.join(words)}): {item.url}", log_level="DEBUG")
        text_digest = sha1_digest(article["text"].encode("utf-8"))
        previous = state.get(item.url) if state is not None else None
        version = 1
        if previous is not None and previous.text_digest:
            if previous.text_digest == text_digest:
                self._done(item, is_article=True)
                self.stats.inc_value("text/skipped_unchanged")
                self.stats.inc_value("text/articles_unchanged")
                raise DropItem(f"text unchanged: {item.url}", log_level="DEBUG")
            version = previous.version + 1
        candidates = text_path_candidates(item.url, article["canonical_url"],
                                          article.get("title"), version)
        row = article_row(item, candidates[0])
        if version > 1 and previous is not None:
            row["version"] = version
            row["previous_version"] = {"text_path": previous.text_path,
                                       "text_digest": previous.text_digest}
        # the text file and its sidecar are written in a thread (creating and renaming files
        # is kernel time, ~0.6 ms a file here, that the reactor need not wait for); the row,
        # the metadata record and the state follow once both are in place, as before
        if self._files is None:
            self._files = ThreadPoolExecutor(max_workers=1, thread_name_prefix="text-files")
        relpath = await asyncio.get_running_loop().run_in_executor(
            self._files, _write_files, self.outputs.root, item.url, candidates,
            previous.text_path if previous is not None else None, article["text"], dict(row))
        row["text_path"] = relpath
        if self.outputs.warc_enabled and item.warc and item.warc.get("warc_type") == "response" \
                and "record_id" in item.warc:
            summary = {
                "article": True,
                "url": item.url,
                "canonical_url": article["canonical_url"],
                "title": article.get("title"),
                "published": article.get("published"),
                "method": article["method"],
                "word_count": article["word_count"],
                "text_digest": text_digest,
                "text_path": relpath,
                "version": version,
                "extraction_seconds": item.extraction.get("seconds"),
                "outlinks": item.extraction.get("outlinks", []),
                # what the spider knew that the page alone does not say (original URL of a
                # Wayback capture, parent post, citations...), so replay can restore it
                "meta": item.meta,
                "parts": row.get("parts", []),
            }
            meta_ptr = self.outputs.warc.write_metadata(
                # under urn:newsarchive:article:URL, not the page's URL: replay tools would
                # serve the summary in place of the page (archive/warc/targeturi.py)
                targeturi.about(targeturi.ARTICLE, item.url),
                json.dumps(summary, ensure_ascii=False, sort_keys=True).encode("utf-8"),
                refers_to=item.warc["record_id"],
                content_type="application/json",
            )
            row["metadata_record_id"] = meta_ptr.record_id
        assert self._jsonl is not None
        start = append_line(self._jsonl,
                            (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
        if self.fsync:
            os.fsync(self._jsonl)
        try:
            self._done(item, is_article=True, text_path=relpath,
                       text_digest=text_digest, version=version)
        except sqlite3.Error:
            # not recorded as processed: take the row back, the page is processed again
            # (and its row written) by the next run, never twice
            os.ftruncate(self._jsonl, start)
            raise
        self.stats.inc_value("text/articles_written")
        if (item.meta or {}).get("complete") is False:
            self.stats.inc_value("text/articles_incomplete")
        elif version > 1:
            self.stats.inc_value("text/articles_changed")
        else:
            self.stats.inc_value("text/articles_new")
        return row


def _write_files(root: Any, url: str, candidates: tuple[str, str], previous: str | None,
                 text: str, row: dict[str, Any]) -> str:
    """In a thread: an article's text file, then its sidecar, under the first of its
    ``candidates`` names that holds no other page's text (decided here, in the one thread
    that writes them, after the files of every earlier item); returns the name."""
    relpath = claim_text_path(root, url, candidates, previous=previous)
    row["text_path"] = relpath
    write_text_file(root, relpath, text)
    write_sidecar(root, relpath, row)
    return relpath
