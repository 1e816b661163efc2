"""One replay from start to end: scan, plan, extract in the pool, write the outputs in order.

Outputs are written in (file, offset) order, files by their first record's WARC-Date (then
name), so two replays of the same files write the same bytes whatever the order of the
arguments and the number of workers. ``articles.jsonl`` is written under a temporary name and
renamed at the end. The whole story: docs/replay.md ("How a record becomes a row").
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from archive.cli.replay.articlewriter import ArticleWriter, PendingPage
from archive.cli.replay.pool import ExtractionPool, Outcome, Unit
from archive.cli.replay.progress import Progress
from archive.cli.replay.scan import ArchiveMap, ScannedRecord
from archive.cli.replay.stitch import PageStitcher
from archive.cli.replay.summary import Summary
from archive.store.corpusfollow import CorpusFollower
from archive.warc.inputs import paths as input_paths
from archive.warc.writer import RecordPointer
from pipelines.extract.items import PagePart
from pipelines.extract.page import ExtractionResult

logger = logging.getLogger(__name__)


class Replay:
    """One replay of a set of WARC files into an output directory."""

    def __init__(
        self,
        files: Iterable[str | os.PathLike[str]],
        out: str | os.PathLike[str],
        *,
        jobs: int | None = None,
        progress: bool = False,
        match: list[str] | None = None,
        site: str | None = None,
    ) -> None:
        self.files = input_paths(files)
        self.out = Path(out)
        self.jobs = (os.cpu_count() or 1) if jobs is None else max(1, jobs)
        self.progress = Progress(progress)
        self.match = [w for w in (match or []) if w]
        self.site = site
        self.summary = Summary(files=len(self.files))
        self.archive = ArchiveMap(self.files, site, self.summary, self.progress)
        self.stitcher = PageStitcher(self.archive, self.summary)

    def plan(self) -> dict[tuple[int, int], ScannedRecord]:
        """The responses that may make rows, by (file, offset); counts what is skipped."""
        todo: dict[tuple[int, int], ScannedRecord] = {}
        for cap in self.archive.captures:
            if cap.kind == "revisit":
                self.summary.revisits += 1
                if self.archive.original_of(cap) is None:
                    self.summary.revisits_unresolved += 1
                continue
            self.summary.responses += 1
            if cap.status != 200:
                self.summary.skipped_status += 1
            elif cap.url in self.archive.continuations and cap.record_id not in self.archive.facts:
                # (a page the crawl wrote an article of its own for stays one: the generic
                # spider knows nothing of multi-page articles)
                self.summary.continuations += 1
            else:
                todo[(cap.file, cap.offset)] = cap
        return todo

    def run(self, overwrite: bool = False) -> Summary:
        """Do the whole replay; returns the summary (also kept as ``self.summary``)."""
        started = time.monotonic()
        articles_path = self.out / "articles.jsonl"
        if articles_path.exists() and not overwrite:
            raise FileExistsError(f"{articles_path} exists (use --overwrite to replace it)")
        self.out.mkdir(parents=True, exist_ok=True)
        tmp = articles_path.with_name(f".{articles_path.name}.tmp{os.getpid()}")
        pool = ExtractionPool(self.jobs)
        follower: CorpusFollower | None = None
        try:
            pool.start()
            self.archive.scan()
            self.progress.close()
            todo = self.plan()
            with open(tmp, "w", encoding="utf-8") as jsonl:
                # the corpus index follows the rows, held until the file is renamed into place
                follower = CorpusFollower(self.out, tmp, name=articles_path.name,
                                          hold=True).start()
                writer = ArticleWriter(self.out, jsonl, self.summary, self.match,
                                       self.archive.topic_filter)
                self._extract_all(todo, pool, writer)
                jsonl.flush()
                os.fsync(jsonl.fileno())
            os.replace(tmp, articles_path)
            if follower is not None:
                self._finish_index(follower, articles_path)
                follower = None
        finally:
            self.progress.close()
            if follower is not None:
                follower.abandon()
            tmp.unlink(missing_ok=True)
            pool.shutdown()
        self.summary.seconds = time.monotonic() - started
        return self.summary

    def _finish_index(self, follower: CorpusFollower, articles_path: Path) -> None:
        try:
            follower.finish(articles_path)
        except Exception as exc:  # noqa: BLE001 - the index never costs the replay
            # rolled back: the sync after the replay indexes the file, or says why not
            logger.debug("corpus index not updated while replaying: %s", exc)

    def _extract_all(self, todo: dict[tuple[int, int], ScannedRecord], pool: ExtractionPool,
                     writer: ArticleWriter) -> None:
        """Second pass: every planned capture, in output order (files by rank, then offset),
        extracted in the pool; rows are written here in that same order."""
        if not todo:
            return
        total = len(todo)
        handled = [0]  # pages whose outcome is known (drawn on the progress bar)

        def on_outcome(page: PendingPage, outcome: Outcome) -> None:
            self._outcome(page, outcome, writer)
            handled[0] += 1
            self.progress.show("extracting", handled[0], total, "pages",
                               force=handled[0] == total)

        self.progress.start()
        pool.extract_in_order(self._pages(todo), on_outcome)

    def _pages(self, todo: dict[tuple[int, int], ScannedRecord]
               ) -> Iterator[tuple[PendingPage, Unit]]:
        """Each planned capture in output order: what its row needs, and the worker's unit."""
        rank = self.archive.rank
        for cap in sorted(todo.values(), key=lambda c: (rank[c.file], c.offset)):
            facts = self.archive.facts.get(cap.record_id)
            parts = self.stitcher.parts_for(cap, cap.url, facts)
            meta = dict(facts.meta) if facts is not None else {}
            topic_filter = self.archive.topic_filter.get(cap.file)
            if facts is None and topic_filter:
                # as the spider puts it in every page's meta
                meta["match"] = topic_filter
            page = PendingPage(
                url=cap.url,
                file=cap.file,
                pointer=self._pointer(cap),
                meta=meta,
                parts=[PagePart(p.url, "", p.warc, p.status) for p in parts],
                metadata_record_id=facts.metadata_record_id if facts is not None else None,
                text_path=facts.text_path if facts is not None else None,
            )
            yield page, (str(self.files[cap.file]), cap.offset, cap.url, self.site,
                         [(p.url, p.html) for p in parts if p.status == "ok"])

    def _pointer(self, cap: ScannedRecord) -> dict[str, Any]:
        """The ``warc`` pointer of a row, from what the first pass read of the record."""
        return RecordPointer(
            filename=self.files[cap.file].name,
            offset=cap.offset,
            length=cap.length,
            record_id=cap.record_id,
            warc_type=cap.kind,
            target_uri=cap.url,
            warc_date=cap.date,
            payload_digest=cap.digest,
        ).to_dict()

    def _outcome(self, page: PendingPage, outcome: Outcome, writer: ArticleWriter) -> None:
        """Count what a worker found and hand an extracted page to the writer."""
        kind, url, result = outcome
        if kind == "error":
            self.summary.error(url, str(result))
        elif kind == "not_html":
            self.summary.skipped_not_html += 1
        else:
            assert isinstance(result, ExtractionResult)
            self.summary.html_pages += 1
            page.url = url
            writer.write(page, result)
