"""The text outputs' files, shared by the text pipeline (:mod:`pipelines.crawl.textoutput`) and
``archive replay``: an article's ``articles.jsonl`` row, the topic filter, atomic text files
and their ``.json`` sidecars, whole-line appends and the repair of a cut last line.

No Scrapy here: ``archive replay`` imports this module, and importing Scrapy costs its parent
process ~0.2 s before the first page (docs/benchmarks.md).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from archive.store.paths import text_relpath, url_hash

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


def text_path_candidates(url: str, canonical_url: str | None, title: str | None,
                         version: int = 1) -> tuple[str, str]:
    """The two names an article's text file may take: ``text_relpath`` of its canonical URL
    (its own URL without one), and the same with the page's own URL's hash added
    (``<hash16>-<slug>.<hash8 of url>.txt``), for a page whose first name holds another
    page's text (see :func:`claim_text_path`). ``version`` > 1 adds ``.v<n>``."""
    suffix = f".v{version}" if version > 1 else ""
    key = canonical_url or url
    return (str(text_relpath(key, title, suffix=suffix)),
            str(text_relpath(key, title, suffix=f".{url_hash(url)[:8]}{suffix}")))


def claim_text_path(root: Path, url: str, candidates: tuple[str, str],
                    recorded: str | None = None, previous: str | None = None) -> str:
    """The name under ``root`` the text of the page at ``url`` is written to: the first of
    ``candidates`` that holds no other page's text, so that one page's text never replaces
    another's. Page 2 of an article often names page 1 as its canonical URL, and has its
    title: the generic spider, which does not stitch pages, would otherwise write both to
    one file. ``recorded`` (the name the crawl gave, from its metadata record) is tried
    first, so that a replay names files as the crawl did, whichever page came first; else a
    page whose ``previous`` version had to take its own name keeps it for this version."""
    if recorded in candidates:
        own_first = recorded == candidates[1]
    else:
        own_first = previous is not None and is_own_name(previous, url)
    order = (candidates[1], candidates[0]) if own_first else candidates
    for relpath in order:
        if not _holds_other_page(root / relpath, url):
            return relpath
    # both hold other pages: only a clash of the 8 hex digits of two URLs' hashes
    return candidates[1]


def is_own_name(text_path: str, url: str) -> bool:
    """Is ``text_path`` the second of :func:`text_path_candidates` of the page at ``url``
    (the canonical URL's name with this page's URL's hash added), of any version?"""
    name = PurePosixPath(text_path).name
    stem = re.sub(r"(\.v\d+)?\.txt$", "", name)
    return stem != name and stem.endswith(f".{url_hash(url)[:8]}")


def _holds_other_page(path: Path, url: str) -> bool:
    """Does ``path`` hold the text of a page other than ``url``, as its sidecar says? A text
    without a sidecar is one whose row was never written (its page is done again): free."""
    try:
        data = json.loads(path.with_suffix(".json").read_text("utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        return path.exists()  # a sidecar that cannot be read: leave its text alone
    return not isinstance(data, dict) or data.get("url") != url


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
