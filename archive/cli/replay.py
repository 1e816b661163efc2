"""``python -m archive replay FILES… --out DIR``: re-extract the articles of WARC files.

Every HTML ``200`` response in the WARCs goes through the same code as in a live crawl and
gives the same outputs under ``DIR``: ``text/<host>/<hash16>-<slug>.txt`` and one
``articles.jsonl`` row per article, with the ``warc`` pointer to the response record. Replaying
a crawl's own WARCs therefore reproduces its text files byte for byte and its rows field for
field (rows are in WARC order here, in completion order in a crawl). Replaying the WARCs of
several crawls into one output root (incremental runs) numbers text versions the same way.

How a record becomes a row:

1. **First pass** (this process, sequential): every record of every file is read once to build
   an in-memory map: response and revisit records by record id, by URL and by (URL, payload
   digest); the crawl's ``metadata`` records (``application/json`` with ``meta`` and
   ``parts``, ``WARC-Refers-To`` the response) by the response they describe; and, for pages
   of sites whose rules know multi-page articles (``SiteRules.next_page``), each page's next
   page.
2. **Pages**: a ``200`` response is rebuilt into the Scrapy response the spider saw
   (:mod:`crawler.responses`), and into a page item by the spiders' own
   ``page_item_from_response`` (not HTML: skipped). A page that is a continuation -- listed as
   a part by a metadata record, reachable as the next page of another archived page, or so
   declared by its site rules (an ``is_continuation(url, tree)`` method) -- is not an article
   of its own, unless the crawl made it one (it has its own metadata record: a generic crawl
   does not stitch pages). Page 1 of a multi-page article gets its parts in page order: from
   its metadata record where the crawl wrote one (same URLs, statuses and pointers; the HTML
   read from the pointed record, else from the archived response of that URL), otherwise by
   following the next pages through the URL map. The spider's ``meta`` is restored from the
   metadata record too, and the row keeps that record's id as ``metadata_record_id``, as in
   the crawl.
3. **Second pass, in a pool of worker processes** (``--jobs``, default: every core; one job:
   in this process): the parent sends ``(path, offset, url, site, parts)`` of each planned
   capture, :data:`BATCH` pages per task (with one page per task, the pool's own cost was
   over a quarter of the parent's CPU); the worker seeks to the record, rebuilds the page
   (step 2) and runs :func:`pipelines.extract.page.extract_page`. Reading and decoding the
   responses a second time therefore runs in parallel, and no HTML is pickled across (only
   the parts of multi-page articles, which the parent resolves through its map). A worker
   that dies (killed, out of memory) costs a new pool, and every page of the batches it took
   down is tried once more on its own, so only a page at fault loses its text.
4. **Outputs**, written by this process in (file, offset) order, files in the order of their
   first record's WARC-Date (then name), so two replays of the same files write the same
   bytes whatever the order of the arguments and the number of workers: the text file and the
   row, by the text pipeline's own :func:`~archive.store.articles.article_row`,
   :func:`~archive.store.articles.write_text_file` and :func:`~archive.store.paths.text_relpath`.
   The topic filter applies as in the crawl: ``--match`` if given, else the words the crawl
   was given (the restored ``meta["match"]``, or the ``topic-filter`` field of the file's
   ``warcinfo``), so off-topic articles, which the crawl left without outputs, stay so.
   Text versions as the text pipeline numbers them from its crawl state: a URL whose text is
   the same as at its previous capture gets no output again; a changed text is written as
   ``<hash16>-<slug>.v<n>.txt`` and its row carries ``version`` and ``previous_version``.
   ``articles.jsonl`` is written under a temporary name and renamed at the end (an existing
   one is replaced only with ``--overwrite``).

Other records: non-``200`` responses are skipped, and so is everything that is not a
response. A revisit never makes a row: its original (``WARC-Refers-To``, else the response of
the same payload digest at ``WARC-Refers-To-Target-URI``) is a response of the archive that
gets its own row, and a revisit whose original is not in the files read is counted as
unresolved. Records that cannot be parsed are counted as errors and reported.

Other tools' WARCs are read as they are (:class:`archive.warc.records.WarcRecords`): wget's
``<…>`` target URIs and chunked payloads, gzip bodies, WARC/1.0, uncompressed ``.warc``.

A progress bar is drawn on stderr when it is a terminal (``--no-progress`` turns it off); a
summary is printed at the end: files, records, HTML pages, articles, not articles, errors,
seconds, pages per second.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import sqlite3
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from archive.warc import fastread
from archive.warc.records import WarcRecords
from archive.warc.writer import RecordPointer
from crawler.pages import (
    http_status,
    page_item,
    pagination,
    pointer_dict,
    site_paginates,
    warc_files,
)
from pipelines.extract.items import PageItem, PagePart
from pipelines.extract.page import ExtractionResult, extract_page

log = logging.getLogger(__name__)

#: safety limit on the pages of one article (as the Newsweek Japan spider's)
MAX_PARTS = 30
#: pages in flight per worker process
WINDOW_PER_JOB = 8
#: pages per task sent to a worker
BATCH = 8
#: a metadata record bigger than this is not a crawl's article summary
MAX_METADATA_BYTES = 16 * 1024 * 1024
#: errors reported one by one (the rest are counted)
MAX_REPORTED_ERRORS = 20


# -- what the first pass learns ---------------------------------------------------------------


@dataclass
class Capture:
    """A response or revisit record: where it is and what it says about itself."""

    file: int  #: index into the list of files
    offset: int
    length: int
    kind: str  #: ``response`` or ``revisit``
    url: str
    record_id: str
    date: str
    status: int | None
    digest: str | None
    refers_to: str | None = None
    refers_to_uri: str | None = None


@dataclass
class CrawlFacts:
    """What the crawl's metadata record says about a response: spider meta and parts."""

    metadata_record_id: str
    meta: dict[str, Any]
    parts: list[dict[str, Any]]


@dataclass
class Summary:
    """Counts of one replay."""

    files: int = 0
    records: int = 0
    responses: int = 0
    html_pages: int = 0
    articles: int = 0
    not_articles: int = 0
    errors: int = 0
    continuations: int = 0
    skipped_status: int = 0
    skipped_not_html: int = 0
    skipped_topic: int = 0
    skipped_unchanged: int = 0
    revisits: int = 0
    revisits_unresolved: int = 0
    missing_parts: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def pages_per_second(self) -> float:
        """HTML pages (continuations included) per second of wall-clock time."""
        pages = self.html_pages + self.continuations
        return pages / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = asdict(self)
        data["pages_per_second"] = round(self.pages_per_second, 2)
        return data

    def format(self) -> str:
        """The human summary printed at the end of a replay."""
        lines = [
            f"replay: {self.files} files, {self.records} records, {self.html_pages} HTML pages, "
            f"{self.articles} articles, {self.not_articles} not articles, {self.errors} errors, "
            f"{self.seconds:.1f} s, {self.pages_per_second:.1f} pages/s",
            f"  skipped: {self.skipped_status} non-200 responses, {self.skipped_not_html} not "
            f"HTML, {self.continuations} continuation pages (joined to their page 1), "
            f"{self.revisits} revisits ({self.revisits_unresolved} without their original), "
            f"{self.skipped_topic} off-topic articles, {self.skipped_unchanged} articles whose "
            "text had not changed since an earlier capture",
        ]
        if self.missing_parts:
            lines.append(f"  {self.missing_parts} parts of multi-page articles were not found "
                         "in these files")
        lines.extend(f"  problem: {p}" for p in self.problems)
        return "\n".join(lines)


@dataclass
class _Job:
    """One page sent to extraction, and what its row needs once the result is back."""

    url: str
    file: int
    pointer: dict[str, Any]
    meta: dict[str, Any]
    parts: list[PagePart]
    metadata_record_id: str | None


# -- progress ---------------------------------------------------------------------------------


class Progress:
    """A one-line progress bar on a terminal; silent when disabled."""

    WIDTH = 28

    def __init__(self, enabled: bool, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self._last = 0.0
        self._started = time.monotonic()
        self._drawn = False

    def start(self) -> None:
        """Reset the rate clock (call at the start of each phase)."""
        self._started = time.monotonic()
        self._last = 0.0

    def show(self, label: str, done: float, total: float, what: str, force: bool = False) -> None:
        """Draw ``label [####....] pct done/total what rate`` (at most ten times a second)."""
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.1:
            return
        self._last = now
        frac = min(1.0, done / total) if total else 1.0
        filled = int(frac * self.WIDTH)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        rate = done / max(now - self._started, 1e-6)
        if what == "MB":
            counts = f"{done / 1e6:.1f}/{total / 1e6:.1f} MB"
            rate_text = f"{rate / 1e6:.1f} MB/s"
        else:
            counts = f"{int(done)}/{int(total)} {what}"
            rate_text = f"{rate:.1f} {what}/s"
        self.stream.write(f"\r{label:<10} [{bar}] {frac:4.0%} {counts} {rate_text}\033[K")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """End the progress line."""
        if self.enabled and self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False


# -- the replay ---------------------------------------------------------------------------------


#: what a worker sends back for one capture: ``("page", url, result)`` for an HTML page,
#: ``("not_html", url, None)``, or ``("error", url, reason)``
Outcome = tuple[str, str, ExtractionResult | str | None]


def _page_at(path: str | os.PathLike[str], offset: int, url: str, site: str | None
             ) -> PageItem | None:
    """The page item of the response record at ``offset`` of ``path`` (None: not HTML), read
    by FastWARC where it reads that record as warcio does, else by warcio."""
    if fastread.enabled():
        try:
            record = fastread.record_at(path, offset)
        except fastread.FallBack:
            pass
        else:
            return page_item(record, url, site=site)
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as fh:
        fh.seek(offset)
        return page_item(next(iter(ArchiveIterator(fh, arc2warc=True))), url, site=site)


def _work(path: str, offset: int, url: str, site: str | None, parts: list[tuple[str, str]]
          ) -> Outcome:
    """Worker side: read the response record at ``offset`` of ``path``, rebuild the page the
    crawl saw (:func:`crawler.pages.page_item`) and extract it as the crawl's extraction
    pipeline does. Reading happens here, so the parent only sends where the record is."""
    try:
        item = _page_at(path, offset, url, site)
    except Exception as exc:  # noqa: BLE001 - a record that does not parse
        return "error", url, f"cannot rebuild the response: {type(exc).__name__}: {exc}"
    if item is None:
        return "not_html", url, None
    result = extract_page(item.url, item.html, site=site, parts=parts)
    # replay writes texts and rows, never the crawl's metadata records: the page's links
    # (a hundred URLs on a news page) need not be sent back to the parent
    result.outlinks = []
    return "page", item.url, result


def _work_batch(units: list[tuple[Any, ...]]) -> list[Outcome]:
    """Worker side, several pages in one task (:data:`BATCH`): the pool's per-task cost
    (futures, pickling, the parent's queue threads) is paid once for them."""
    return [_work(*unit) for unit in units]


def _warm_up() -> None:
    import trafilatura  # noqa: F401 - import once per worker, before the first page


class Replay:
    """One replay of a set of WARC files into an output directory; see the module docstring."""

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
        self.files = warc_files(files)
        self.out = Path(out)
        self.jobs = (os.cpu_count() or 1) if jobs is None else max(1, jobs)
        self.progress = Progress(progress)
        self.match = [w for w in (match or []) if w]
        self.site = site
        self.summary = Summary(files=len(self.files))
        self.captures: list[Capture] = []
        self.by_id: dict[str, Capture] = {}
        self.by_url: dict[str, list[Capture]] = {}
        self.by_url_digest: dict[tuple[str, str], Capture] = {}
        self.facts: dict[str, CrawlFacts] = {}
        self.next_of: dict[str, str] = {}
        self.continuations: set[str] = set()
        #: the crawl's topic filter (warcinfo ``topic-filter``) by file index
        self.topic_filter: dict[int, list[str]] = {}
        self._names: dict[str, int] = {}
        for i, path in enumerate(self.files):
            self._names.setdefault(path.name, i)
        #: files in the order they are read and their rows written (see scan())
        self.order: list[int] = list(range(len(self.files)))
        self._rank: dict[int, int] = {i: i for i in self.order}
        #: per URL, the last text written: (version, text path, text digest)
        self.versions: dict[str, tuple[int, str, str]] = {}
        self._pool: ProcessPoolExecutor | None = None
        self._pool_generation = 0
        self._jsonl: IO[str] | None = None
        self._reported = 0

    # -- pass 1 ---------------------------------------------------------------------------

    def _records(self) -> Iterator[tuple[int, int, int, Any]]:
        """``(file index, offset, length, record)`` of every file, files in ``self.order``;
        progress in bytes read; unreadable files and damaged records go into the summary."""
        sizes = []
        for path in self.files:
            try:
                sizes.append(path.stat().st_size)
            except OSError:
                sizes.append(0)
        total, before = sum(sizes), 0
        self.progress.start()
        fast = fastread.enabled()
        for i in self.order:
            path = self.files[i]
            records: Iterable[Any] | None = None
            if fast:
                try:
                    records = fastread.scan(path, self._wants_body)
                except (fastread.FallBack, OSError) as exc:
                    log.debug("%s: read with warcio (%s)", path, exc)
            if records is None:
                records = WarcRecords(path)
            try:
                for offset, length, record in records:
                    self.progress.show("reading", before + offset + length, total, "MB")
                    yield i, offset, length, record
            except OSError as exc:
                self.summary.problems.append(f"{path}: {exc.strerror or exc}")
            if isinstance(records, WarcRecords) and records.problem:
                self.summary.problems.append(f"{path.name}: {records.problem}")
            before += sizes[i]
        self.progress.show("reading", total, total, "MB", force=True)

    @staticmethod
    def _wants_body(rec_type: str | None, headers: Any) -> bool:
        """Which records' content the fast scan keeps: warcinfo and metadata records (the
        responses of multi-page sites are read again one by one, see :meth:`_add_capture`)."""
        return rec_type in ("warcinfo", "metadata")

    def scan(self) -> None:
        """First pass: the in-memory map of the archive (see the module docstring)."""
        first_date: dict[int, str] = {}
        for i, offset, length, record in self._records():
            self.summary.records += 1
            if i not in first_date:
                first_date[i] = record.rec_headers.get_header("WARC-Date") or ""
            rec_type = record.rec_type
            if rec_type in ("response", "revisit"):
                self._add_capture(i, offset, length, record)
            elif rec_type == "metadata":
                self._add_metadata(record)
            elif rec_type == "warcinfo" and i not in self.topic_filter:
                self._add_warcinfo(i, record)
        for url, nxt in self.next_of.items():
            if nxt != url and nxt in self.by_url:
                self.continuations.add(nxt)
        # outputs follow the files' chronology (their first record's date), as the crawls
        # that wrote them did: text versions of a URL are numbered in that order
        self.order = sorted(range(len(self.files)), key=lambda i: (
            first_date.get(i, ""), self.files[i].name, str(self.files[i])))
        self._rank = {i: rank for rank, i in enumerate(self.order)}

    def _add_capture(self, i: int, offset: int, length: int, record: Any) -> None:
        headers = record.rec_headers
        cap = Capture(
            file=i,
            offset=offset,
            length=length,
            kind=record.rec_type,
            url=headers.get_header("WARC-Target-URI") or "",
            record_id=headers.get_header("WARC-Record-ID") or "",
            date=headers.get_header("WARC-Date") or "",
            status=http_status(record),
            digest=headers.get_header("WARC-Payload-Digest"),
            refers_to=headers.get_header("WARC-Refers-To"),
            refers_to_uri=(headers.get_header("WARC-Refers-To-Target-URI") or "").strip("<>")
            or None,
        )
        self.captures.append(cap)
        if cap.record_id:
            self.by_id.setdefault(cap.record_id, cap)
        if cap.kind != "response":
            return
        self.by_url.setdefault(cap.url, []).append(cap)
        if cap.digest:
            self.by_url_digest.setdefault((cap.url, cap.digest), cap)
        if cap.status == 200 and site_paginates(cap.url, self.site):
            try:
                if getattr(record, "body_dropped", False):
                    # the fast scan keeps no response bodies (a whole file's would be held in
                    # memory at once): this one is read again, alone
                    item = _page_at(self.files[i], offset, cap.url, self.site)
                else:
                    item = page_item(record, cap.url, site=self.site)
                if item is None:
                    return
                nxt, continuation = pagination(item.url, item.html, self.site)
            except Exception:  # noqa: BLE001 - reported when the page itself is replayed
                return
            if nxt:
                self.next_of.setdefault(item.url, nxt)
            if continuation:
                self.continuations.add(item.url)

    def _add_warcinfo(self, i: int, record: Any) -> None:
        """Remember the crawl's topic filter, written by newsarchive as ``topic-filter: [...]``."""
        block = record.raw_stream.read(MAX_METADATA_BYTES)
        for line in block.decode("utf-8", "replace").splitlines():
            name, _, value = line.partition(":")
            if name.strip().lower() != "topic-filter":
                continue
            try:
                words = json.loads(value)
            except ValueError:
                return
            if isinstance(words, list) and all(isinstance(w, str) for w in words):
                self.topic_filter[i] = [w for w in words if w]
            return

    def _add_metadata(self, record: Any) -> None:
        headers = record.rec_headers
        refers = headers.get_header("WARC-Refers-To")
        ctype = (headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
        if not refers or ctype != "application/json":
            return
        block = record.raw_stream.read(MAX_METADATA_BYTES + 1)
        if len(block) > MAX_METADATA_BYTES:
            return
        try:
            data = json.loads(block)
        except ValueError:
            return
        if not isinstance(data, dict) or not ("meta" in data or "parts" in data):
            return
        meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
        parts = [p for p in (data.get("parts") or []) if isinstance(p, dict) and p.get("url")]
        self.facts.setdefault(refers, CrawlFacts(
            metadata_record_id=headers.get_header("WARC-Record-ID") or "",
            meta=meta,
            parts=parts,
        ))
        self.continuations.update(p["url"] for p in parts)

    # -- resolving ------------------------------------------------------------------------

    def original_of(self, revisit: Capture) -> Capture | None:
        """The response a revisit stands for, or None when it is not in the files read."""
        if revisit.refers_to:
            found = self.by_id.get(revisit.refers_to)
            if found is not None and found.kind == "response":
                return found
        if revisit.digest:
            return self.by_url_digest.get((revisit.refers_to_uri or revisit.url, revisit.digest))
        return None

    def _capture_of(self, url: str, near: Capture) -> Capture | None:
        """The archived ``200`` response of ``url`` closest to ``near`` in the archive."""
        found = [c for c in self.by_url.get(url, []) if c.status == 200]
        if not found:
            return None
        return min(found, key=lambda c: (abs(self._rank[c.file] - self._rank[near.file]),
                                         abs(c.offset - near.offset)))

    def _load(self, cap: Capture) -> tuple[PageItem | None, dict[str, Any]] | None:
        """Read one capture by seeking to it: (page item or None, pointer); None on failure."""
        from archive.warc.pointer import record_at

        try:
            with record_at(self.files[cap.file], cap.offset) as record:
                pointer = pointer_dict(self.files[cap.file], cap.offset, cap.length, record)
                return page_item(record, cap.url, site=self.site), pointer
        except Exception as exc:  # noqa: BLE001 - a damaged part: reported, page goes on
            self._error(cap.url, f"cannot read record: {type(exc).__name__}: {exc}")
            return None

    def _part_html(self, part: dict[str, Any], near: Capture) -> str | None:
        """The HTML of a part named by a crawl's metadata record: from the record its pointer
        names when that file is among the inputs, else from the archived response of its URL."""
        warc = part.get("warc") if isinstance(part.get("warc"), dict) else None
        if warc and warc.get("filename") in self._names:
            cap = self.by_id.get(warc.get("record_id") or "")
            if cap is not None and cap.kind == "response":
                loaded = self._load(cap)
                if loaded is not None and loaded[0] is not None:
                    return loaded[0].html
        cap = self._capture_of(part["url"], near)
        if cap is None:
            return None
        loaded = self._load(cap)
        return loaded[0].html if loaded is not None and loaded[0] is not None else None

    def parts_for(self, cap: Capture, url: str, facts: CrawlFacts | None) -> list[PagePart]:
        """Pages 2..n of the article whose page 1 is ``cap`` (see the module docstring)."""
        parts: list[PagePart] = []
        if facts is not None:
            for spec in facts.parts:
                status = str(spec.get("status") or "ok")
                html = ""
                if status == "ok":
                    found = self._part_html(spec, cap)
                    if found is None:
                        self.summary.missing_parts += 1
                        log.warning("part %s of %s is not in these WARC files", spec["url"], url)
                        status = "missing"
                    else:
                        html = found
                parts.append(PagePart(spec["url"], html, spec.get("warc"), status))
            return parts
        nxt = self.next_of.get(url)
        seen = {url}
        while nxt and nxt not in seen and len(parts) < MAX_PARTS:
            seen.add(nxt)
            found_cap = self._capture_of(nxt, cap)
            loaded = self._load(found_cap) if found_cap is not None else None
            if loaded is None or loaded[0] is None:
                self.summary.missing_parts += 1
                parts.append(PagePart(nxt, "", None, "missing"))
                break
            part_item, pointer = loaded
            parts.append(PagePart(nxt, part_item.html, pointer, "ok"))
            nxt = self.next_of.get(part_item.url)
        return parts

    # -- pass 2 ---------------------------------------------------------------------------

    def plan(self) -> dict[tuple[int, int], Capture]:
        """The responses that may make rows, by (file, offset); counts what is skipped."""
        todo: dict[tuple[int, int], Capture] = {}
        for cap in self.captures:
            if cap.kind == "revisit":
                self.summary.revisits += 1
                if self.original_of(cap) is None:
                    self.summary.revisits_unresolved += 1
                continue
            self.summary.responses += 1
            if cap.status != 200:
                self.summary.skipped_status += 1
            elif cap.url in self.continuations and cap.record_id not in self.facts:
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
        try:
            if self.jobs > 1:
                # start the workers now, so that each imports the extractor (~0.3 s, in the
                # pool's initializer) while this process scans the files; a fork pool
                # launches its processes at the first submit, hence this no-op task
                self._pool = self._new_pool()
                self._pool.submit(int)
            self.scan()
            self.progress.close()
            todo = self.plan()
            with open(tmp, "w", encoding="utf-8") as jsonl:
                self._jsonl = jsonl
                self._extract_all(todo)
                jsonl.flush()
                os.fsync(jsonl.fileno())
            os.replace(tmp, articles_path)
        finally:
            self._jsonl = None
            self.progress.close()
            tmp.unlink(missing_ok=True)
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None
        self.summary.seconds = time.monotonic() - started
        return self.summary

    def _new_pool(self) -> ProcessPoolExecutor:
        methods = multiprocessing.get_all_start_methods()
        # fork: workers start at once with everything imported (no reactor runs here)
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self._pool_generation += 1
        return ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_warm_up)

    def _submit(self, units: list[tuple[Any, ...]]
                ) -> tuple[Future[list[Outcome]] | None, int, list[Outcome] | None]:
        if self.jobs <= 1:
            return None, 0, [_work(*unit) for unit in units]
        if self._pool is None:
            self._pool = self._new_pool()
        return self._pool.submit(_work_batch, units), self._pool_generation, None

    def _result(self, future: Future[list[Outcome]] | None, generation: int,
                done: list[Outcome] | None, units: list[tuple[Any, ...]]) -> list[Outcome]:
        if done is not None:
            return done
        assert future is not None
        try:
            return future.result()
        except BrokenProcessPool:
            self._replace_pool(generation)
        # a worker died (killed, out of memory) with this batch in the pool: each of its pages
        # once more, on its own, so that only a page at fault loses its text
        return [self._alone(unit) for unit in units]

    def _alone(self, unit: tuple[Any, ...]) -> Outcome:
        future, generation, _ = self._submit([unit])
        assert future is not None
        try:
            return future.result()[0]
        except BrokenProcessPool as exc:
            self._replace_pool(generation)
            return "error", unit[2], f"error: worker died: {exc}"

    def _replace_pool(self, generation: int) -> None:
        """A new pool for one that broke, once per broken pool."""
        if generation == self._pool_generation:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool()

    def _pointer(self, cap: Capture) -> dict[str, Any]:
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

    def _extract_all(self, todo: dict[tuple[int, int], Capture]) -> None:
        """Second pass: every planned capture, in output order (files by rank, then offset),
        goes to a worker as ``(path, offset, url, site, parts)``; the worker reads the record,
        rebuilds the page and extracts it; rows are written here in that same order."""
        # batches in flight: enough for every worker to have the next one waiting
        window = self.jobs * max(2, WINDOW_PER_JOB // BATCH)
        pending: deque[tuple[list[_Job], Future[list[Outcome]] | None, int,
                             list[Outcome] | None, list[tuple[Any, ...]]]] = deque()
        total = len(todo)
        handled = [0]  # pages whose outcome is known (drawn on the progress bar)

        def tick() -> None:
            handled[0] += 1
            self.progress.show("extracting", handled[0], total, "pages",
                               force=handled[0] == total)

        def drain(limit: int) -> None:
            while len(pending) > limit:
                jobs, future, generation, done, units = pending.popleft()
                for job, outcome in zip(jobs, self._result(future, generation, done, units),
                                        strict=True):
                    self._outcome(job, outcome)
                    tick()

        if not todo:
            return
        self.progress.start()
        jobs: list[_Job] = []
        units: list[tuple[Any, ...]] = []
        for cap in sorted(todo.values(), key=lambda c: (self._rank[c.file], c.offset)):
            facts = self.facts.get(cap.record_id)
            parts = self.parts_for(cap, cap.url, facts)
            meta = dict(facts.meta) if facts is not None else {}
            if facts is None and self.topic_filter.get(cap.file):
                # as the spider puts it in every page's meta
                meta["match"] = self.topic_filter[cap.file]
            jobs.append(_Job(
                url=cap.url,
                file=cap.file,
                pointer=self._pointer(cap),
                meta=meta,
                parts=[PagePart(p.url, "", p.warc, p.status) for p in parts],
                metadata_record_id=facts.metadata_record_id if facts is not None else None,
            ))
            units.append((str(self.files[cap.file]), cap.offset, cap.url, self.site,
                          [(p.url, p.html) for p in parts if p.status == "ok"]))
            if len(units) >= (BATCH if self.jobs > 1 else 1):
                pending.append((jobs, *self._submit(units), units))
                jobs, units = [], []
                drain(window)
        if units:
            pending.append((jobs, *self._submit(units), units))
        drain(0)

    def _outcome(self, job: _Job, outcome: Outcome) -> None:
        """Count what a worker found and hand an extracted page to :meth:`_finish`."""
        kind, url, result = outcome
        if kind == "error":
            self._error(url, str(result))
        elif kind == "not_html":
            self.summary.skipped_not_html += 1
        else:
            assert isinstance(result, ExtractionResult)
            self.summary.html_pages += 1
            job.url = url
            self._finish(job, result)

    def _finish(self, job: _Job, result: ExtractionResult) -> None:
        """Write the text file and the row of one extracted page (parent process, in order)."""
        from archive.store.articles import (
            article_row,
            matches_topic,
            write_sidecar,
            write_text_file,
        )
        from archive.store.paths import text_relpath
        from archive.warc.writer import sha1_digest

        if result.article is None:
            if result.reason.startswith("error"):
                self._error(job.url, result.reason)
            else:
                self.summary.not_articles += 1
            return
        item = PageItem(url=job.url, html="", warc=job.pointer, meta=job.meta, parts=job.parts)
        item.article = result.article
        article = result.article
        words = self.match or item.meta.get("match") or self.topic_filter.get(job.file)
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
        relpath = text_relpath(article["canonical_url"] or item.url, article.get("title"),
                               suffix=f".v{version}" if version > 1 else "")
        write_text_file(self.out, str(relpath), article["text"])
        row = article_row(item, str(relpath))
        if previous is not None:
            row["version"] = version
            row["previous_version"] = {"text_path": previous[1], "text_digest": previous[2]}
        write_sidecar(self.out, str(relpath), row)
        self.versions[item.url] = (version, str(relpath), text_digest)
        if job.metadata_record_id:
            row["metadata_record_id"] = job.metadata_record_id
        assert self._jsonl is not None
        self._jsonl.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.summary.articles += 1

    def _error(self, url: str, reason: str) -> None:
        self.summary.errors += 1
        self._reported += 1
        if self._reported <= MAX_REPORTED_ERRORS:
            log.warning("%s: %s", url, reason)
        elif self._reported == MAX_REPORTED_ERRORS + 1:
            log.warning("more errors: only counted from now on")


def replay(
    files: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    jobs: int | None = None,
    progress: bool = False,
    overwrite: bool = False,
    match: list[str] | None = None,
    site: str | None = None,
) -> Summary:
    """Replay ``files`` into ``out``; see the module docstring. Returns the counts."""
    return Replay(files, out, jobs=jobs, progress=progress, match=match, site=site).run(
        overwrite=overwrite
    )


# -- command line -------------------------------------------------------------------------------


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``python -m archive replay``."""
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="WARC/ARC files (.warc.gz, .warc, .arc.gz, .arc), WACZ packages, "
                             "or directories holding them")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="output root: text/ and articles.jsonl are written here")
    parser.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                        help="extraction processes (default: one per core; 1: no pool)")
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar (it is only drawn when stderr is a terminal)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace DIR/articles.jsonl if it exists")
    parser.add_argument("--match", metavar="WORDS",
                        help="comma-separated words: only articles whose title or text holds "
                             "one get outputs (default: the crawl's own filter, if any)")
    parser.add_argument("--site", help="use this site's rules for every page "
                        "(default: chosen by each URL's host, as in a crawl)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def index_corpus(out: Path) -> None:
    """Bring the output's corpus index up to date (archive.store.corpus); a warning if it cannot."""
    from archive.store.corpus import Corpus, CorpusError

    try:
        with Corpus(out) as corpus:
            corpus.sync()
    except (CorpusError, OSError, sqlite3.Error) as exc:
        print(f"replay: the corpus index was not updated: {exc}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Replay; exit 0, or 1 when some record could not be parsed or extracted or a file was
    damaged (its complete records are replayed all the same), 2 when no WARC file can be
    read or the output exists."""
    logging.basicConfig(level=logging.WARNING, format="replay: %(message)s")
    from sites.urls import split_arg

    missing = [f for f in args.files if not os.path.exists(f)]
    if missing:
        print(f"replay: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    progress = sys.stderr.isatty() and not args.no_progress
    try:
        runner = Replay(args.files, args.out, jobs=args.jobs, progress=progress,
                        match=split_arg(args.match) if args.match else None, site=args.site)
    except (OSError, ValueError) as exc:  # a WACZ package that cannot be read
        print(f"replay: {exc}", file=sys.stderr)
        return 2
    if not runner.files:
        print("replay: no WARC files found", file=sys.stderr)
        return 2
    try:
        summary = runner.run(overwrite=args.overwrite)
    except FileExistsError as exc:
        print(f"replay: {exc}", file=sys.stderr)
        return 2
    index_corpus(Path(args.out))
    if args.json:
        print(json.dumps(summary.to_dict(), indent=2))
    else:
        print(summary.format())
    return 1 if summary.errors or summary.problems else 0
