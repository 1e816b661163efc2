"""Replay's outputs: the text file and the ``articles.jsonl`` row of each extracted article.

Written by the text pipeline's own helpers (:mod:`archive.store.articles`,
:mod:`archive.store.paths`), with the crawl's topic filter and its text versions: an unchanged
text writes nothing, a changed one is written as ``<hash16>-<slug>.v<n>.txt``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from archive.cli.replay.summary import Summary
from archive.store.articles import (
    article_row,
    claim_text_path,
    matches_topic,
    text_path_candidates,
    write_sidecar,
    write_text_file,
)
from archive.warc.writer import sha1_digest
from pipelines.extract.items import PageItem, PagePart
from pipelines.extract.page import ExtractionResult


@dataclass
class PendingPage:
    """One page sent to extraction, and what its row needs once the result is back."""

    url: str
    file: int
    pointer: dict[str, Any]
    meta: dict[str, Any]
    parts: list[PagePart]
    metadata_record_id: str | None
    #: the text file's name the crawl gave (its metadata record), if it says
    text_path: str | None = None


class ArticleWriter:
    """Writes the outputs of extracted pages, in the order they are given, under ``out``."""

    def __init__(self, out: Path, jsonl: IO[str], summary: Summary, match: list[str],
                 topic_filter: dict[int, list[str]]) -> None:
        self.out = out
        self.jsonl = jsonl
        self.summary = summary
        #: ``--match`` words (they win over the crawl's own filter)
        self.match = match
        #: the crawl's topic filter (warcinfo ``topic-filter``) by file index
        self.topic_filter = topic_filter
        #: per URL, the last text written: (version, text path, text digest)
        self.versions: dict[str, tuple[int, str, str]] = {}

    def write(self, page: PendingPage, result: ExtractionResult) -> None:
        """Write the text file and the row of one extracted page (or count why not)."""
        if result.article is None:
            if result.reason.startswith("error"):
                self.summary.error(page.url, result.reason)
            else:
                self.summary.not_articles += 1
            return
        item = PageItem(url=page.url, html="", warc=page.pointer, meta=page.meta,
                        parts=page.parts)
        item.article = result.article
        article = result.article
        words = self.match or item.meta.get("match") or self.topic_filter.get(page.file)
        if words and not matches_topic(article, list(words)):
            self.summary.skipped_topic += 1
            return
        # text versions, as the text pipeline numbers them from the crawl state: an unchanged
        # text writes nothing, a changed one is written as version n+1 (``.v<n>.txt``)
        text_digest = sha1_digest(article["text"].encode("utf-8"))
        previous = self.versions.get(item.url)
        version = 1
        if previous is not None:
            if previous[2] == text_digest:
                self.summary.skipped_unchanged += 1
                return
            version = previous[0] + 1
        # the name the crawl gave (its metadata record) when it is one this page may take
        relpath = claim_text_path(
            self.out, item.url,
            text_path_candidates(item.url, article["canonical_url"], article.get("title"),
                                 version),
            recorded=page.text_path, previous=previous[1] if previous is not None else None)
        write_text_file(self.out, relpath, article["text"])
        row = article_row(item, relpath)
        if previous is not None:
            row["version"] = version
            row["previous_version"] = {"text_path": previous[1], "text_digest": previous[2]}
        write_sidecar(self.out, relpath, row)
        self.versions[item.url] = (version, relpath, text_digest)
        if page.metadata_record_id:
            row["metadata_record_id"] = page.metadata_record_id
        self.jsonl.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.summary.articles += 1
