"""``python -m archive export-wacz FILES… -o out.wacz``: package WARCs as a WACZ 1.1.1 file.

More: docs/modules.md, ``archive/warc/wacz.py``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from archive import __version__
from archive.warc.indexer import CDXJIndexer
from archive.warc.inputs import paths as input_paths
from archive.warc.reader import Records
from archive.warc.zipnum import compress_index

log = logging.getLogger(__name__)

WACZ_VERSION = "1.1.1"
PAGES_PATH = "pages/pages.jsonl"
INDEX_PATH = "indexes/index.cdx.gz"
IDX_PATH = "indexes/index.idx"
_COPY = 1024 * 1024
_BAD_NAME = re.compile(r"[^a-z0-9._/-]+")


@dataclass
class WaczSummary:
    """What went into one package."""

    output: str
    warcs: int = 0
    index_lines: int = 0
    pages: int = 0
    titled_from_articles: int = 0
    bytes: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class _Page:
    record_id: str
    url: str
    ts: str
    title: str | None
    text: str | None = None


class ReplayIndexer(CDXJIndexer):
    """The default index, less ``metadata`` records whose target URI is a web page's URL."""

    def wants(self, record: Any) -> bool:
        if record.rec_type == "metadata":
            target = (record.rec_headers.get_header("WARC-Target-URI") or "").lower()
            if target.startswith(("http:", "https:")):
                return False
        return super().wants(record)


class _Hashing:
    """A write-only stream wrapper that hashes and counts what goes through it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.raw.write(data)


def resource_name(path: str, taken: set[str]) -> str:
    """A Frictionless resource name for a path: its base name, lower-case, characters outside
    ``[a-z0-9._/-]`` replaced by ``-``, made unique with a ``-<n>`` suffix."""
    base = _BAD_NAME.sub("-", os.path.basename(path).lower()).strip("-") or "resource"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name)
    return name


def _rfc3339(warc_date: str) -> str:
    """A WARC-Date as RFC 3339 (they already are: ``2024-05-01T12:00:00Z``, fractions kept)."""
    return warc_date.strip()


def _from_articles(paths: Iterable[Path]) -> tuple[dict[str, str], dict[str, str]]:
    """Article titles and texts by the record id of their response, from ``articles.jsonl``
    files (the first row for a record wins)."""
    titles: dict[str, str] = {}
    texts: dict[str, str] = {}
    for path in paths:
        try:
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    try:
                        row = json.loads(line)
                    except ValueError:
                        continue
                    warc = row.get("warc") if isinstance(row, dict) else None
                    if not isinstance(warc, dict) or not warc.get("record_id"):
                        continue
                    if row.get("title"):
                        titles.setdefault(warc["record_id"], str(row["title"]))
                    if isinstance(row.get("text"), str) and row["text"].strip():
                        texts.setdefault(warc["record_id"], row["text"])
        except OSError as exc:
            log.warning("%s: %s", path, exc.strerror or exc)
    return titles, texts


def _beside(files: list[Path]) -> list[Path]:
    """``articles.jsonl`` files of crawl outputs whose ``warc/`` directory holds some ``files``."""
    found: dict[Path, None] = {}
    for path in files:
        parent = path.resolve().parent
        if parent.name == "warc" and (parent.parent / "articles.jsonl").is_file():
            found.setdefault(parent.parent / "articles.jsonl", None)
    return list(found)


#: what the caller tells of a response record: (page URL, title) of an HTML page, else None
PageReader = Callable[[Any], "tuple[str, str | None] | None"]


def _status(record: Any) -> int | None:
    try:
        return int(record.http_headers.get_statuscode())
    except (AttributeError, TypeError, ValueError):
        return None


def collect_pages(files: list[Path], read_page: PageReader, articles: Iterable[Path] = (),
                  problems: list[str] | None = None) -> tuple[list[_Page], int]:
    """The page list: one entry per HTML ``200`` response (``read_page`` decides, and gives
    its URL and ``<title>``: decoding a page is the crawler's business, not this library's);
    and how many titles came from the crawl (metadata records or ``articles.jsonl``)."""
    titles, texts = _from_articles(articles)
    pages: list[_Page] = []
    for path in files:
        records = Records(path)
        for _offset, _length, record in records:
            headers = record.rec_headers
            if record.rec_type == "metadata":
                _metadata_title(record, titles)
                continue
            if record.rec_type != "response" or _status(record) != 200:
                continue
            try:
                page = read_page(record)
            except Exception as exc:  # noqa: BLE001 - an unparsable record is not a page
                log.warning("%s: %s: %s", path.name, headers.get_header("WARC-Target-URI"), exc)
                continue
            if page is None:
                continue
            pages.append(_Page(
                record_id=headers.get_header("WARC-Record-ID") or "",
                url=page[0],
                ts=_rfc3339(headers.get_header("WARC-Date") or ""),
                title=page[1],
            ))
        if records.problem and problems is not None:
            problems.append(f"{path.name}: {records.problem}")
    from_crawl = 0
    for page in pages:
        if page.record_id in titles:
            page.title = titles[page.record_id]
            from_crawl += 1
        page.text = texts.get(page.record_id)
    return pages, from_crawl


def _metadata_title(record: Any, titles: dict[str, str]) -> None:
    headers = record.rec_headers
    refers = headers.get_header("WARC-Refers-To")
    ctype = (headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if not refers or ctype != "application/json":
        return
    try:
        data = json.loads(record.raw_stream.read(4 * 1024 * 1024))
    except ValueError:
        return
    if isinstance(data, dict) and data.get("title"):
        titles.setdefault(refers, str(data["title"]))


def _page_lines(pages: list[_Page]) -> bytes:
    header: dict[str, Any] = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
    if any(page.text for page in pages):
        header["hasText"] = True
    lines = [json.dumps(header)]
    for page in pages:
        entry: dict[str, Any] = {
            "id": hashlib.sha1(page.record_id.encode("utf-8")).hexdigest()[:20],
            "url": page.url,
            "ts": page.ts,
        }
        if page.title:
            entry["title"] = page.title
        if page.text:
            entry["text"] = page.text
        lines.append(json.dumps(entry, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


def export_wacz(
    files: Iterable[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    *,
    title: str | None = None,
    description: str | None = None,
    articles: Iterable[str | os.PathLike[str]] = (),
    read_page: PageReader,
) -> WaczSummary:
    """Write the WACZ package of ``files`` to ``output``; see the module docstring.
    ``read_page``: see :func:`collect_pages`."""
    warcs = input_paths(files)
    if not warcs:
        raise ValueError("no WARC files given")
    names: dict[str, Path] = {}
    for path in warcs:
        if path.name in names:
            raise ValueError(f"two WARCs named {path.name}: {names[path.name]} and {path}")
        names[path.name] = path
    out = Path(output)
    summary = WaczSummary(output=str(out), warcs=len(warcs))

    indexer = ReplayIndexer()
    lines = indexer.index(warcs)
    index, idx = compress_index(lines, os.path.basename(INDEX_PATH))
    summary.index_lines = len(lines)
    for name, (problem, count) in indexer.problems.items():
        # an empty file, garbage, a truncated or damaged WARC: not packaged (a package is for
        # others to replay; repair the file first)
        hint = (" (`python -m archive check --repair` keeps its complete records)"
                if count else "")
        raise ValueError(f"{name}: {problem}; not packaged{hint}")
    article_files = [Path(a) for a in articles] + _beside(warcs)
    pages, from_crawl = collect_pages(warcs, read_page, article_files)
    summary.pages, summary.titled_from_articles = len(pages), from_crawl
    pages_bytes = _page_lines(pages)

    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    stamp = time.gmtime()[:6]
    resources: list[dict[str, Any]] = []
    taken: set[str] = set()
    tmp = out.with_name(f".{out.name}.tmp{os.getpid()}")
    try:
        with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:
            for path in warcs:
                arcname = f"archive/{path.name}"
                info = zipfile.ZipInfo(arcname, date_time=stamp)
                info.compress_type = zipfile.ZIP_STORED
                size = path.stat().st_size
                with open(path, "rb") as src, zf.open(info, "w",
                                                      force_zip64=size > 2**31 - 1) as dst:
                    hashing = _Hashing(dst)
                    shutil.copyfileobj(src, hashing, _COPY)
                resources.append({"name": resource_name(arcname, taken), "path": arcname,
                                  "hash": "sha256:" + hashing.sha256.hexdigest(),
                                  "bytes": hashing.size})
            # the compressed index stored, like the WARCs (read by range requests)
            for arcname, data, method in ((INDEX_PATH, index, zipfile.ZIP_STORED),
                                          (IDX_PATH, idx, zipfile.ZIP_DEFLATED),
                                          (PAGES_PATH, pages_bytes, zipfile.ZIP_DEFLATED)):
                _write_small(zf, arcname, data, stamp, method)
                resources.append({"name": resource_name(arcname, taken), "path": arcname,
                                  "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                                  "bytes": len(data)})
            package: dict[str, Any] = {
                "profile": "data-package",
                "wacz_version": WACZ_VERSION,
                "title": title or "newsarchive export",
                "created": created,
                "software": f"newsarchive {__version__}",
                "resources": resources,
            }
            if description:
                package["description"] = description
            package_bytes = json.dumps(package, indent=2, ensure_ascii=False).encode("utf-8")
            _write_small(zf, "datapackage.json", package_bytes, stamp)
            digest = {"path": "datapackage.json",
                      "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest()}
            _write_small(zf, "datapackage-digest.json",
                         json.dumps(digest, indent=2).encode("utf-8"), stamp)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    summary.bytes = out.stat().st_size
    return summary


def _write_small(zf: zipfile.ZipFile, arcname: str, data: bytes, stamp: tuple[int, ...],
                 method: int = zipfile.ZIP_DEFLATED) -> None:
    info = zipfile.ZipInfo(arcname, date_time=stamp)  # type: ignore[arg-type]
    info.compress_type = method
    zf.writestr(info, data)
