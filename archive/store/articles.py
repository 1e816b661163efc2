"""The text outputs' files, shared by the text pipeline (:mod:`pipelines.crawl.textoutput`) and
``archive replay``: an article's ``articles.jsonl`` row, the topic filter, atomic text files
and their ``.json`` sidecars, whole-line appends and the repair of a cut last line.

No Scrapy here: ``archive replay`` imports this module, and importing Scrapy costs its parent
process ~0.2 s before the first page (docs/benchmarks.md).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipelines.extract.items import PageItem


def article_row(item: PageItem, text_path: str) -> dict[str, Any]:
    """The ``articles.jsonl`` row of an extracted page item."""
    assert item.article is not None
    row = dict(item.article)
    row["fetched_at"] = (item.warc or {}).get("warc_date")
    row["text_path"] = text_path
    row["warc"] = item.warc
    if item.meta:
        row["meta"] = item.meta
    if item.parts:
        row["parts"] = [
            {"url": p.url, "status": p.status, "warc": p.warc} for p in item.parts
        ]
    return row


def matches_topic(article: dict[str, Any], words: list[str]) -> bool:
    """Does the title or text contain one of ``words`` (case-insensitive, NFKC)?"""
    import unicodedata

    haystack = unicodedata.normalize(
        "NFKC", f"{article.get('title') or ''}\n{article.get('text') or ''}"
    ).casefold()
    return any(unicodedata.normalize("NFKC", w).casefold() in haystack for w in words if w)


def write_text_file(root: Path, relpath: str, text: str) -> None:
    """Write ``text`` to ``root/relpath`` atomically (temporary name, then rename)."""
    _write_atomically(root / relpath, text + "\n")


def _write_atomically(path: Path, data: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    try:
        tmp.write_text(data, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk leaves no half-written temporary file
        raise


#: what a text file's ``.json`` sidecar says of it (all reproduced by a replay of the WARCs)
SIDECAR_FIELDS = ("title", "url", "canonical_url", "published", "author", "site", "language",
                  "word_count", "version", "fetched_at", "text_path")
SIDECAR_POINTER = ("filename", "offset", "length", "record_id", "payload_digest", "warc_date")


def sidecar(row: dict[str, Any]) -> dict[str, Any]:
    """The sidecar of an article row: who, what, when, and the record the text came from."""
    data = {name: row.get(name) for name in SIDECAR_FIELDS}
    data["version"] = data["version"] or 1
    warc = row.get("warc") or {}
    data["archived"] = {name: warc.get(name) for name in SIDECAR_POINTER}
    data["format"] = "newsarchive text sidecar 1"
    return data


def write_sidecar(root: Path, relpath: str, row: dict[str, Any]) -> str:
    """Write ``<text file>.json`` beside ``root/relpath`` (see :func:`sidecar`); returns its
    path relative to ``root``."""
    path = (root / relpath).with_suffix(".json")
    _write_atomically(path, json.dumps(sidecar(row), ensure_ascii=False, indent=1,
                                       sort_keys=True) + "\n")
    return str(Path(relpath).with_suffix(".json"))


def repair_jsonl_tail(path: Path) -> int:
    """Cut a trailing partial line off ``path`` (a row whose write was interrupted: the process
    was killed, or the disk filled up); return how many bytes were cut."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return 0
    if size == 0:
        return 0
    with open(path, "rb+") as fh:
        fh.seek(size - 1)
        if fh.read(1) == b"\n":
            return 0
        keep, pos = 0, size
        while pos > 0:
            start = max(0, pos - 65536)
            fh.seek(start)
            newline = fh.read(pos - start).rfind(b"\n")
            if newline != -1:
                keep = start + newline + 1
                break
            pos = start
        fh.truncate(keep)
        fh.flush()
        os.fsync(fh.fileno())
    return size - keep


def append_line(fd: int, data: bytes) -> int:
    """Append ``data`` (one line) to the ``O_APPEND`` file ``fd`` whole, or not at all: a write
    that fails half way (full disk) is cut off again before the error is raised. Returns the
    offset the line starts at."""
    start = os.lseek(fd, 0, os.SEEK_END)
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view):]
    except BaseException:
        try:
            os.ftruncate(fd, start)
        except OSError:
            pass  # the next crawl cuts the partial line (repair_jsonl_tail)
        raise
    return start
