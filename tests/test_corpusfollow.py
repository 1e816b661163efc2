"""archive.store.corpusfollow: the corpus index built while article files are written."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

import pytest

from archive.store.corpus import Corpus
from archive.store.corpusfollow import CorpusFollower
from tests.test_corpus import EN, JA, OLD, row, write_rows


def count(root: Path) -> int:
    """Rows another connection sees (committed ones)."""
    with Corpus(root) as corpus:
        return corpus.count()


def wait_until(predicate, seconds: float = 10.0) -> bool:  # noqa: ANN001 - a callable
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def committed_in_db(root: Path) -> int:
    path = root / "corpus.sqlite3"
    if not path.exists():
        return 0
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # (not created yet)
        return 0
    finally:
        db.close()


def test_a_growing_file_is_indexed_as_it_grows_and_committed_each_round(tmp_path):
    write_rows(tmp_path, [JA])
    follower = CorpusFollower(tmp_path, interval=0.02).start()
    try:
        assert wait_until(lambda: committed_in_db(tmp_path) == 1)
        write_rows(tmp_path, [EN])
        # a torn last line waits for its end
        with (tmp_path / "articles.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(OLD)[:25])
            fh.flush()
            assert wait_until(lambda: committed_in_db(tmp_path) == 2)
            time.sleep(0.1)
            assert committed_in_db(tmp_path) == 2
            fh.write(json.dumps(OLD)[25:] + "\n")
    finally:
        result = follower.finish()
    assert result.added == 3 and result.bad_lines == 0
    with Corpus(tmp_path) as corpus:
        assert corpus.sync().added == 0  # the offsets were kept: nothing read twice
        assert {r["url"] for r in corpus.list()} == {JA["url"], EN["url"], OLD["url"]}


def test_a_held_file_is_indexed_under_its_final_name_and_committed_at_finish(tmp_path):
    tmp = tmp_path / ".articles.jsonl.tmp1"
    write_rows(tmp_path, [JA, EN], name=tmp.name)
    follower = CorpusFollower(tmp_path, tmp, name="articles.jsonl", hold=True,
                              interval=0.02).start()
    assert wait_until(lambda: follower.result.added == 2)
    # nothing is committed yet: other readers see the index as it was, and their own sync
    # gives up at once instead of waiting for the replay
    assert committed_in_db(tmp_path) == 0
    # (a file the reader would index: it needs the index's write lock)
    other = row("https://a.example/other", "Other", "other text", "2020-01-01", site="a")
    write_rows(tmp_path, [other], name="articles-w-1.jsonl")
    with Corpus(tmp_path) as reader:
        started = time.monotonic()
        result = reader.sync(wait=0.1)
        assert result.busy and time.monotonic() - started < 5
    (tmp_path / "articles-w-1.jsonl").unlink()
    write_rows(tmp_path, [OLD], name=tmp.name)
    os.replace(tmp, tmp_path / "articles.jsonl")
    assert follower.finish(tmp_path / "articles.jsonl").added == 3
    assert committed_in_db(tmp_path) == 3
    with Corpus(tmp_path) as corpus:
        # the renamed file is the one indexed: a later sync reads nothing again
        again = corpus.sync()
        assert (again.added, again.skipped, again.busy) == (0, 0, False)
        sources = [r[0] for r in corpus.db.execute("SELECT path FROM sources")]
        assert sources == ["articles.jsonl"]


def test_an_abandoned_held_file_leaves_the_index_as_it_was(tmp_path):
    write_rows(tmp_path, [OLD])
    with Corpus(tmp_path) as corpus:
        assert corpus.sync().added == 1
    tmp = tmp_path / ".articles.jsonl.tmp2"
    write_rows(tmp_path, [JA, EN], name=tmp.name)
    follower = CorpusFollower(tmp_path, tmp, name="articles.jsonl", hold=True,
                              interval=0.02).start()
    assert wait_until(lambda: follower.result.added == 2)
    follower.abandon()
    tmp.unlink()
    with Corpus(tmp_path) as corpus:
        assert corpus.count() == 1
        # the old file is still known for what it is: nothing to read
        assert corpus.sync().added == 0


def test_an_index_that_cannot_be_written_is_an_error_at_finish(tmp_path, monkeypatch):
    write_rows(tmp_path, [JA])
    follower = CorpusFollower(tmp_path, interval=0.02)

    def fail(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - test double
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Corpus, "sync", fail)
    follower.start()
    assert wait_until(lambda: follower.error is not None)
    with pytest.raises(sqlite3.OperationalError, match="disk is full"):
        follower.finish()


def test_versions_indexed_in_any_order_keep_the_newest_as_latest(tmp_path):
    edited = JA["text"] + "\n追記。"
    v2 = row(JA["url"], JA["title"], edited, JA["published"], site="newsweekjapan",
             version=2, previous=JA["text"])
    # a worker's file holds version 2; the main file's version 1 is indexed after it
    write_rows(tmp_path, [v2], name="articles-a-1.jsonl")
    write_rows(tmp_path, [JA], name="articles-z-2.jsonl")
    with Corpus(tmp_path) as corpus:
        assert corpus.sync().added == 2
        assert [(r["version"], r["latest"]) for r in corpus.versions(JA["url"])] == \
            [(1, 0), (2, 1)]
        v3 = row(JA["url"], JA["title"], edited + "再追記。", JA["published"],
                 site="newsweekjapan", version=3, previous=edited)
        write_rows(tmp_path, [v3], name="articles-z-2.jsonl")
        assert corpus.sync().added == 1
        assert [(r["version"], r["latest"]) for r in corpus.versions(JA["url"])] == \
            [(1, 0), (2, 0), (3, 1)]
        assert [r["version"] for r in corpus.list() if r["url"] == JA["url"]] == [3]


# -- in a replay -------------------------------------------------------------------------------


def _warc(tmp_path: Path, pages: int) -> Path:
    from archive.warc.writer import WarcWriter, http_head
    from tests.test_replay import _page

    with WarcWriter(tmp_path / "warc", prefix="follow", hostname="test") as writer:
        for i in range(pages):
            body = _page(f"Story {i}")
            head = http_head("HTTP/1.1 200 OK", [("Content-Type", "text/html"),
                                                 ("Content-Length", str(len(body)))])
            writer.write_exchange(url=f"https://follow.example/{i}.html", response_head=head,
                                  body=body, request_head=http_head(
                                      f"GET /{i}.html HTTP/1.1", [("Host", "follow.example")]))
    [path] = writer.closed_files
    return path


def test_a_replay_indexes_its_rows_while_it_writes_them(tmp_path, monkeypatch):
    """The rows are indexed by the follower (the sync after the replay finds nothing left),
    under articles.jsonl, committed once the file is in place."""
    from archive.cli.replay import replay
    from archive.store import corpusfollow

    monkeypatch.setattr(corpusfollow, "INTERVAL", 0.01)
    finished = []
    real_finish = CorpusFollower.finish

    def finish(self, path=None):  # noqa: ANN001, ANN202 - test double
        # the file is in place when the follower commits
        finished.append((Path(path).name, Path(path).exists(), committed_in_db(tmp_path / "o")))
        return real_finish(self, path)

    monkeypatch.setattr(CorpusFollower, "finish", finish)
    summary = replay([_warc(tmp_path, 12)], tmp_path / "o", jobs=1)
    assert summary.articles == 12
    assert finished == [("articles.jsonl", True, 0)]
    assert committed_in_db(tmp_path / "o") == 12
    with Corpus(tmp_path / "o") as corpus:
        assert corpus.sync().added == 0


def test_a_replay_that_fails_leaves_no_row_in_the_index(tmp_path, monkeypatch):
    from archive.cli.replay import replay
    from archive.cli.replay.articlewriter import ArticleWriter
    from archive.store import corpusfollow

    monkeypatch.setattr(corpusfollow, "INTERVAL", 0.01)
    followers: list[CorpusFollower] = []
    real_start = CorpusFollower.start

    def start(self):  # noqa: ANN001, ANN202 - test double
        followers.append(self)
        return real_start(self)

    monkeypatch.setattr(CorpusFollower, "start", start)
    real_write = ArticleWriter.write
    written = []

    def write(self, page, result):  # noqa: ANN001, ANN202 - test double
        if len(written) == 8:
            self.jsonl.flush()
            # the follower has indexed the rows written so far, in its open transaction
            assert wait_until(lambda: followers[0].result.added == 8)
            raise OSError(28, "No space left on device")
        written.append(page.url)
        return real_write(self, page, result)

    monkeypatch.setattr(ArticleWriter, "write", write)
    with pytest.raises(OSError, match="No space"):
        replay([_warc(tmp_path, 12)], tmp_path / "o", jobs=1)
    assert not (tmp_path / "o" / "articles.jsonl").exists()
    assert committed_in_db(tmp_path / "o") == 0


def test_a_reading_command_answers_from_the_index_while_another_writer_holds_it(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    write_rows(tmp_path, [JA])
    with Corpus(tmp_path) as corpus:
        corpus.sync()
    write_rows(tmp_path, [EN])  # not indexed yet: the command's sync needs the write lock
    held = sqlite3.connect(tmp_path / "corpus.sqlite3")
    held.execute("BEGIN IMMEDIATE")  # as a replay indexing its rows holds it
    try:
        started = time.monotonic()
        run = subprocess.run([sys.executable, "-m", "archive", "list", "--root", str(tmp_path)],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
        took = time.monotonic() - started
    finally:
        held.rollback()
        held.close()
    assert run.returncode == 0, run.stderr
    assert "北方領土" in run.stdout and "Russia and Japan" not in run.stdout
    assert "the index is being written" in run.stderr
    assert took < 28  # not the 30 s a connection waits by default
    with Corpus(tmp_path) as corpus:
        assert corpus.sync().added == 1  # the held lock gone, the next sync reads the row
