"""The corpus index: every article version of an output root, searchable, in ``corpus.sqlite3``.

Over 400 lines on purpose: one SQLite schema, and the writes and queries that share it.

``articles.jsonl`` (and the ``articles-<host>-<pid>.jsonl`` files of shared-frontier workers)
stay the record; the index is built from them and kept up to date incrementally: it remembers
how far it has read each file, and :meth:`Corpus.sync` reads what was appended since. Crawls
and ``archive replay`` sync while they write (:mod:`archive.store.corpusfollow`), every reading
command before it answers (so a crawl killed half-way is indexed all the same), and ``archive
reindex`` rebuilds it from scratch. A file that shrank or changed under the index (a
rewritten ``articles.jsonl``) is read again from its start.

More: docs/modules.md, ``archive/store/corpus.py``.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from archive.store.articles import is_own_name
from archive.store.paths import url_hash
from archive.warc.writer import sha1_digest

FILENAME = "corpus.sqlite3"
#: bytes of an article file read at a time when indexing it
SYNC_CHUNK = 8 * 1024 * 1024
#: the oldest SQLite whose FTS5 has the trigram tokenizer
MIN_SQLITE = (3, 34, 0)

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,             -- canonical URL, else URL: the article across versions
    url TEXT NOT NULL,
    canonical_url TEXT,
    version INTEGER NOT NULL,
    previous_digest TEXT,
    previous_id INTEGER,
    site TEXT,
    title TEXT,
    author TEXT,
    published TEXT,                -- as the page gives it (ISO 8601, offset kept)
    published_day TEXT,            -- YYYY-MM-DD in the page's own offset
    language TEXT,
    word_count INTEGER,
    method TEXT,
    fetched_at TEXT,
    text_path TEXT,
    text_digest TEXT NOT NULL,
    text TEXT NOT NULL,
    warc_filename TEXT,
    warc_offset INTEGER,
    warc_length INTEGER,
    record_id TEXT,
    payload_digest TEXT,
    warc_date TEXT,
    complete INTEGER,
    latest INTEGER NOT NULL DEFAULT 1,  -- the newest version of its article
    row TEXT NOT NULL,             -- the articles.jsonl row but its text (full_row)
    source TEXT NOT NULL,          -- which jsonl file it came from
    UNIQUE (key, text_digest)
);
CREATE INDEX IF NOT EXISTS articles_key ON articles (key, version);
CREATE INDEX IF NOT EXISTS articles_url ON articles (url);
CREATE INDEX IF NOT EXISTS articles_latest ON articles (latest, published_day, published);
CREATE INDEX IF NOT EXISTS articles_site ON articles (site, latest, published_day, published);
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, text, content='articles', content_rowid='id', tokenize='trigram');
-- terms of one or two characters (日露, 領土, EU), which trigrams cannot look up: Japanese and
-- Chinese runs as overlapping character pairs, other text as words; no copy of the text
CREATE VIRTUAL TABLE IF NOT EXISTS articles_short USING fts5(
    body, content='', tokenize='unicode61 remove_diacritics 0');
CREATE TABLE IF NOT EXISTS sources (
    path TEXT PRIMARY KEY,         -- relative to the output root
    inode INTEGER, size INTEGER, offset INTEGER, head TEXT
);
"""


class CorpusError(RuntimeError):
    """The index cannot be used (too old an SQLite, an unreadable database)."""


def check_sqlite() -> None:
    """Refuse an SQLite without FTS5's trigram tokenizer, saying what to do."""
    version = tuple(int(x) for x in sqlite3.sqlite_version.split("."))
    problem = None
    if version < MIN_SQLITE:
        problem = f"SQLite {sqlite3.sqlite_version} is older than 3.34"
    else:
        try:
            sqlite3.connect(":memory:").execute(
                "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
        except sqlite3.OperationalError as exc:
            problem = f"SQLite {sqlite3.sqlite_version} has no FTS5 trigram tokenizer ({exc})"
    if problem:
        raise CorpusError(
            f"{problem}: the corpus index needs FTS5 with the trigram tokenizer (SQLite 3.34+). "
            "Use a Python built with a newer SQLite (python.org and Debian 12's Python 3.11 "
            "have 3.40), or `pip install pysqlite3-binary`")


def article_key(row: dict[str, Any]) -> str:
    """The identity of an article across its versions: its canonical URL (its URL without
    one), and for a page whose text file took its own name, because the canonical URL's
    name held another page's text (page 2 of an article crawled by the generic spider), that
    name's ``#<hash8>`` too: such a page is not a version of the other
    (:func:`archive.store.articles.claim_text_path`)."""
    key = str(row.get("canonical_url") or row.get("url") or "")
    url, text_path = row.get("url"), row.get("text_path")
    if isinstance(url, str) and isinstance(text_path, str) and is_own_name(text_path, url):
        key += "#" + url_hash(url)[:8]
    return key


def published_day(value: Any) -> str | None:
    """``YYYY-MM-DD`` of an ISO 8601 date or date-time (in its own offset), else None."""
    if not value:
        return None
    text = str(value).strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


@dataclass
class SyncResult:
    """What :meth:`Corpus.sync` read."""

    files: int = 0
    added: int = 0
    skipped: int = 0  #: rows already in the index (same article, same text)
    bad_lines: int = 0  #: lines that are no JSON object (a torn last line is left for later)
    #: another writer held the index (a replay indexing as it goes): nothing was read
    busy: bool = False


@dataclass
class SearchPage:
    """One page of search results: the rows, how many versions matched in all, and whether
    only the newest :data:`RANK_WINDOW` of them were ranked."""

    rows: list[dict[str, Any]]
    total: int
    windowed: bool


#: at most this many matching versions (the newest) are ranked by relevance
RANK_WINDOW = 5000


@dataclass
class Query:
    """A parsed search query: ``groups`` are ANDed; the terms of a group are ORed."""

    groups: list[list[str]]
    excluded: list[str]

    def terms(self) -> list[str]:
        return [t for g in self.groups for t in g] + self.excluded


_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')


def parse_query(text: str) -> Query:
    """Words and "phrases" (ANDed), ``a OR b``, ``-word`` excluded; case as typed."""
    groups: list[list[str]] = []
    excluded: list[str] = []
    join_next = False
    for m in _TOKEN.finditer(text):
        neg, phrase, word = m.group(1), m.group(2), m.group(3)
        if word is not None and word == "OR":
            join_next = bool(groups)
            continue
        if word is not None and word == "AND":
            continue
        if word is not None and word.startswith("-") and len(word) > 1:
            neg, word = "-", word[1:]
        term = (phrase if phrase is not None else word or "").strip()
        if not term:
            continue
        if neg:
            excluded.append(term)
        elif join_next:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    return Query(groups, excluded)


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]+")


def _pairs(m: re.Match[str]) -> str:
    run = m.group(0)
    if len(run) == 1:
        return f" {run} "
    # every pair of adjacent characters, and the last one alone (so that a one-character
    # term, looked up as a prefix, finds it wherever it stands)
    return " " + " ".join(run[i:i + 2] for i in range(len(run) - 1)) + f" {run[-1]} "


def short_terms(text: str) -> str:
    """What the index of short terms holds of ``text``: Japanese and Chinese runs as the
    pairs of adjacent characters, other text as it is (its words)."""
    return _CJK_RUN.sub(_pairs, text)


def _lookup(term: str) -> tuple[str, str]:
    """(FTS5 table, MATCH expression) that finds ``term`` (see the module docstring)."""
    if len(term) >= 3:
        return "articles_fts", _fts_phrase(term)
    if _CJK_RUN.fullmatch(term) and len(term) == 1:
        return "articles_short", _fts_phrase(term) + " *"
    # the term's own pairs in a row (without the lone last character the text side adds)
    words = _CJK_RUN.sub(lambda m: " " + " ".join(
        m.group(0)[i:i + 2] for i in range(max(1, len(m.group(0)) - 1))) + " ", term)
    return "articles_short", _fts_phrase(" ".join(words.split()))


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class Corpus:
    """The index of one output root; see the module docstring."""

    def __init__(self, root: str | os.PathLike[str], *, create: bool = True,
                 timeout: float = 30.0) -> None:
        check_sqlite()
        self.root = Path(root)
        self.timeout = timeout
        #: what the last :func:`open_synced` sync did
        self.last_sync = SyncResult()
        self.path = self.root / FILENAME
        if not create and not self.path.exists():
            raise CorpusError(f"no corpus index in {self.root} (run `archive reindex` there)")
        self._lock = threading.RLock()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, check_same_thread=False, timeout=timeout)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise CorpusError(f"{self.path}: {exc}") from None
        self.db.row_factory = sqlite3.Row

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- building ----------------------------------------------------------------------------

    def jsonl_files(self) -> list[Path]:
        """The output root's article files."""
        return sorted(p for p in self.root.glob("articles*.jsonl") if p.is_file())

    def sync(self, *, wait: float | None = None) -> SyncResult:
        """Index the rows appended to the root's article files since the last sync.

        ``wait``: seconds to wait for another writer of the index (a replay holds it for its
        whole run, see :class:`archive.store.corpusfollow.CorpusFollower`); past them nothing
        is read and the result says ``busy``. None waits as long as the connection does.
        """
        result = SyncResult()
        with self._lock:
            if wait is not None:
                self.db.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
            try:
                for path in self.jsonl_files():
                    result.files += 1
                    self.sync_file(path, result=result, commit=False)
                self.db.commit()
            except sqlite3.OperationalError as exc:
                if wait is None or "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                self.db.rollback()
                return SyncResult(busy=True)
            finally:
                if wait is not None:
                    self.db.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        return result

    def sync_file(self, path: Path, *, name: str | None = None,
                  result: SyncResult | None = None, commit: bool = True) -> SyncResult:
        """Index the rows appended to one article file since the last sync of it.

        ``name``: the file's name in the index, relative to the root (default: its own), so
        a file written under a temporary name is indexed as the file it will be renamed to.
        ``commit=False`` leaves the transaction open (:meth:`commit` or :meth:`rollback`).
        """
        result = SyncResult() if result is None else result
        with self._lock:
            before = self.db.execute("SELECT COALESCE(MAX(id), 0) FROM articles").fetchone()[0]
            added = result.added
            self._sync_file(path, result, name)
            if result.added > added:
                self._link_versions(before)
            if commit:
                self.db.commit()
        return result

    def commit(self) -> None:
        with self._lock:
            self.db.commit()

    def rollback(self) -> None:
        with self._lock:
            self.db.rollback()

    def reindex(self) -> SyncResult:
        """Drop everything and index every article file again."""
        with self._lock:
            self.db.executescript(
                "DELETE FROM articles; DELETE FROM sources; "
                "INSERT INTO articles_fts(articles_fts) VALUES ('delete-all'); "
                "INSERT INTO articles_short(articles_short) VALUES ('delete-all');")
            self.db.commit()
        return self.sync()

    def _sync_file(self, path: Path, result: SyncResult, name: str | None = None) -> None:
        rel = name or str(path.relative_to(self.root))
        stat = path.stat()
        with path.open("rb") as fh:
            head = fh.read(256).hex()
        known = self.db.execute("SELECT inode, size, offset, head FROM sources WHERE path = ?",
                                (rel,)).fetchone()
        offset = 0
        if known is not None:
            same_file = known["inode"] == stat.st_ino and stat.st_size >= known["offset"] \
                and head.startswith(known["head"][: len(head)])
            offset = known["offset"] if same_file else 0
        if offset == stat.st_size:
            return
        end = offset
        with path.open("rb") as fh:
            fh.seek(offset)
            rest = b""
            # read a chunk at a time (a crawl's or a replay's file holds every article's
            # text: read whole, 50,000 articles made a replay's peak RSS ~1.1 GB)
            while chunk := fh.read(SYNC_CHUNK):
                data = rest + chunk
                cut = data.rfind(b"\n") + 1
                rest = data[cut:]
                end += cut
                self._insert_lines(data[:cut], rel, result)
            # a last line without its newline is still being written: read next time
        self.db.execute(
            "INSERT OR REPLACE INTO sources (path, inode, size, offset, head) VALUES "
            "(?, ?, ?, ?, ?)", (rel, stat.st_ino, stat.st_size, end, head))

    def _insert_lines(self, data: bytes, source: str, result: SyncResult) -> None:
        for line in data.splitlines():
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                result.bad_lines += 1
                continue
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                result.bad_lines += 1
                continue
            if self._insert(row, source):
                result.added += 1
            else:
                result.skipped += 1

    def _insert(self, row: dict[str, Any], source: str) -> bool:
        warc = row.get("warc") or {}
        meta = row.get("meta") or {}
        previous = row.get("previous_version") or {}

        digest = sha1_digest(row["text"].encode("utf-8"))
        values = {
            "key": article_key(row), "url": row.get("url") or "",
            "canonical_url": row.get("canonical_url"), "version": int(row.get("version") or 1),
            "previous_digest": previous.get("text_digest"), "site": row.get("site"),
            "title": row.get("title"), "author": row.get("author"),
            "published": row.get("published"), "published_day": published_day(
                row.get("published")), "language": row.get("language"),
            "word_count": row.get("word_count"), "method": row.get("method"),
            "fetched_at": row.get("fetched_at"), "text_path": row.get("text_path"),
            "text_digest": digest, "text": row["text"],
            "warc_filename": warc.get("filename"), "warc_offset": warc.get("offset"),
            "warc_length": warc.get("length"), "record_id": warc.get("record_id"),
            "payload_digest": warc.get("payload_digest"), "warc_date": warc.get("warc_date"),
            "complete": None if meta.get("complete") is None else int(bool(meta["complete"])),
            # the row without its text (kept once, in ``text``): see :func:`full_row`
            "row": json.dumps({k: v for k, v in row.items() if k != "text"},
                              ensure_ascii=False), "source": source,
        }
        # The newest version of an article is the one with the highest version number, the
        # last indexed of equals. A new row gets the highest id, so it is the newest unless
        # an indexed row has a higher version. Decided before the insert: setting ``latest``
        # afterwards on every row of the key rewrote each row with its text, 1.7 ms a row
        # (more than half of indexing a replay's articles).
        newest = self.db.execute("SELECT MAX(version) FROM articles WHERE key = ?",
                                 (values["key"],)).fetchone()[0]
        values["latest"] = int(newest is None or values["version"] >= newest)
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cur = self.db.execute(
            f"INSERT OR IGNORE INTO articles ({columns}) VALUES ({marks})",
            tuple(values.values()))
        if not cur.rowcount:
            return False
        rowid = cur.lastrowid
        if values["latest"] and newest is not None:
            self.db.execute("UPDATE articles SET latest = 0 WHERE key = ? AND latest = 1 "
                            "AND id != ?", (values["key"], rowid))
        self.db.execute("INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
                        (rowid, values["title"] or "", values["text"]))
        self.db.execute("INSERT INTO articles_short (rowid, body) VALUES (?, ?)",
                        (rowid, short_terms(f"{values['title'] or ''}\n{values['text']}")))
        return True

    def _link_versions(self, after_id: int) -> None:
        """Link the rows added after ``after_id`` to the version they say they follow, and the
        rows that follow an added one (worker files may hold a later version first)."""
        self.db.execute(
            """UPDATE articles SET previous_id = (
                   SELECT p.id FROM articles p WHERE p.key = articles.key
                   AND p.text_digest = articles.previous_digest AND p.id != articles.id)
               WHERE previous_id IS NULL AND previous_digest IS NOT NULL AND (id > ? OR
                   (key, previous_digest) IN (SELECT key, text_digest FROM articles
                                              WHERE id > ?))""",
            (after_id, after_id))

    # -- reading -----------------------------------------------------------------------------

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    @staticmethod
    def _filters(site: str | None, since: str | None, until: str | None,
                 alias: str = "a") -> tuple[list[str], list[Any]]:
        where: list[str] = []
        args: list[Any] = []
        if site:
            where.append(f"{alias}.site = ?")
            args.append(site)
        if since:
            where.append(f"{alias}.published_day >= ?")
            args.append(since)
        if until:
            where.append(f"{alias}.published_day <= ?")
            args.append(until)
        return where, args

    def list(self, *, site: str | None = None, since: str | None = None,
             until: str | None = None, match: str | None = None, limit: int = 50,
             offset: int = 0) -> list[dict[str, Any]]:
        """The latest version of each article, newest publication first."""
        where, args = self._filters(site, since, until)
        where.append("a.latest = 1")
        if match:
            where.append("(a.title LIKE ? ESCAPE '\\' OR a.text LIKE ? ESCAPE '\\')")
            args += [_like(match), _like(match)]
        sql = (f"SELECT a.*, (SELECT COUNT(*) FROM articles b WHERE b.key = a.key) AS versions "
               f"FROM articles a WHERE {' AND '.join(where)} "
               f"ORDER BY a.published_day DESC, a.published DESC, a.id DESC LIMIT ? OFFSET ?")
        with self._lock:
            return [dict(r) for r in self.db.execute(sql, (*args, limit, offset))]

    def search(self, text: str, *, site: str | None = None, since: str | None = None,
               until: str | None = None, limit: int = 20,
               offset: int = 0) -> list[dict[str, Any]]:
        """Article versions matching the query, best first, each with a ``snippet`` whose
        matches are marked ``[`` ``]`` (:meth:`search_page` also says how many matched)."""
        return self.search_page(text, site=site, since=since, until=until, limit=limit,
                                offset=offset).rows

    def search_page(self, text: str, *, site: str | None = None, since: str | None = None,
                    until: str | None = None, limit: int = 20, offset: int = 0) -> SearchPage:
        """One page of results of a query (see the module docstring).

        One FTS5 table drives (the trigram index with every required term it can find,
        which ranks by BM25; else the short-term index, newest capture first); every other
        condition (short terms, OR groups across both indexes, exclusions, source and dates)
        is a set of row ids the driver's matches are checked against. When more than
        :data:`RANK_WINDOW` versions match, the newest :data:`RANK_WINDOW` are ranked: the
        cost of a query stays bounded whatever the corpus size."""
        query = parse_query(text)
        if not query.groups:
            return SearchPage([], 0, False)
        ranked = [g[0] for g in query.groups if len(g) == 1 and len(g[0]) >= 3]
        others = [g for g in query.groups if not (len(g) == 1 and g[0] in ranked)]
        if ranked:
            table, match = "articles_fts", " ".join(_fts_phrase(t) for t in ranked)
        else:
            # the first group whose terms all go to one index drives, as an FTS5 OR
            first = others.pop(0)
            lookups = [_lookup(t) for t in first]
            if len({t for t, _ in lookups}) == 1:
                table, match = lookups[0][0], " OR ".join(f"({e})" for _, e in lookups)
            else:
                others.insert(0, first)
                table, match = "articles_short", None
        conds: list[str] = []
        args: list[Any] = []
        for group in others:
            union = " UNION ".join(
                f"SELECT rowid FROM {t} WHERE {t} MATCH ?" for t, _ in map(_lookup, group))
            conds.append(f"+rowid IN ({union})")
            args += [e for _, e in map(_lookup, group)]
        for term in query.excluded:
            t, e = _lookup(term)
            conds.append(f"+rowid NOT IN (SELECT rowid FROM {t} WHERE {t} MATCH ?)")
            args.append(e)
        where, fargs = self._filters(site, since, until, alias="f")
        if where:
            conds.append(f"+rowid IN (SELECT f.id FROM articles f WHERE {' AND '.join(where)})")
            args += fargs
        if match is None:  # nothing to drive with an index: the conditions alone
            table, match = "articles_short", None
            conds.insert(0, "1")
        head = f"FROM {table} WHERE " + (f"{table} MATCH ?" if match else "1")
        head_args = [match] if match else []
        cond_sql = "".join(f" AND {c}" for c in conds)
        with self._lock:
            total = self.db.execute(f"SELECT COUNT(*) {head}{cond_sql}",
                                    (*head_args, *args)).fetchone()[0]
            window = total > RANK_WINDOW and bool(ranked)
            if window:
                low = self.db.execute(
                    f"SELECT MIN(rowid) FROM (SELECT rowid {head}{cond_sql} "
                    f"ORDER BY rowid DESC LIMIT {RANK_WINDOW})", (*head_args, *args)).fetchone()[0]
                cond_sql += f" AND rowid >= {int(low)}"
            if ranked:
                sql = (f"SELECT rowid, bm25({table}) AS score {head}{cond_sql} "
                       f"ORDER BY score, rowid DESC LIMIT ? OFFSET ?")
            else:
                sql = f"SELECT rowid, 0 {head}{cond_sql} ORDER BY rowid DESC LIMIT ? OFFSET ?"
            page = self.db.execute(sql, (*head_args, *args, limit, offset)).fetchall()
            rows = self._rows([r[0] for r in page])
        terms = [t for g in query.groups for t in g]
        for row, (_, score) in zip(rows, page, strict=True):
            row["rank"] = score
            row["snippet"] = snippet(row["text"], terms)
            row["title_marked"] = mark(row["title"] or "", terms)
        return SearchPage(rows, total, window)

    def _rows(self, ids: list[int]) -> list[dict[str, Any]]:
        """The rows of ``ids``, in that order."""
        if not ids:
            return []
        marks = ",".join("?" for _ in ids)
        found = {r["id"]: dict(r) for r in self.db.execute(
            f"SELECT * FROM articles WHERE id IN ({marks})", ids)}
        return [found[i] for i in ids]

    def versions(self, url: str) -> list[dict[str, Any]]:
        """Every version of the article at ``url`` (its URL or canonical URL), oldest first."""
        with self._lock:
            # the article at that address before one that only names it as canonical (page
            # 2 of a generic crawl, an article of its own: see article_key)
            key = self.db.execute(
                "SELECT key FROM articles WHERE key = ? OR url = ? OR canonical_url = ? "
                "ORDER BY key = ? DESC, url = ? DESC, id DESC LIMIT 1",
                (url, url, url, url, url)).fetchone()
            if key is None:
                return []
            return [dict(r) for r in self.db.execute(
                "SELECT * FROM articles WHERE key = ? ORDER BY version, fetched_at, id",
                (key[0],))]

    def get(self, article_id: int) -> dict[str, Any] | None:
        with self._lock:
            row = self.db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return dict(row) if row else None

    def changes(self, since: str | None = None, site: str | None = None,
                limit: int = 100) -> list[dict[str, Any]]:
        """Articles whose text changed after their first capture: the latest version, with
        ``first`` (the first version) and ``versions``; newest change first."""
        where = ["a.version > 1",
                 "a.version = (SELECT MAX(b.version) FROM articles b WHERE b.key = a.key)"]
        args: list[Any] = []
        if since:
            where.append("a.fetched_at >= ?")
            args.append(since)
        if site:
            where.append("a.site = ?")
            args.append(site)
        with self._lock:
            rows = [dict(r) for r in self.db.execute(
                f"SELECT a.*, (SELECT COUNT(*) FROM articles b WHERE b.key = a.key) AS versions "
                f"FROM articles a WHERE {' AND '.join(where)} "
                f"ORDER BY a.fetched_at DESC, a.id DESC LIMIT ?", (*args, limit))]
            for row in rows:
                first = self.db.execute(
                    "SELECT * FROM articles WHERE key = ? ORDER BY version, id LIMIT 1",
                    (row["key"],)).fetchone()
                previous = self.get(row["previous_id"]) if row["previous_id"] else None
                row["first"] = dict(first) if first else None
                row["previous"] = previous
        return rows

    def sites(self) -> list[tuple[str, int]]:
        """(site, number of articles) per site."""
        with self._lock:
            return [(r[0] or "", r[1]) for r in self.db.execute(
                "SELECT site, COUNT(DISTINCT key) FROM articles GROUP BY site ORDER BY site")]


def full_row(stored: dict[str, Any]) -> dict[str, Any]:
    """The articles.jsonl row of an index row, text included."""
    data = json.loads(stored["row"])
    data["text"] = stored["text"]
    return data


#: seconds a reader waits for another writer of the index before answering from it as it is
READER_WAIT = 2.0


def open_synced(root: str | os.PathLike[str]) -> Corpus:
    """The root's index, brought up to date (created if missing). While a replay holds the
    index, it is answered from as it was (``corpus.last_sync.busy``)."""
    root = Path(root)
    if not (root / FILENAME).exists() and not list(root.glob("articles*.jsonl")):
        raise CorpusError(f"no articles under {root} (no articles.jsonl, no {FILENAME})")
    corpus = Corpus(root)
    corpus.last_sync = corpus.sync(wait=READER_WAIT)
    return corpus


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")


def mark(text: str, terms: Iterable[str], start: str = "[", end: str = "]") -> str:
    """``text`` with every occurrence of the terms (case-insensitive) wrapped."""
    spans = sorted(_spans(text, terms))
    out, pos = [], 0
    for a, b in spans:
        if a < pos:
            continue
        out += [text[pos:a], start, text[a:b], end]
        pos = b
    out.append(text[pos:])
    return "".join(out)


def _spans(text: str, terms: Iterable[str]) -> Iterator[tuple[int, int]]:
    lower = text.lower()
    for term in terms:
        needle = term.lower()
        if not needle:
            continue
        at = lower.find(needle)
        while at >= 0:
            yield at, at + len(needle)
            at = lower.find(needle, at + len(needle))


def snippet(text: str, terms: Iterable[str], width: int = 160) -> str:
    """A window of ``text`` around its first match, matches marked ``[`` ``]``."""
    terms = list(terms)
    spans = sorted(_spans(text, terms))
    flat = text.replace("\n", " ")
    if not spans:
        return mark(flat[:width], terms) + ("…" if len(flat) > width else "")
    first = spans[0][0]
    # CJK text is denser: fewer characters fill a line
    size = width // 2 if _CJK.search(flat[first:first + 20]) else width
    start = max(0, first - size // 3)
    piece = flat[start:start + size]
    return ("…" if start else "") + mark(piece, terms) + ("…" if start + size < len(flat) else "")


def parse_when(value: str) -> str:
    """``YYYY-MM-DD`` (or a full ISO date-time) as typed on a command line, checked."""
    try:
        if len(value) == 10:
            return date.fromisoformat(value).isoformat()
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {value!r}") from None
