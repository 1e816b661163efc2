"""What a crawl does when its outputs cannot be written (the disk is full).

Every writer of the output root (WARC files, the crawl state database, ``articles.jsonl`` and
the text files) reports a failed write here. A failure that means the output is out of space
(``ENOSPC``, ``EFBIG`` - the file size limit -, ``EDQUOT``, SQLite's "database or disk is full"
or its "disk I/O error" on a write) stops the crawl at once with finish reason ``disk_full``
and one CRITICAL log line: fetching more pages that cannot be archived would only lose them.
What was written before stays intact: the WARC writer cuts a record it could not finish,
``articles.jsonl`` rows are written whole or not at all, and text files are renamed into
place only when complete.

Stats: ``output/write_errors``, ``output/disk_full``.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
from typing import Any

from crawler.extensions.runreport import note_failure

logger = logging.getLogger(__name__)

SPACE_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})
#: finish reason of a crawl stopped because its outputs could not be written
DISK_FULL = "disk_full"
_STOPPING = "_newsarchive_stopping_for_disk_full"


def is_space_error(exc: BaseException) -> bool:
    """Does ``exc`` mean the output has no room left?"""
    if isinstance(exc, OSError):
        return exc.errno in SPACE_ERRNOS
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        return "disk is full" in text or "disk i/o error" in text
    return False


def output_failed(crawler: Any, exc: BaseException, what: str, url: str | None = None) -> None:
    """Count a failed output write (of ``url``'s outputs, when given: the run report lists
    it); stop the crawl (once) when the disk is full."""
    stats = getattr(crawler, "stats", None)
    if stats is not None:
        stats.inc_value("output/write_errors")
    if url is not None:

        note_failure(crawler, url, "write", f"{type(exc).__name__}: {exc}")
    if not is_space_error(exc):
        logger.error("%s: write failed: %s", what, exc)
        return
    if stats is not None:
        stats.inc_value("output/disk_full")
    if getattr(crawler, _STOPPING, False):
        logger.debug("%s: write failed (disk full, already stopping): %s", what, exc)
        return
    setattr(crawler, _STOPPING, True)
    logger.critical("output disk is full (%s: %s): stopping the crawl; what was already "
                    "written is intact", what, exc)
    engine = getattr(crawler, "engine", None)
    if engine is None or getattr(engine, "spider", None) is None:
        return
    from scrapy.utils.defer import deferred_from_coro

    deferred_from_coro(engine.close_spider_async(reason=DISK_FULL))
