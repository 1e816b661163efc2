"""pipelines.extractor: the shortcuts taken for speed give exactly what the plain forms give.

- ``word_count``: ASCII text is counted with ``str.split``, the rest with one regex match per
  run of CJK characters; both must agree with the one-match-per-CJK-character regex.
- ``_normalise_text`` skips the space-run regex when the text has no run to collapse.
- ``_trafilatura_title_author`` gives the title and author of ``trafilatura.extract_metadata``
  on every bundled page.
- ``_facts``: one walk over ``meta``/``title``/``time``/``link``/``script`` elements stands for
  one CSS selector walk per fact (:func:`sites.base.first_text`, :func:`sites.base.json_ld`,
  :func:`sites.base.canonical_url`); checked on every bundled fixture page and on generated
  head markup (several matches, blank values, selector order against document order).
"""

from __future__ import annotations

import html as html_lib
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.extractor import (
    _WORD_OR_CJK,
    _facts,
    _ld_article,
    _link_density,
    _normalise_text,
    _trafilatura_metadata,
    _trafilatura_title_author,
    declared_language,
    word_count,
)
from sites.base import canonical_url, first_text, parse_html
from tests.conftest import BUNDLED_WEB


def reference_facts(url: str, tree: Any) -> dict[str, Any]:
    """``_facts`` as it was written before the single walk: one selector at a time."""
    ld = _ld_article(tree)
    og_type = (first_text(tree, ("meta[property='og:type']",)) or "").lower()
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


def test_trafilatura_title_and_author_equal_its_full_metadata_on_every_bundled_page():
    for url, text in bundled_pages():
        full = _trafilatura_metadata(text, url)
        light = _trafilatura_title_author(text, url)
        assert (light.title, light.author) == (full.title, full.author), url


_HEAD_ELEMENTS = st.sampled_from([
    '<meta property="og:type" content="{v}">', '<meta property="og:title" content="{v}">',
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
