"""pipelines.extract.page: the shortcuts taken for speed give exactly what the plain forms give.

More: docs/modules.md, ``tests/test_page.py``.
"""

from __future__ import annotations

import html as html_lib
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from pipelines.extract.page import (
    _WORD_OR_CJK,
    MAX_OUTLINKS,
    _facts,
    _ld_article,
    _link_density,
    _normalise_text,
    _parse,
    _trafilatura,
    _trafilatura_metadata,
    _trafilatura_title_author,
    declared_language,
    outlinks,
    word_count,
)
from sites.base import canonical_url, first_text, parse_html
from tests.conftest import BUNDLED_WEB


def reference_facts(url: str, tree: Any) -> dict[str, Any]:
    """``_facts`` as it was written before the single walk: one selector at a time."""
    ld = _ld_article(tree)
    og_type = (first_text(tree, ("meta[property='og:type'], meta[name='og:type']",),
                          prefer_attr=("content", "value")) or "").lower()
    signal = og_type == "article" or ld is not None
    return {
        "ld": ld,
        "signal": signal,
        "og_title": first_text(tree, ("meta[property='og:title']",)),
        "title": first_text(tree, ("title",)),
        "meta_author": first_text(tree, ("meta[name='author']",)),
        "date": (ld or {}).get("datePublished") or first_text(
            tree,
            ("meta[property='article:published_time']", "meta[name='pubdate']",
             "meta[itemprop='datePublished']", "time[datetime]"),
            prefer_attr=("content", "datetime"),
        ),
        "canonical": canonical_url(url, tree),
        "language": declared_language(tree),
        "link_density": None if signal else _link_density(tree),
    }


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_word_count_of_ascii_text_is_the_regex_count(text):
    assert word_count(text) == len(_WORD_OR_CJK.findall(text))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(" \t\n\u3000aZ1-é日本語アかン한。、")), max_size=60))
def test_word_count_of_any_text_is_the_regex_count(text):
    assert word_count(text) == len(_WORD_OR_CJK.findall(text))


def test_word_count_counts_cjk_characters_and_other_words():
    # 日 露 / talks, / 2+2 / 会 談
    assert word_count("日露 talks, 2+2 会談") == 6


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(" \t\r\n\f\v\u00a0\u3000ab日é")), max_size=40))
def test_normalised_text_is_what_the_space_run_regex_gives(text):
    import unicodedata

    from sites.base import SPACE_RUNS

    plain = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.strip() for line in SPACE_RUNS.sub(" ", plain).split("\n")]
    assert _normalise_text(text) == "\n".join(line for line in lines if line)


_SPACEY = st.text(alphabet=st.sampled_from(list(" \t\r\n\f\v\u00a0\u3000\u2003ab日")),
                 max_size=700)


@settings(max_examples=500, deadline=None)
@given(_SPACEY, st.integers(0, 300))
def test_collapse_spaces_is_the_space_run_regex_on_short_and_long_text(text, padding):
    from sites.base import SPACE_RUNS, clean_ws, collapse_spaces

    for sample in (text, "x" * padding + text, text + "\u3000" * padding):
        assert collapse_spaces(sample) == SPACE_RUNS.sub(" ", sample)
        assert clean_ws(sample) == SPACE_RUNS.sub(" ", sample).strip()


_HREF_PARTS = st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "//", "/", "./",
                                "../", "a", "B", "news.example", ":8080", "?", "q=1", "#",
                                "frag", ";p", "..", ".", "%20", " ", "日本", "\\", "&", "="])


@settings(max_examples=1000, deadline=None)
@given(st.lists(_HREF_PARTS, max_size=8).map("".join),
       st.sampled_from(["https://news.example/a/b.html", "http://news.example:8080/x?y=1",
                        "https://news.example", "https://日本.example/a"]))
def test_canonical_url_is_what_urljoin_gives(value, page_url):
    from urllib.parse import urljoin, urlsplit

    tree = parse_html(f'<html><head><link rel="canonical" href="{html_lib.escape(value)}">'
                      "</head><body><p>x</p></body></html>")
    stripped = value.strip()
    expected = None
    if stripped:
        joined = urljoin(page_url, stripped)
        expected = joined if urlsplit(joined).scheme in ("http", "https") else None
    assert canonical_url(page_url, tree) == expected


def bundled_pages() -> list[tuple[str, str]]:
    """(url, text) of every HTML page of the fixture web (bytes decoded as UTF-8, lossy)."""
    pages = []
    for path in sorted(BUNDLED_WEB.rglob("*")):
        if not path.is_file() or path.suffix not in (".html", ".htm", ".php", ""):
            continue
        raw = path.read_bytes()
        if b"<html" not in raw[:4096].lower() and b"<!doctype" not in raw[:4096].lower():
            continue
        url = "https://" + "/".join(path.relative_to(BUNDLED_WEB).parts)
        pages.append((url, raw.decode("utf-8", "replace")))
    assert len(pages) >= 40
    return pages


def test_facts_equal_the_selector_form_on_every_bundled_page():
    for url, text in bundled_pages():
        assert _facts(url, parse_html(text)) == reference_facts(url, parse_html(text)), url


def reference_outlinks(url: str, tree: Any) -> list[str]:
    """``outlinks`` as written before the XPath: one element at a time, urljoin for all."""
    from sites.urls import absolute_link

    seen: dict[str, None] = {}
    for element in tree.iter("a", "area"):
        href = element.get("href")
        target = absolute_link(url, href.strip()) if href is not None else None
        if target is not None:
            seen.setdefault(target, None)
    return list(seen)[:MAX_OUTLINKS]


def test_outlinks_equal_the_element_walk_on_every_bundled_page():
    total = 0
    for url, text in bundled_pages():
        tree = _parse(text)[0]
        links = outlinks(url, tree)
        assert links == reference_outlinks(url, tree), url
        total += len(links)
    assert total > 500
    # a subtree: its own links only, as tree.iter gives them
    tree = parse_html('<html><body><div><a href="/in">x</a><area href="/map"></div>'
                      '<a href="/out">y</a></body></html>')
    div = tree.find(".//div")
    assert outlinks("https://a.example/", div) == reference_outlinks("https://a.example/", div) \
        == ["https://a.example/in", "https://a.example/map"]


def test_trafilatura_title_and_author_equal_its_full_metadata_on_every_bundled_page():
    for url, text in bundled_pages():
        full = _trafilatura_metadata(text, url)
        light = _trafilatura_title_author(text, url)
        assert (light.title, light.author) == (full.title, full.author), url


def test_trafilatura_metadata_from_the_extractors_tree_after_extraction_is_that_of_the_page():
    """The extractor hands its parsed tree to trafilatura and afterwards to the metadata
    fallbacks: the tree must come back from the extraction unchanged, so that the metadata read
    from it is what trafilatura reads from the page itself."""
    def fields(doc: Any) -> dict[str, Any]:
        return {k: v for k, v in doc.as_dict().items() if k not in ("body", "commentsbody")}

    compared = 0
    for url, text in bundled_pages():
        trees = []
        for _ in range(2):  # one each: either function may modify the tree it reads
            tree, usable = _parse(text)
            if not usable:
                break
            before = etree.tostring(tree)
            _trafilatura(tree, url)
            assert etree.tostring(tree) == before, url
            trees.append(tree)
        if not trees:
            continue
        light, light_page = _trafilatura_title_author(trees[0], url), \
            _trafilatura_title_author(text, url)
        assert (light.title, light.author) == (light_page.title, light_page.author), url
        assert fields(_trafilatura_metadata(trees[1], url)) == \
            fields(_trafilatura_metadata(text, url)), url
        compared += 1
    assert compared >= 40


_HEAD_ELEMENTS = st.sampled_from([
    '<meta property="og:type" content="{v}">', '<meta property="og:title" content="{v}">',
    '<meta name="og:type" value="{v}">', '<meta name="og:type" content="{v}">',
    '<meta property="og:type" value="{v}">',
    '<meta property="og:url" content="{v}">', '<meta name="author" content="{v}">',
    '<meta name="AUTHOR" content="{v}">', '<meta name="pubdate" content="{v}">',
    '<meta itemprop="datePublished" content="{v}">',
    '<meta property="article:published_time" content="{v}">',
    '<meta property="og:title">', '<title>{v}</title>', '<time datetime="{v}">{v}</time>',
    '<time>{v}</time>', '<link rel="canonical" href="{v}">', '<link rel="alternate" href="{v}">',
    '<script type="application/ld+json">{{"@type": "NewsArticle", "datePublished": "{v}"}}'
    '</script>',
    '<meta content="{v}">', '<p>{v}</p>',
])
_VALUES = st.sampled_from(["", " ", "article", "2024-05-01T09:00:00+09:00", "/a/b", "x  y",
                           "https://news.example/c", "日露"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_HEAD_ELEMENTS, _VALUES, st.booleans()), max_size=12))
def test_facts_equal_the_selector_form_on_generated_markup(elements):
    head = "".join(e.format(v=html_lib.escape(v)) for e, v, in_body in elements if not in_body)
    body = "".join(e.format(v=html_lib.escape(v)) for e, v, in_body in elements if in_body)
    page = f"<html><head>{head}</head><body>{body}<p>text</p></body></html>"
    url = "https://news.example/a/1.html"
    assert _facts(url, parse_html(page)) == reference_facts(url, parse_html(page))


def test_text_only_extraction_gives_the_same_text_and_verdict():
    from pipelines.extract.page import extract_page

    compared = 0
    for url, text in bundled_pages():
        full, light = extract_page(url, text), extract_page(url, text, metadata=False)
        assert (light.reason, light.method, light.best_text) == \
            (full.reason, full.method, full.best_text), url
        if full.article is not None:
            assert light.article["text"] == full.article["text"], url
            compared += 1
    assert compared >= 20
