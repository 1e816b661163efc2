"""archive.store.corpus: the searchable index of an output root's article versions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.store.corpus import Corpus, CorpusError, open_synced, parse_query, published_day


def row(url: str, title: str, text: str, published: str, site: str = "rt", version: int = 1,
        previous: str | None = None, fetched: str = "2026-01-01T00:00:00Z") -> dict:
    out = {"url": url, "canonical_url": url, "title": title, "text": text,
           "published": published, "site": site, "fetched_at": fetched,
           "warc": {"filename": "x.warc.gz", "offset": 10, "length": 20,
                    "record_id": "<urn:uuid:1>", "payload_digest": "sha1:AAA",
                    "warc_date": fetched}}
    if version > 1:
        from archive.warc.writer import sha1_digest

        out["version"] = version
        out["previous_version"] = {"text_path": "t", "text_digest": sha1_digest(
            previous.encode("utf-8"))}
    return out


def write_rows(root: Path, rows: list[dict], name: str = "articles.jsonl") -> None:
    with (root / name).open("a", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


JA = row("https://www.newsweekjapan.jp/a.php", "日露首脳会談、北方領土で平行線",
         "日露首脳会談が開かれた。北方領土問題は平行線のまま。\n両首脳は経済協力で合意した。",
         "2024-02-07T18:00:00+09:00", site="newsweekjapan")
EN = row("https://www.rt.com/news/1-talks/", "Russia and Japan hold talks",
         "Russia and Japan held their first 2+2 talks on the Kuril Islands dispute.",
         "2013-11-02T20:37:00+00:00")
OLD = row("https://www.rt.com/news/2-old/", "An older story", "Nothing about islands here.",
          "2013-01-01", site="rt")


@pytest.fixture
def root(tmp_path):
    write_rows(tmp_path, [JA, EN, OLD])
    return tmp_path


def test_search_japanese_without_word_boundaries(root):
    with open_synced(root) as corpus:
        assert [r["url"] for r in corpus.search("北方領土")] == [JA["url"]]
        hit = corpus.search("北方領土")[0]
        assert "[北方領土]" in hit["snippet"] and "[北方領土]" in hit["title_marked"]
        # two-character words are common in Japanese: found too
        assert [r["url"] for r in corpus.search("日露")] == [JA["url"]]
        assert [r["url"] for r in corpus.search("日露 合意")] == [JA["url"]]
        assert corpus.search("日露 米国") == []


def test_search_phrases_or_exclusion_and_filters(root):
    with open_synced(root) as corpus:
        assert [r["url"] for r in corpus.search('"Kuril Islands"')] == [EN["url"]]
        assert corpus.search('"Islands Kuril"') == []
        assert {r["url"] for r in corpus.search("北方領土 OR Kuril")} == {JA["url"], EN["url"]}
        assert {r["url"] for r in corpus.search("islands")} == {EN["url"], OLD["url"]}
        assert [r["url"] for r in corpus.search("islands -Kuril")] == [OLD["url"]]
        assert [r["url"] for r in corpus.search("islands", site="rt", since="2013-06-01")] \
            == [EN["url"]]
        assert corpus.search("islands", until="2012-12-31") == []


def test_list_by_publication_date(root):
    with open_synced(root) as corpus:
        assert [r["url"] for r in corpus.list()] == [JA["url"], EN["url"], OLD["url"]]
        assert [r["url"] for r in corpus.list(site="rt")] == [EN["url"], OLD["url"]]
        assert [r["url"] for r in corpus.list(since="2013-06-01", until="2020-01-01")] == [
            EN["url"]]
        assert [r["url"] for r in corpus.list(match="平行線")] == [JA["url"]]


def test_sync_is_incremental_and_links_versions(root):
    with Corpus(root) as corpus:
        assert corpus.sync().added == 3
        assert corpus.sync().added == 0
        edited = JA["text"].replace("北方領土", "北方四島")
        v2 = row(JA["url"], JA["title"], edited, JA["published"], site="newsweekjapan",
                 version=2, previous=JA["text"], fetched="2026-02-01T00:00:00Z")
        # a torn last line (a crawl still writing) waits for its end
        with (root / "articles.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(v2, ensure_ascii=False)[:40])
        assert corpus.sync().added == 0
        with (root / "articles.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(v2, ensure_ascii=False)[40:] + "\n")
        assert corpus.sync().added == 1
        versions = corpus.versions(JA["url"])
        assert [v["version"] for v in versions] == [1, 2]
        assert versions[1]["previous_id"] == versions[0]["id"]
        [changed] = corpus.changes()
        assert changed["url"] == JA["url"] and changed["first"]["id"] == versions[0]["id"]
        # the list shows the latest version, once
        assert [r["version"] for r in corpus.list() if r["url"] == JA["url"]] == [2]


@pytest.mark.parametrize("chunk", [7, 64, 1000])
def test_the_file_is_read_in_chunks_lines_across_them_whole(root, monkeypatch, chunk):
    """Rows longer than a chunk, a torn last line: the same rows as one read (memory stays at
    a chunk and a line, not the file: corpus.SYNC_CHUNK)."""
    from archive.store import corpus as corpus_module

    monkeypatch.setattr(corpus_module, "SYNC_CHUNK", chunk)
    torn = row("https://a.example/torn", "Torn", "written later", "2020-01-01", site="a")
    with (root / "articles.jsonl").open("a", encoding="utf-8") as fh:
        fh.write("not json\n" + json.dumps(torn)[:30])
    with Corpus(root) as corpus:
        first = corpus.sync()
        assert (first.added, first.bad_lines) == (3, 1)
        assert {r["url"] for r in corpus.list()} == {JA["url"], EN["url"], OLD["url"]}
        with (root / "articles.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(torn)[30:] + "\n")
        assert corpus.sync().added == 1 and corpus.count() == 4


def test_a_rewritten_file_is_read_again_and_reindex_rebuilds(root):
    with Corpus(root) as corpus:
        corpus.sync()
        (root / "articles.jsonl").write_text(json.dumps(OLD) + "\n", "utf-8")
        corpus.sync()
        assert corpus.count() == 3  # rows already indexed stay until a reindex
        assert corpus.reindex().added == 1 and corpus.count() == 1


def test_worker_files_are_indexed_too(root):
    write_rows(root, [row("https://a.example/x", "Worker row", "text of a worker", "2020-01-01",
                          site="a.example")], name="articles-host-123.jsonl")
    with open_synced(root) as corpus:
        assert corpus.sync().files == 2 and corpus.count() == 4


def test_bad_lines_are_counted_not_fatal(root):
    (root / "articles.jsonl").open("a").write("not json\n[1, 2]\n")
    with Corpus(root) as corpus:
        assert corpus.sync().bad_lines == 2 and corpus.count() == 3


def test_no_articles_is_an_error(tmp_path):
    with pytest.raises(CorpusError, match="no articles under"):
        open_synced(tmp_path)


def test_query_parser():
    q = parse_query('日露 "北方 領土" a OR b -c AND d')
    assert q.groups == [["日露"], ["北方 領土"], ["a", "b"], ["d"]] and q.excluded == ["c"]


def test_published_day():
    assert published_day("2024-02-07T18:00:00+09:00") == "2024-02-07"
    assert published_day("2024-13-01") is None and published_day(None) is None


def test_short_terms_of_any_script(tmp_path):
    write_rows(tmp_path, [
        row("https://a.example/1", "EU sanctions", "The EU and Japan agreed.", "2024-01-01"),
        row("https://a.example/2", "外相会談", "外相が会談。露側は反発した。", "2024-01-02"),
        row("https://a.example/3", "Europe", "Nothing short here: Europeans.", "2024-01-03")])
    with open_synced(tmp_path) as corpus:
        assert [r["url"] for r in corpus.search("EU")] == ["https://a.example/1"]
        assert [r["url"] for r in corpus.search("露")] == ["https://a.example/2"]
        assert [r["url"] for r in corpus.search("会談")] == ["https://a.example/2"]
        assert corpus.search("談露") == []  # not adjacent in the text


def test_ranking_is_bounded_to_the_newest_matches(tmp_path, monkeypatch):
    from archive.store import corpus as corpus_module

    write_rows(tmp_path, [row(f"https://a.example/{i}", f"Story {i}",
                              "islands " * (10 - i) + "filler", "2024-01-01") for i in range(6)])
    monkeypatch.setattr(corpus_module, "RANK_WINDOW", 3)
    with open_synced(tmp_path) as corpus:
        page = corpus.search_page("islands", limit=10)
        assert page.total == 6 and page.windowed
        # only the three newest captures were ranked (by BM25: the densest first)
        assert [r["url"] for r in page.rows] == [f"https://a.example/{i}" for i in (3, 4, 5)]
        assert not corpus.search_page("islands -filler").rows


def test_a_page_with_its_own_text_name_is_an_article_of_its_own(tmp_path):
    """Page 2 of an article crawled by the generic spider names page 1 as canonical; its text
    file took its own name (archive.store.articles.claim_text_path), so it is not a version
    of page 1: both are listed, and each has its own versions."""
    from archive.store.articles import text_path_candidates

    p1, p2 = "https://www.newsweekjapan.jp/s.php", "https://www.newsweekjapan.jp/s_2.php"
    first = row(p1, "北方領土", "一頁目の本文。", "2024-02-07", site="newsweekjapan")
    first["text_path"] = text_path_candidates(p1, p1, "北方領土")[0]
    second = row(p2, "北方領土", "二頁目の本文。", "2024-02-07", site="newsweekjapan",
                 fetched="2026-01-02T00:00:00Z")
    second["canonical_url"] = p1
    second["text_path"] = text_path_candidates(p2, p1, "北方領土")[1]
    second_v2 = row(p2, "北方領土", "二頁目の本文、訂正。", "2024-02-07", site="newsweekjapan",
                    version=2, previous=second["text"], fetched="2026-02-01T00:00:00Z")
    second_v2["canonical_url"] = p1
    second_v2["text_path"] = text_path_candidates(p2, p1, "北方領土", version=2)[1]
    write_rows(tmp_path, [first, second, second_v2])
    with Corpus(tmp_path) as corpus:
        assert corpus.sync().added == 3
        listed = {(r["url"], r["version"], r["versions"]) for r in corpus.list()}
        assert listed == {(p1, 1, 1), (p2, 2, 2)}
        assert [(v["url"], v["version"]) for v in corpus.versions(p1)] == [(p1, 1)]
        assert [(v["url"], v["version"]) for v in corpus.versions(p2)] == [(p2, 1), (p2, 2)]
        v1, v2 = corpus.versions(p2)
        assert v2["previous_id"] == v1["id"]
