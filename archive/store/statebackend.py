"""The crawl-state interface: what every back end of the crawl state offers.

:class:`CrawlStateBackend` is the one interface the crawler (incremental and capture
middlewares, text pipeline, run bookkeeping) uses; :class:`UrlState` is what ``get`` returns.
Back ends: :class:`archive.store.state.CrawlState` (SQLite, one per output root) and
:class:`archive.store.redisstate.RedisCrawlState` (Redis, shared by the workers of a shared
frontier). The crawler picks one with the setting ``CRAWLSTATE_BACKEND`` (a class path, loaded
with Scrapy's ``load_object``; see :mod:`crawler.outputs`). ``tests/test_statebackend.py`` runs
every back end through the same contract tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable


@dataclass
class UrlState:
    """The state of one URL (one row of the SQLite ``urls`` table)."""

    url: str
    last_fetch: float
    status: int
    etag: str | None
    last_modified: str | None
    payload_digest: str | None
    filename: str | None
    offset: int | None
    length: int | None
    record_id: str | None
    warc_date: str | None
    html: int
    processed: int
    is_article: int | None
    text_path: str | None
    text_digest: str | None
    version: int
    run_id: int | None

    def pointer(self) -> dict[str, Any] | None:
        """The record pointer of the latest full capture (as in articles.jsonl), if any."""
        if not self.record_id or self.filename is None:
            return None
        return {
            "filename": self.filename,
            "offset": self.offset,
            "length": self.length,
            "record_id": self.record_id,
            "warc_type": "response",
            "target_uri": self.url,
            "warc_date": self.warc_date,
            "payload_digest": self.payload_digest,
        }


@runtime_checkable
class CrawlStateBackend(Protocol):
    """Per-URL fetch state, payload digests for revisits and the crawl runs of an archive."""

    def close(self) -> None:
        """Release the back end (what was written is kept)."""

    def start_run(self, spider: str) -> int:
        """Register a crawl run; returns its id."""

    def finish_run(self, run_id: int, reason: str) -> None:
        """Mark a run finished (any reason: a run that did not die)."""

    def unfinished_runs(self) -> list[int]:
        """Ids of runs whose process died before finishing them (the SQLite back end also
        lists runs that stopped early, finish reason not ``finished``): their pages may be
        unprocessed."""

    def get(self, url: str) -> UrlState | None:
        """The state of ``url``, or None if it was never fetched."""

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
        """Store a fetch: a full capture replaces pointer and digest and resets ``processed``;
        a revisit only updates the fetch time and the validators."""

    def original_for(self, url: str, payload_digest: str) -> dict[str, Any] | None:
        """The first full capture of ``url`` with this payload digest, if any."""

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

    def mark_output_failed(self, url: str, parts: list[str] | None = None) -> None:
        """The outputs of ``url`` could not be written: redo it (its further pages ``parts``
        are served from the archive when it asks for them)."""

    def pending_outputs(self, spider: str | None = None) -> list[str]:
        """URLs whose outputs failed, to redo, oldest first."""

    def counts(self) -> dict[str, int]:
        """Summary numbers: ``urls``, ``articles``, ``unprocessed`` HTML pages."""


def missing_methods(backend: type) -> list[str]:
    """The methods of :class:`CrawlStateBackend` that the class ``backend`` lacks."""
    wanted = [name for name, value in vars(CrawlStateBackend).items()
              if callable(value) and not name.startswith("_")]
    return [name for name in wanted if not callable(getattr(backend, name, None))]
