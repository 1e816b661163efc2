"""Durable crawl state: one SQLite database in the output root (``state.sqlite3``).

For every URL fetched into this output root it keeps what an incremental run needs: when it
was last fetched, the status, the validators (ETag, Last-Modified), the payload digest, the
WARC record that holds the latest full capture, whether the page has been processed by the
pipelines, whether it was an article, and the text written for it (path, digest, version).
A second table remembers every (URL, payload digest) ever archived as a full response, so a
later identical payload becomes a ``revisit`` record pointing at the original. A third table
lists crawl runs, so the next run can tell pages archived by a run that died before it
finished.

More: docs/modules.md, ``archive/store/state.py``.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from archive.store.statebackend import UrlState

__all__ = ["CrawlState", "UrlState"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY,
    last_fetch REAL NOT NULL,
    status INTEGER NOT NULL,
    etag TEXT,
    last_modified TEXT,
    payload_digest TEXT,
    filename TEXT,
    offset INTEGER,
    length INTEGER,
    record_id TEXT,
    warc_date TEXT,
    html INTEGER NOT NULL DEFAULT 0,
    -- 0: not yet processed, 1: done (text and row written), 2: outputs failed, to redo,
    -- 3: a further page of an article to redo
    processed INTEGER NOT NULL DEFAULT 0,
    is_article INTEGER,
    text_path TEXT,
    text_digest TEXT,
    version INTEGER NOT NULL DEFAULT 0,
    run_id INTEGER
);
CREATE TABLE IF NOT EXISTS digests (
    url TEXT NOT NULL,
    payload_digest TEXT NOT NULL,
    record_id TEXT NOT NULL,
    filename TEXT NOT NULL,
    offset INTEGER NOT NULL,
    warc_date TEXT NOT NULL,
    PRIMARY KEY (url, payload_digest)
);
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT,
    spider TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started REAL NOT NULL,
    finished REAL,
    finish_reason TEXT
);
"""


class CrawlState:
    """The state database of one output root; see the module docstring. A back end of
    :class:`archive.store.statebackend.CrawlStateBackend` (the default one)."""

    FILENAME = "state.sqlite3"

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.path = Path(root) / self.FILENAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        """Close the connection (committed data is already on disk)."""
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Writes made inside (from this thread) are committed together, in one commit, when
        the block ends (rolled back if it raises). Other threads' calls wait meanwhile: keep
        the block short (the writes only, nothing slow)."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    # -- runs ------------------------------------------------------------------------------

    def start_run(self, spider: str) -> int:
        """Register a crawl run; returns its id."""
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO runs (spider, pid, started) VALUES (?, ?, ?)",
                (spider, os.getpid(), time.time()),
            )
            return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, reason: str) -> None:
        """Mark a run finished (any reason: a run that did not die)."""
        with self._lock:
            self._db.execute(
                "UPDATE runs SET finished = ?, finish_reason = ? WHERE run_id = ?",
                (time.time(), reason, run_id),
            )

    def unfinished_runs(self) -> list[int]:
        """Ids of runs that did not finish their work: their process died (never marked
        finished), or they stopped early for any reason but ``finished`` (a full disk, see
        :mod:`crawler.outputerrors`; ``max_pages`` or another CloseSpider; a shutdown). Any of
        them may have archived pages it never processed."""
        with self._lock:
            rows = self._db.execute(
                "SELECT run_id FROM runs WHERE finished IS NULL "
                "OR finish_reason IS NOT 'finished'"
            ).fetchall()
        return [r[0] for r in rows]

    # -- urls ------------------------------------------------------------------------------

    def get(self, url: str) -> UrlState | None:
        """The state of ``url``, or None if it was never fetched into this root."""
        with self._lock:
            cur = self._db.execute("SELECT * FROM urls WHERE url = ?", (url,))
            row = cur.fetchone()
        return UrlState(*row) if row else None

    def record_fetch(
        self,
        url: str,
        *,
        status: int,
        etag: str | None,
        last_modified: str | None,
        pointer: dict[str, Any] | None,
        html: bool,
        run_id: int | None,
        full_capture: bool = True,
    ) -> None:
        """Store a fetch. A full capture (a ``response`` record) replaces the stored record
        pointer and digest and resets ``processed``; a revisit only updates times/validators."""
        now = time.time()
        with self._lock:
            if full_capture and pointer is not None:
                self._db.execute(
                    """INSERT INTO urls (url, last_fetch, status, etag, last_modified,
                           payload_digest, filename, offset, length, record_id, warc_date,
                           html, processed, run_id)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT(url) DO UPDATE SET last_fetch = excluded.last_fetch,
                           status = excluded.status, etag = excluded.etag,
                           last_modified = excluded.last_modified,
                           payload_digest = excluded.payload_digest,
                           filename = excluded.filename, offset = excluded.offset,
                           length = excluded.length, record_id = excluded.record_id,
                           warc_date = excluded.warc_date, html = excluded.html,
                           processed = excluded.processed, run_id = excluded.run_id""",
                    (url, now, status, etag, last_modified, pointer.get("payload_digest"),
                     pointer["filename"], pointer["offset"], pointer["length"],
                     pointer["record_id"], pointer["warc_date"], int(html),
                     0 if html else 1, run_id),
                )
                if status == 200 and pointer.get("payload_digest"):
                    self._db.execute(
                        """INSERT OR IGNORE INTO digests (url, payload_digest, record_id,
                               filename, offset, warc_date) VALUES (?, ?, ?, ?, ?, ?)""",
                        (url, pointer["payload_digest"], pointer["record_id"],
                         pointer["filename"], pointer["offset"], pointer["warc_date"]),
                    )
            else:
                self._db.execute(
                    """UPDATE urls SET last_fetch = ?,
                           etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified)
                       WHERE url = ?""",
                    (now, etag, last_modified, url),
                )

    def original_for(self, url: str, payload_digest: str) -> dict[str, Any] | None:
        """The first full capture of ``url`` with this payload digest, if any."""
        with self._lock:
            row = self._db.execute(
                """SELECT record_id, filename, offset, warc_date FROM digests
                   WHERE url = ? AND payload_digest = ?""",
                (url, payload_digest),
            ).fetchone()
        if not row:
            return None
        return {"record_id": row[0], "filename": row[1], "offset": row[2], "warc_date": row[3],
                "url": url, "payload_digest": payload_digest}

    def mark_processed(
        self,
        url: str,
        *,
        is_article: bool,
        text_path: str | None = None,
        text_digest: str | None = None,
        version: int | None = None,
    ) -> None:
        """The pipelines are done with the latest capture of ``url``."""
        with self._lock:
            self._db.execute(
                """UPDATE urls SET processed = 1, is_article = ?,
                       text_path = COALESCE(?, text_path),
                       text_digest = COALESCE(?, text_digest),
                       version = COALESCE(?, version)
                   WHERE url = ?""",
                (int(is_article), text_path, text_digest, version, url),
            )

    def mark_output_failed(self, url: str, parts: list[str] | None = None) -> None:
        """The outputs of ``url``'s latest capture could not be written (permission, I/O):
        ``processed = 2``, so the next crawl redoes the page from its archived record
        (:meth:`pending_outputs`, :mod:`crawler.middlewares.incremental`); the further pages
        of its multi-page article (``parts``) get ``processed = 3``: served from the archive
        when the redone page asks for them, never redone on their own."""
        with self._lock:
            self._db.execute("UPDATE urls SET processed = 2 WHERE url = ?", (url,))
            self._db.executemany("UPDATE urls SET processed = 3 WHERE url = ?",
                                 [(part,) for part in parts or ()])

    def pending_outputs(self, spider: str | None = None) -> list[str]:
        """URLs whose outputs failed (``processed = 2``), oldest first; with ``spider``, only
        those fetched by that spider's runs."""
        query = "SELECT url FROM urls WHERE processed = 2"
        args: tuple[Any, ...] = ()
        if spider is not None:
            query += " AND run_id IN (SELECT run_id FROM runs WHERE spider = ?)"
            args = (spider,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY last_fetch", args).fetchall()
        return [r[0] for r in rows]

    def counts(self) -> dict[str, int]:
        """Summary numbers: urls, articles, unprocessed HTML pages."""
        with self._lock:
            urls = self._db.execute("SELECT COUNT(*) FROM urls").fetchone()[0]
            articles = self._db.execute(
                "SELECT COUNT(*) FROM urls WHERE is_article = 1").fetchone()[0]
            pending = self._db.execute(
                "SELECT COUNT(*) FROM urls WHERE html = 1 AND processed = 0 AND status = 200"
            ).fetchone()[0]
        return {"urls": urls, "articles": articles, "unprocessed": pending}
