"""pipelines.extract.page: the "is this an article" verdict for pages without site rules.

No false refusals: a page that says it is an article (``og:type=article``, also written
``<meta name="og:type" value="article">`` as real pages do; a ``NewsArticle`` JSON-LD) or that
has a long body is an article whatever its link density; a listing (short teasers, mostly
links) is still refused, and the text found on a refused page is kept in ``best_text`` for the
command line, never in the crawl's item.
"""

from __future__ import annotations

import json

import pytest

from pipelines.extract.page import LONG_BODY_CHARS, MIN_CHARS, extract_page

URL = "https://news.example.br/cidade/2024/05/obra-da-ponte.html"
SENTENCE = ("A prefeitura anunciou nesta segunda-feira que a obra da ponte sobre o rio sera "
            "concluida em agosto, depois de {} anos de atraso e tres aditivos ao contrato. ")
LINKS = "".join(f'<li><a href="/cidade/{i}.html">Outra noticia da cidade numero {i} com um '
                f'titulo longo para a lista</a></li>' for i in range(120))


def page(head: str, paragraphs: int, links: str = LINKS) -> str:
    body = "".join(f"<p>{SENTENCE.format(i)}</p>" for i in range(paragraphs))
    return (f"<html lang='pt'><head><title>Obra da ponte</title>{head}</head><body>"
            f"<nav><ul>{links}</ul></nav><article><h1>Obra da ponte</h1>{body}</article>"
            f"<aside><ul>{links}</ul></aside></body></html>")


def test_a_long_article_above_a_long_link_list_is_an_article():
    html = page("", paragraphs=12)
    result = extract_page(URL, html)
    assert result.reason == "article", result.reason
    assert len(result.article["text"]) >= LONG_BODY_CHARS
    assert result.article["text"].count("A prefeitura anunciou") == 12


@pytest.mark.parametrize("head", [
    '<meta property="og:type" content="article">',
    '<meta name="og:type" content="article">',
    '<meta name="og:type" value="article">',
    '<meta value="article" name="og:type">',
    '<script type="application/ld+json">{"@type": "NewsArticle"}</script>',
])
def test_a_short_page_that_says_it_is_an_article_is_one(head):
    html = page(head, paragraphs=2)  # ~330 characters of text: below MIN_CHARS
    result = extract_page(URL, html)
    assert result.reason == "article", (head, result.reason)
    assert len(result.article["text"]) < MIN_CHARS


@pytest.mark.parametrize("items", [12, 60])
def test_a_listing_is_still_not_an_article_and_keeps_its_text(items):
    # a short intro, then linked headlines (with a few words of summary): long or not, the
    # text is mostly link texts
    teasers = "".join(f'<li><a href="/c/{i}.html">Manchete numero {i} da cidade e da regiao '
                      f'metropolitana de hoje</a> <span>({i} min)</span></li>'
                      for i in range(items))
    html = (f"<html><head><title>Cidade</title><meta property='og:type' content='website'>"
            f"</head><body><h1>Cidade</h1><p>{SENTENCE.format(2) * 2}</p><ul>{teasers}</ul>"
            f"</body></html>")
    result = extract_page("https://news.example.br/cidade/", html)
    assert result.article is None
    assert result.reason == ("not-article: too short" if items == 12
                             else "not-article: mostly links")
    assert "A prefeitura anunciou" in result.best_text
    assert "best_text" not in result.to_dict()  # the crawl's item never carries it


def test_an_article_has_no_best_text_and_a_page_without_text_has_none():
    assert extract_page(URL, page("", paragraphs=12)).best_text == ""
    empty = extract_page(URL, "<html><body><nav></nav></body></html>")
    assert empty.article is None and empty.reason == "not-article: no text"
    assert empty.best_text == ""


def test_the_verdict_travels_as_before():
    result = extract_page(URL, page("", paragraphs=1))
    assert result.reason == "not-article: too short" and result.best_text
    assert json.loads(json.dumps(result.to_dict()))["reason"] == "not-article: too short"


def test_a_long_japanese_body_counts_its_characters_twice():
    # about 38 characters a paragraph, 16 paragraphs: some 610 characters, a full Japanese
    # article, as long as some 1200 Latin letters would be; the page around it is mostly links
    sentences = [f"市は第{i}回の説明会で、橋の工事が八月に終わる見通しだと住民に伝えた。"
                 for i in range(16)]
    body = "".join(f"<p>{s}</p>" for s in sentences)
    html = (f"<html lang='ja'><head><title>橋の工事</title></head><body><nav><ul>{LINKS}</ul>"
            f"</nav><article><h1>橋の工事</h1>{body}</article></body></html>")
    result = extract_page("https://news.example.jp/a/1.html", html)
    assert result.reason == "article", result.reason
    assert len(result.article["text"]) < LONG_BODY_CHARS


def test_a_row_of_links_is_link_text_however_long():
    # an index page that is one line of 30 links: long, but all of it link text
    links = [f"https://crash.example/story-{i}.html" for i in range(30)]
    html = "<html><body>" + "".join(f'<a href="{u}">{u}</a> ' for u in links) + \
        "</body></html>"
    result = extract_page("https://crash.example/", html)
    assert len(result.best_text) >= LONG_BODY_CHARS
    assert result.article is None and result.reason == "not-article: mostly links"
