"""archive.store.articles: the text outputs' helpers stay importable without Scrapy, so
``archive replay`` (which writes rows and text files with them) does not pay Scrapy's import
before its first page; the text pipeline uses the very same functions. A page's text never
takes the file of another page's text (``claim_text_path``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import archive.store.articles as textfiles
import pipelines.crawl.textoutput as textoutput

ROOT = Path(__file__).resolve().parents[1]


def test_replay_and_the_helpers_do_not_import_scrapy() -> None:
    code = ("import sys, archive.cli.replay, archive.store.articles; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'scrapy'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == "[]"


def test_the_text_pipeline_uses_the_same_helpers() -> None:
    for name in ("article_row", "matches_topic", "write_text_file", "append_line",
                 "repair_jsonl_tail", "claim_text_path", "text_path_candidates"):
        assert getattr(textoutput, name) is getattr(textfiles, name)


PAGE1 = "https://www.newsweekjapan.jp/stories/world/2024/02/northern-territories.php"
PAGE2 = "https://www.newsweekjapan.jp/stories/world/2024/02/northern-territories_2.php"
TITLE = "北方領土「対話ゼロ」の2年"


def _written(root: Path, relpath: str, url: str, text: str) -> None:
    textfiles.write_text_file(root, relpath, text)
    textfiles.write_sidecar(root, relpath, {"url": url, "text_path": relpath})


def test_names_of_a_page_whose_canonical_url_is_another_page() -> None:
    first, second = textfiles.text_path_candidates(PAGE2, PAGE1, TITLE)
    assert first == textfiles.text_path_candidates(PAGE1, PAGE1, TITLE)[0]
    assert first.startswith("text/www.newsweekjapan.jp/") and first.endswith(".txt")
    assert second == first[:-len(".txt")] + f".{textfiles.url_hash(PAGE2)[:8]}.txt"
    v2 = textfiles.text_path_candidates(PAGE2, PAGE1, TITLE, version=2)
    assert v2 == (first[:-4] + ".v2.txt", second[:-4] + ".v2.txt")
    # without a canonical URL, the page's own
    assert textfiles.text_path_candidates(PAGE2, None, TITLE)[0] == \
        textfiles.text_path_candidates(PAGE2, PAGE2, TITLE)[0]


@pytest.mark.parametrize("order", [(PAGE1, PAGE2), (PAGE2, PAGE1)])
def test_two_pages_of_one_canonical_url_keep_both_texts(tmp_path: Path, order) -> None:
    names = {}
    for url in order:
        candidates = textfiles.text_path_candidates(url, PAGE1, TITLE)
        names[url] = textfiles.claim_text_path(tmp_path, url, candidates)
        _written(tmp_path, names[url], url, f"text of {url}")
    assert names[order[0]] == textfiles.text_path_candidates(order[0], PAGE1, TITLE)[0]
    assert names[order[1]] == textfiles.text_path_candidates(order[1], PAGE1, TITLE)[1]
    for url, name in names.items():
        assert (tmp_path / name).read_text("utf-8") == f"text of {url}\n"
    # the same page done again (redone after a failure) takes its own file again
    for url in order:
        candidates = textfiles.text_path_candidates(url, PAGE1, TITLE)
        assert textfiles.claim_text_path(tmp_path, url, candidates) == names[url]


def test_a_text_whose_sidecar_is_missing_or_unreadable(tmp_path: Path) -> None:
    candidates = textfiles.text_path_candidates(PAGE2, PAGE1, TITLE)
    # a text without its sidecar: its row was never written, so its page is done again
    textfiles.write_text_file(tmp_path, candidates[0], "orphan")
    assert textfiles.claim_text_path(tmp_path, PAGE2, candidates) == candidates[0]
    # a sidecar that cannot be read: its text is left alone
    (tmp_path / candidates[0]).with_suffix(".json").write_text("{not json", "utf-8")
    assert textfiles.claim_text_path(tmp_path, PAGE2, candidates) == candidates[1]
    (tmp_path / candidates[0]).with_suffix(".json").write_text(json.dumps([PAGE2]), "utf-8")
    assert textfiles.claim_text_path(tmp_path, PAGE2, candidates) == candidates[1]


def test_the_name_the_crawl_recorded_is_one_of_the_pages_own(tmp_path: Path) -> None:
    candidates = textfiles.text_path_candidates(PAGE2, PAGE1, TITLE)
    # a replay names the file as the crawl did, even before the page that took the first name
    assert textfiles.claim_text_path(tmp_path, PAGE2, candidates,
                                     recorded=candidates[1]) == candidates[1]
    assert textfiles.claim_text_path(tmp_path, PAGE2, candidates,
                                     recorded=candidates[0]) == candidates[0]
    # a recorded name that is not one of the page's own is never used (a foreign record)
    for recorded in ("../../etc/passwd", "text/other/x.txt", ""):
        assert textfiles.claim_text_path(tmp_path, PAGE2, candidates,
                                         recorded=recorded) == candidates[0]
    # nor does a recorded name take another page's file
    _written(tmp_path, candidates[1], "https://elsewhere.example/", "another page")
    assert textfiles.claim_text_path(tmp_path, PAGE2, candidates,
                                     recorded=candidates[1]) == candidates[0]


def test_a_page_that_took_its_own_name_keeps_it_for_its_versions(tmp_path: Path) -> None:
    first = textfiles.text_path_candidates(PAGE1, PAGE1, TITLE)
    own = textfiles.text_path_candidates(PAGE2, PAGE1, TITLE)
    _written(tmp_path, first[0], PAGE1, "page 1")
    v1 = textfiles.claim_text_path(tmp_path, PAGE2, own)
    assert v1 == own[1] and textfiles.is_own_name(v1, PAGE2)
    assert not textfiles.is_own_name(v1, PAGE1) and not textfiles.is_own_name(first[0], PAGE1)
    _written(tmp_path, v1, PAGE2, "page 2")
    # version 2 of page 2: the canonical URL's .v2 name is free, but page 2 keeps its own
    own2 = textfiles.text_path_candidates(PAGE2, PAGE1, TITLE, version=2)
    v2 = textfiles.claim_text_path(tmp_path, PAGE2, own2, previous=v1)
    assert v2 == own2[1] and textfiles.is_own_name(v2, PAGE2)
    # and page 1's version 2 takes the canonical URL's .v2 name
    first2 = textfiles.text_path_candidates(PAGE1, PAGE1, TITLE, version=2)
    assert textfiles.claim_text_path(tmp_path, PAGE1, first2, previous=first[0]) == first2[0]
