"""crawler.extensions.corpusindex: the crawl's articles indexed while it writes them."""

from __future__ import annotations

from scrapy.utils.test import get_crawler

from crawler.extensions.corpusindex import CorpusIndexExtension
from tests.test_corpus import EN, JA, OLD, write_rows
from tests.test_corpusfollow import committed_in_db, wait_until


def extension(tmp_path, **settings) -> CorpusIndexExtension:  # noqa: ANN001 - a path
    crawler = get_crawler(settings_dict={"OUTPUT_DIR": str(tmp_path), **settings})
    return CorpusIndexExtension.from_crawler(crawler)


def test_rows_are_indexed_during_the_crawl_and_the_rest_at_its_end(tmp_path):
    ext = extension(tmp_path, CORPUS_INDEX_INTERVAL=0.02)
    ext.spider_opened(None)
    try:
        write_rows(tmp_path, [JA, EN])
        # committed while the crawl runs: a reader sees them before the crawl ends
        assert wait_until(lambda: committed_in_db(tmp_path) == 2)
        ext.follower.interval = 3600  # the next rows wait for the end
        write_rows(tmp_path, [OLD])
    finally:
        ext.spider_closed(None)
    assert committed_in_db(tmp_path) == 3
    assert ext.crawler.stats.get_value("corpus/indexed") == 3


def test_interval_0_indexes_at_the_end_only(tmp_path):
    ext = extension(tmp_path, CORPUS_INDEX_INTERVAL=0)
    ext.spider_opened(None)
    write_rows(tmp_path, [JA])
    assert not (tmp_path / "corpus.sqlite3").exists()
    ext.spider_closed(None)
    assert committed_in_db(tmp_path) == 1


def test_a_crawl_without_articles_creates_no_index(tmp_path):
    ext = extension(tmp_path, CORPUS_INDEX_INTERVAL=0.02)
    ext.spider_opened(None)
    ext.spider_closed(None)
    assert not (tmp_path / "corpus.sqlite3").exists()
    assert ext.crawler.stats.get_value("corpus/indexed") is None


def test_an_index_that_cannot_be_written_is_a_warning(tmp_path, caplog):
    (tmp_path / "corpus.sqlite3").write_bytes(b"not a database, " * 100)
    ext = extension(tmp_path, CORPUS_INDEX_INTERVAL=0.02)
    ext.spider_opened(None)
    write_rows(tmp_path, [JA])
    ext.spider_closed(None)
    assert "corpus index of" in caplog.text and "not updated" in caplog.text
    assert ext.crawler.stats.get_value("corpus/indexed") is None
