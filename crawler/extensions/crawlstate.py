"""Extension: one crawl per output root, leftovers of dead crawls recovered, runs recorded.

More: docs/modules.md, ``crawler/extensions/crawlstate.py``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from archive.store.lock import OutputLock
from archive.warc.check.checker import Checker
from archive.warc.indexer import write_index_for
from archive.warc.records import WarcRecords
from archive.warc.repair import Repairer, repair, repaired_name
from crawler.extensions.runreport import report_of
from crawler.frontier.locks import WorkerLock
from crawler.outputerrors import output_failed
from crawler.outputs import CrawlOutputs

logger = logging.getLogger(__name__)


def recover_open_files(
    warc_dir: Path, writer_is_dead: Callable[[Path], bool] | None = None,
    recovered: list[Path] | None = None,
) -> list[str]:
    """Repair every ``.open`` WARC in ``warc_dir`` (caller holds the crawl lock). Returns the
    log lines describing what was done. ``writer_is_dead`` (shared frontier: other live
    workers write into the same ``warc/``) limits the repair to files whose writer died.
    The closed files made of them are appended to ``recovered`` when given."""
    lines: list[str] = []
    leftovers = sorted(warc_dir.glob("*.open")) if warc_dir.exists() else []
    if writer_is_dead is not None:
        leftovers = [path for path in leftovers if writer_is_dead(path)]
    if not leftovers:
        return lines

    damaged = warc_dir.parent / "damaged"
    for path in leftovers:
        report = Checker.check_file(str(path))
        twin = _existing_repair(path, report)
        if twin is not None:
            # someone ran `archive check --repair` on it: a second copy would duplicate
            # every record in warc/
            damaged.mkdir(exist_ok=True)
            shutil.move(str(path), damaged / path.name)
            lines.append(f"{path.name} (left by a crawl that died) was already repaired as "
                         f"{twin.name}; original moved to {damaged}")
            _index_if_missing(twin, lines)
            if recovered is not None:
                recovered.append(twin)
            continue
        try:
            result = repair(report)
        except Exception as exc:  # noqa: BLE001 - keep the original, report, go on
            lines.append(f"could not repair {path.name}: {exc}; left in place")
            continue
        damaged.mkdir(exist_ok=True)
        shutil.move(str(path), damaged / path.name)
        lines.append(
            f"recovered {path.name} (left by a crawl that died): {len(result.kept)} complete "
            f"records kept in {Path(result.target or '?').name}; original moved to {damaged}"
        )
        lines.extend(f"  {line}" for line in result.lines)
        if result.target and recovered is not None:
            recovered.append(Path(result.target))
        if result.target:
            try:

                write_index_for(Path(result.target))
            except Exception as exc:  # noqa: BLE001
                lines.append(f"  could not index {result.target}: {exc}")
    return lines


def register_recovered(state: Any, path: Path) -> int:
    """Give the crawl state a row for each complete response record of ``path`` (a file
    recovered from a dead crawl) whose URL it does not know; returns how many.

    The capture's writer thread commits a batch's state rows after the batch's records are in
    the file, so a crawl killed between the two leaves records the state never heard of. With
    a row (under the dead crawl's run, unprocessed), the next run resumes an HTML page from
    its record (:mod:`crawler.middlewares.incremental`) instead of fetching it again and
    archiving it twice."""
    run_id = max(state.unfinished_runs(), default=None)
    added = 0
    for offset, length, record in WarcRecords(path):
        if record.rec_type != "response" or record.http_headers is None:
            continue
        headers = record.rec_headers
        url = headers.get_header("WARC-Target-URI")
        if not url or headers.get_header("WARC-Truncated") or state.get(url) is not None:
            continue
        http = record.http_headers
        try:
            status = int(http.get_statuscode() or 0)
        except ValueError:
            continue
        pointer = {"filename": path.name, "offset": offset, "length": length,
                   "record_id": headers.get_header("WARC-Record-ID"),
                   "payload_digest": headers.get_header("WARC-Payload-Digest"),
                   "warc_date": headers.get_header("WARC-Date")}
        state.record_fetch(url, status=status, etag=http.get_header("ETag"),
                           last_modified=http.get_header("Last-Modified"), pointer=pointer,
                           html="html" in (http.get_header("Content-Type") or "").lower(),
                           run_id=run_id)
        added += 1
    return added


def _existing_repair(path: Path, report: Any) -> Path | None:
    """The closed file ``archive check --repair`` already made of the ``.open`` ``path``, if
    one exists with exactly the records a repair would keep (same bytes)."""
    import hashlib


    stem = Path(str(path)[: -len(".open")])
    candidates = [stem, Path(repaired_name(str(stem)))]
    existing = [c for c in candidates if c.exists()]
    if not existing:
        return None
    try:
        chunks = [data for _, data in Repairer(report)._chunks()]
    except Exception:  # noqa: BLE001 - unreadable: let the normal repair report it
        return None
    size = sum(len(c) for c in chunks)
    want = hashlib.sha1()
    for chunk in chunks:
        want.update(chunk)
    for candidate in existing:
        if candidate.stat().st_size != size:
            continue
        have = hashlib.sha1()
        with candidate.open("rb") as fh:
            while block := fh.read(1 << 20):
                have.update(block)
        if have.digest() == want.digest():
            return candidate
    return None


def _index_if_missing(path: Path, lines: list[str]) -> None:
    if Path(str(path) + ".cdxj").exists():
        return
    try:

        write_index_for(path)
    except Exception as exc:  # noqa: BLE001
        lines.append(f"  could not index {path}: {exc}")


class CrawlStateExtension:
    """Lock, recovery and run bookkeeping; see the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.outputs = CrawlOutputs.from_crawler(crawler)
        recovered: list[Path] = []
        if self.outputs.redis_url:  # shared frontier: crawler.frontier.locks

            self.lock: OutputLock | WorkerLock = WorkerLock(self.outputs.root)
            self.lock.acquire(wait=crawler.settings.getfloat("LOCK_WAIT", 0))
            with self.lock.recovering():
                lines = recover_open_files(self.outputs.warc_dir, self.lock.writer_is_dead,
                                           recovered)
        else:
            self.lock = OutputLock(self.outputs.root, "crawl.lock")
            self.lock.acquire(wait=crawler.settings.getfloat("LOCK_WAIT", 0))
            lines = recover_open_files(self.outputs.warc_dir, recovered=recovered)
        for line in lines:
            logger.warning(line)
        self._register(recovered)
        self.run_id: int | None = None
        self.started = datetime.now(UTC)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlStateExtension:
        return cls(crawler)

    def _register(self, recovered: list[Path]) -> None:
        """State rows for the records of recovered files that have none (see
        :func:`register_recovered`); a failure only costs fetching those pages again."""
        state = self.outputs.state if recovered else None
        if state is None:
            return
        for path in recovered:
            try:
                added = register_recovered(state, path)
            except Exception as exc:  # noqa: BLE001 - the pages are fetched again instead
                logger.warning("could not register the records of %s in the crawl state (%s); "
                               "their pages are fetched again", path.name, exc)
                continue
            if added:
                logger.warning("%s: %d responses the crawl that died archived but never "
                               "recorded in the crawl state are recorded now (their pages "
                               "are taken from the archive, not fetched again)", path.name,
                               added)

    def spider_opened(self, spider: Any) -> None:
        state = self.outputs.state
        if state is not None:
            try:
                self.outputs.run_id = self.run_id = state.start_run(spider.name)
            except sqlite3.Error as exc:  # a full disk: stop before fetching anything

                output_failed(self.crawler, exc, "registering the run in the crawl state")

    def spider_closed(self, spider: Any, reason: str) -> None:
        # CrawlOutputs (connected first) has closed the WARCs and marked the run finished
        try:
            self._write_summary(spider, reason)
        except OSError as exc:  # a full disk: the crawl log still has the stats
            logger.error("could not write the run summary under %s: %s",
                         self.outputs.root / "runs", exc)
        finally:
            self.lock.release()

    def _write_summary(self, spider: Any, reason: str) -> None:
        runs = self.outputs.root / "runs"
        runs.mkdir(parents=True, exist_ok=True)
        stats = {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                 for k, v in (self.crawler.stats.get_stats() or {}).items()}
        summary = {
            "spider": spider.name,
            "run_id": self.run_id,
            "started": self.started.isoformat(),
            "finished": datetime.now(UTC).isoformat(),
            "finish_reason": reason,
            "report": report_of(self.crawler),
            "stats": stats,
        }
        name = f"{spider.name}-{self.started.strftime('%Y%m%dT%H%M%SZ')}.json"
        if self.outputs.redis_url:  # several workers may start in the same second
            name = name[:-5] + f"-{os.getpid()}~{socket.gethostname()}.json"
        (runs / name).write_text(json.dumps(summary, indent=1, default=str), "utf-8")
