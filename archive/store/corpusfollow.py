"""Index article files while they are written: the corpus index without a serial tail.

A :class:`CorpusFollower` runs the corpus index's incremental sync in a thread every
``interval`` seconds while a file grows, and once more at :meth:`~CorpusFollower.finish`.
``hold=False`` (a crawl) commits each round; ``hold=True`` (a replay, whose ``articles.jsonl``
is written under a temporary name) keeps one transaction, committed after the rename and
rolled back if the replay fails: the index never holds a row of a file that was not kept.
An error in the thread is raised by ``finish``. Why and how: docs/modules.md.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from archive.store.corpus import Corpus, SyncResult

#: seconds between two syncs of a growing file
INTERVAL = 2.0


class CorpusFollower:
    """Keep ``root``'s corpus index up to date with ``path`` (or every article file) in a
    thread; see the module docstring."""

    def __init__(self, root: str | os.PathLike[str], path: str | os.PathLike[str] | None = None,
                 *, name: str | None = None, hold: bool = False,
                 interval: float | None = None) -> None:
        self.root = Path(root)
        #: the one file followed (None: every ``articles*.jsonl`` of the root)
        self.path = None if path is None else Path(path)
        #: its name in the index (the name it will have)
        self.name = name
        self.hold = hold
        self.interval = INTERVAL if interval is None else interval
        self.result = SyncResult()
        self.error: BaseException | None = None
        self._corpus: Corpus | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> CorpusFollower:
        """Start the thread. The index is opened (created) once there is a file to read."""
        self._thread = threading.Thread(target=self._run, name="corpus-follower", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self._once()
            except BaseException as exc:  # noqa: BLE001 - kept, raised by finish()
                self.error = exc
                return

    def _once(self) -> None:
        if self.path is None:
            if self._corpus is None and not any(self.root.glob("articles*.jsonl")):
                return
            self._add(self._open().sync())
        elif self.path.exists():
            self._open().sync_file(self.path, name=self.name, result=self.result,
                                   commit=not self.hold)

    def _open(self) -> Corpus:
        if self._corpus is None:
            self._corpus = Corpus(self.root)
        return self._corpus

    def _add(self, result: SyncResult) -> None:
        self.result.files = max(self.result.files, result.files)
        self.result.added += result.added
        self.result.skipped += result.skipped
        self.result.bad_lines += result.bad_lines

    def _join(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def finish(self, path: str | os.PathLike[str] | None = None) -> SyncResult:
        """Stop the thread, index what is left and commit; returns what was indexed in all.

        ``path``: where the followed file is now (a held file renamed into place)."""
        self._join()
        try:
            if self.error is not None:
                raise self.error
            if path is not None:
                self.path = Path(path)
            self._once()
            if self._corpus is not None:
                self._corpus.commit()
            return self.result
        except BaseException:
            if self._corpus is not None:
                self._corpus.rollback()
            raise
        finally:
            if self._corpus is not None:
                self._corpus.close()
                self._corpus = None

    def abandon(self) -> None:
        """Stop the thread and drop what a held transaction indexed (the file was not kept)."""
        self._join()
        if self._corpus is not None:
            try:
                self._corpus.rollback()
                self._corpus.close()
            except sqlite3.Error:
                pass  # (called on a failure path: that failure is the one to report)
            self._corpus = None
