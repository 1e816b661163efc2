"""From one decoded HTML page (or the pages of one article) to an article, or to "not an article".

Over 400 lines on purpose: one algorithm, in the order it runs (rules, trafilatura, fallbacks).

This is the one function the crawl, ``archive extract`` and ``archive replay`` all call:
:func:`extract_page`. It is pure (no I/O, no global state), so it runs in worker processes
and gives the same answer for the same input every time.

More: docs/modules.md, ``pipelines/extract/page.py``.
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass, field, fields
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml.etree import _Element

import sites
from pipelines.extract import chrome, sitebody, sitechrome
from pipelines.extract.requisites import page_requisites
from sites.base import (
    canonical_url,
    clean_ws,
    collapse_spaces,
    copy_tree,
    first_text,
    first_value,
    json_ld,
    parse_html,
)
from sites.dates import normalise_datetime
from sites.urls import absolute_link, fast_link, url_origin

TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "include_links": False,
    "include_images": False,
    "include_formatting": False,
    "deduplicate": False,
    # metadata (title, author, date) is read only when the page's own markup lacks it:
    # _trafilatura_metadata, called lazily; the text does not depend on it
    "with_metadata": False,
}
MIN_CHARS = 500
MIN_CHARS_WITH_SIGNAL = 80
#: a body this long (characters outside link texts, CJK ones counting twice) is an article
#: whatever the link density of the page around it
LONG_BODY_CHARS = 1000
#: link texts shorter than this are not looked for in the body's lines
_MIN_LINK_TEXT = 8
MAX_OUTLINKS = 2000
ARTICLE_LD_TYPES = frozenset(
    {"Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting",
     "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle", "Report"}
)
_CJK_CLASS = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_CJK = re.compile(f"[{_CJK_CLASS}]")
#: one CJK character, or a run of other non-space characters: one "word" each
_WORD_OR_CJK = re.compile(f"[{_CJK_CLASS}]|[^\\s{_CJK_CLASS}]+")
#: the same partition with runs of CJK characters as one match (counted by their length)
_CJK_RUN_OR_WORD = re.compile(f"([{_CJK_CLASS}]+)|[^\\s{_CJK_CLASS}]+")


@dataclass
class ExtractionResult:
    """The outcome for one page: an article (dict of fields) or a reason why not."""

    article: dict[str, Any] | None
    #: ``site:rt/2022``, ``trafilatura``, ``none``; ``site:rt/2022+structure+chrome`` where the
    #: rules found no body text (the body by structure, :mod:`sitebody`; ``+trafilatura+chrome``
    #: where that found none either), ``site:ruvr+structure+chrome`` where no era of the
    #: site's rules fits: the page's text without the site's known chrome
    method: str
    reason: str  #: ``article`` or why not (``not-article: ...``, ``error: ...``)
    seconds: float = 0.0
    outlinks: list[str] = field(default_factory=list)
    #: (page URL, requisite URL, kind) of an article's pages, when asked for
    requisites: list[tuple[str, str, str]] = field(default_factory=list)
    #: the text found on a page judged not an article (what ``archive extract`` prints); ""
    #: for articles (their text is in ``article``) and where no text was found
    best_text: str = ""

    def to_dict(self) -> dict[str, Any]:
        # shallow: the article and outlinks are handed over, not deep-copied (asdict would);
        # best_text stays out of the crawl's items (only the command line prints it)
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "best_text"}


def word_count(text: str) -> int:
    """Words of space-delimited scripts plus characters of CJK scripts (no spaces there)."""
    if text.isascii():
        # the same count: no CJK, and ``str.split`` splits on exactly what ``\s`` matches
        return len(text.split())
    # = len(_WORD_OR_CJK.findall(text)), with one match per CJK run instead of per character
    return sum(len(run) or 1 for run in _CJK_RUN_OR_WORD.findall(text))


def declared_language(tree: _Element) -> str | None:
    """``<html lang>``, ``content-language`` or ``og:locale``, as a primary language tag."""
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang:
        lang = first_text(tree, ("meta[http-equiv='content-language']",
                                 "meta[property='og:locale']"))
    if lang:
        return lang.strip().replace("_", "-").split("-")[0].lower() or None
    return None


def language_from_text(text: str) -> str | None:
    """A guess from the script of the text (kana: ja, hangul: ko, Cyrillic: ru...)."""
    sample = text[:4000]
    if not sample:
        return None
    kana = sum(1 for c in sample if "\u3040" <= c <= "\u30ff")
    if kana > 10:
        return "ja"
    hangul = sum(1 for c in sample if "\uac00" <= c <= "\ud7af")
    if hangul > 10:
        return "ko"
    cyr = sum(1 for c in sample if "\u0400" <= c <= "\u04ff")
    letters = sum(1 for c in sample if c.isalpha()) or 1
    if cyr / letters > 0.5:
        return "ru"
    han = len(_CJK.findall(sample))
    if han / letters > 0.5:
        return "zh"
    latin = sum(1 for c in sample if c.isascii() and c.isalpha())
    if latin / letters > 0.9 and re.search(r"\b(the|and|of|to|in)\b", sample, re.I):
        return "en"
    return None


def guess_language(tree: _Element, text: str) -> str | None:
    """The declared language, else a guess from the script of the text."""
    return declared_language(tree) or language_from_text(text)


#: the ``href`` of every ``a`` and ``area`` element, document order, as plain strings
_HREFS = etree.XPath("descendant-or-self::a/@href | descendant-or-self::area/@href",
                     smart_strings=False)


def outlinks(url: str, tree: _Element) -> list[str]:
    """Absolute http(s) link targets of the page, fragments removed, first occurrence order."""
    seen: dict[str, None] = {}
    # the same href is often on a page many times (navigation, footer): resolve it once
    resolved: dict[str, str | None] = {}
    origin = url_origin(url)
    # the href strings themselves, in document order, without an element proxy per link (an
    # XPath with plain strings: no smart string per attribute either)
    for raw in _HREFS(tree):
        href = raw.strip()
        if href in resolved:
            target = resolved[href]
        else:
            target = resolved[href] = fast_link(origin, href) or absolute_link(url, href)
        if target is None:
            continue
        seen.setdefault(target, None)
        if len(seen) >= MAX_OUTLINKS:
            break
    return list(seen)


def _link_density(tree: _Element) -> float:
    body = tree.find("body")
    root = body if body is not None else tree
    total = len(clean_ws(root.text_content()))
    if not total:
        return 1.0
    linked = sum(len(clean_ws(a.text_content())) for a in root.iter("a"))
    return linked / total


def _body_length(text: str) -> int:
    """Length of a text for judging whether it is long: characters, CJK ones counting twice
    (a Japanese or Chinese character carries about what two or three Latin letters do: a
    900-character Japanese article is a full one)."""
    return len(text) + (0 if text.isascii() else len(_CJK.findall(text)))


def _unlinked_length(tree: _Element, text: str) -> int:
    """:func:`_body_length` of the extracted ``text`` outside link texts: the text of the
    page's links (at least ``_MIN_LINK_TEXT`` characters) found in a line does not count, nor
    does a line that is at least half link text (a headline with its time, a row of links).
    A listing's text is mostly its links; an article's text is its own, however many links
    surround it on the page."""
    labels = {clean_ws(a.text_content()) for a in tree.iter("a")}
    found = [x for x in labels if len(x) >= _MIN_LINK_TEXT and x in text]
    unlinked = 0
    for line in text.split("\n"):
        item = line[2:] if line.startswith("- ") else line
        linked = [(x, item.count(x)) for x in found if x in item]
        linked_chars = sum(len(x) * n for x, n in linked)
        if linked_chars * 2 >= len(item):
            continue
        unlinked += _body_length(item) - sum(_body_length(x) * n for x, n in linked)
    return max(unlinked, 0)


def _ld_article(tree: _Element, scripts: list[_Element] | None = None
                ) -> dict[str, Any] | None:
    for obj in json_ld(tree, scripts):
        types = obj.get("@type")
        types = set(types) if isinstance(types, list) else {types}
        if types & ARTICLE_LD_TYPES:
            return obj
    return None


def _ld_author(obj: dict[str, Any] | None) -> str | None:
    if not obj:
        return None
    author = obj.get("author")
    items = author if isinstance(author, list) else [author]
    names = []
    for a in items:
        if isinstance(a, dict) and a.get("name"):
            names.append(str(a["name"]))
        elif isinstance(a, str):
            names.append(a)
    return "; ".join(names) or None


def _trafilatura(html: str | _Element, url: str) -> Any:
    import trafilatura

    return trafilatura.bare_extraction(html, url=url, **TRAFILATURA_OPTIONS)


def _trafilatura_metadata(page: str | _Element, url: str) -> Any:
    """trafilatura's metadata of a page (title, author, date...): the same values as
    ``bare_extraction(..., with_metadata=True)`` gives (it calls the same function on the same
    freshly parsed tree, with the same default date settings), but only computed when a
    fallback needs them: it costs about a third of the extraction (htmldate, licence and
    category scans). ``page``: the HTML, or the tree :func:`_parse` made of it, unmodified
    (``bare_extraction`` works on its own copy of a tree it is given, so the extractor's tree
    is still that after it); the tree may be modified."""
    import trafilatura

    return trafilatura.extract_metadata(page, default_url=url)


def _trafilatura_title_author(page: str | _Element, url: str) -> Any:
    """``title`` and ``author`` exactly as :func:`_trafilatura_metadata` gives them (the first
    steps of ``trafilatura.extract_metadata``, then its ``clean_and_trim`` of those two
    fields), without the date search, site name, categories, tags and licence it goes on to
    compute: about 40 % of its cost. ``tests/test_page.py`` checks the equality on every
    bundled page; should trafilatura's internals move, the whole function is used instead.
    ``page`` as for :func:`_trafilatura_metadata`: reusing the tree saves a parse."""
    from html import unescape
    from types import SimpleNamespace

    try:
        from trafilatura.metadata import (
            examine_meta,
            extract_author,
            extract_meta_json,
            extract_title,
        )
        from trafilatura.utils import line_processing, load_html
    except ImportError:  # pragma: no cover - another trafilatura layout
        full = _trafilatura_metadata(page, url)
        return SimpleNamespace(title=full.title, author=full.author)
    tree = load_html(page)
    if tree is None:
        return SimpleNamespace(title=None, author=None)
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception:  # noqa: BLE001 - as extract_metadata: bugs in its JSON metadata code
        pass
    if not metadata.title:
        metadata.title = extract_title(tree)
    if not metadata.author:
        metadata.author = extract_author(tree)

    def trimmed(value: Any) -> Any:  # Document.clean_and_trim, one field
        if not isinstance(value, str):
            return value
        if len(value) > 10000:
            value = value[:9999] + "…"
        return line_processing(unescape(value))

    return SimpleNamespace(title=trimmed(metadata.title), author=trimmed(metadata.author))


def _normalise_text(text: str) -> str:
    """One paragraph per line, no trailing spaces, NFC, no empty lines at the ends."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    # clean_ws on every line, in one pass: the space runs it collapses never hold a newline
    text = collapse_spaces(text)
    lines = [line.strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def extract_page(
    url: str,
    html: str,
    *,
    site: str | None = None,
    parts: list[tuple[str, str]] | None = None,
    requisites: bool = False,
    metadata: bool = True,
) -> ExtractionResult:
    """Extract the article from ``html`` (page 1) and ``parts`` (pages 2..n as (url, html));
    with ``requisites``, an article's page requisites too.

    ``metadata=False`` is for callers that want the text only (``archive extract`` without
    ``--json``): title, author and date come from the site rules and the page's own markup,
    without trafilatura's metadata search (its date search is the costliest part of a page
    that has no date markup); the text and the article test are the same.

    Never raises: an error becomes ``reason="error: ..."`` with no article.
    """
    started = time.perf_counter()
    try:
        result = _extract(url, html, site, parts or [], requisites, metadata)
    except Exception as exc:  # noqa: BLE001 - extraction must never stop a crawl
        result = ExtractionResult(None, "none", f"error: {type(exc).__name__}: {exc}")
    result.seconds = round(time.perf_counter() - started, 6)
    return result


def _parse(html: str) -> tuple[_Element, bool]:
    """Parse once, as trafilatura itself would (its ``load_html``), so the same tree serves our
    rules and metadata and then trafilatura, which gets exactly the input it would have built
    from the string. Returns (tree, whether trafilatura can use it); where trafilatura rejects
    the document, our lenient parse is used for the rest."""
    from trafilatura.utils import load_html

    try:
        tree = load_html(html)
    except Exception:  # noqa: BLE001 - a document trafilatura cannot load at all
        tree = None
    if tree is None:
        return parse_html(html), False
    return tree, True


def _facts(url: str, tree: _Element) -> dict[str, Any]:
    """What the page's own markup says, read before trafilatura (which modifies the tree).

    One walk over the elements that can say it (``meta``, ``title``, ``time``, ``link``,
    ``script``), then the same selectors as :func:`sites.base.first_text` would apply one
    tree walk each: ``meta[property='og:type']`` is the metas whose ``property`` is exactly
    ``og:type``, in document order, and so on."""
    heads = list(tree.iter("meta", "title", "time", "link", "script"))
    metas = [el for el in heads if el.tag == "meta"]

    def meta(attr: str, value: str) -> list[_Element]:
        return [el for el in metas if el.get(attr) == value]

    ld = _ld_article(tree, [el for el in heads if el.tag == "script"
                            and el.get("type") == "application/ld+json"])
    # og:type as specified (property=, content=), and as often written (name=, value=)
    og_types = [el for el in metas if el.get("property") == "og:type"
                or el.get("name") == "og:type"]
    og_type = (first_value(og_types, ("content", "value")) or "").lower()
    signal = og_type == "article" or ld is not None
    date = (ld or {}).get("datePublished")
    if not date:
        dated = ("content", "datetime")
        date = (first_value(meta("property", "article:published_time"), dated)
                or first_value(meta("name", "pubdate"), dated)
                or first_value(meta("itemprop", "datePublished"), dated)
                or first_value([el for el in heads if el.tag == "time"
                           and el.get("datetime") is not None], dated))
    return {
        "ld": ld,
        "signal": signal,
        "og_title": first_value(meta("property", "og:title")),
        "title": first_value([el for el in heads if el.tag == "title"]),
        "meta_author": first_value(meta("name", "author")),
        "date": date,
        "canonical": canonical_url(url, tree, [
            el for el in heads
            if (el.tag == "link" and el.get("rel") == "canonical")
            or (el.tag == "meta" and el.get("property") == "og:url")]),
        "language": declared_language(tree),
        # only pages with no article signal are judged by their link density
        "link_density": None if signal else _link_density(tree),
    }


def _extract(
    url: str, html: str, site: str | None, parts: list[tuple[str, str]], requisites: bool,
    metadata: bool = True,
) -> ExtractionResult:
    tree, usable = _parse(html)
    # read before anything else looks at the tree (the rules and trafilatura work on copies)
    found = page_requisites(url, tree) if requisites else []
    result = _extract_tree(url, tree, usable, site, parts, metadata)
    if requisites and result.article is not None:
        result.requisites = [(url, r.url, r.kind) for r in found]
        for part_url, part_html in parts:
            result.requisites.extend(
                (part_url, r.url, r.kind) for r in page_requisites(part_url, parse_html(part_html)))
    return result


def _extract_tree(
    url: str, tree: _Element, usable: bool, site: str | None, parts: list[tuple[str, str]],
    metadata: bool = True,
) -> ExtractionResult:
    links = outlinks(url, tree)
    rules = sites.rules_for(url, tree, site)
    # the site's known chrome (text), applied wherever it sits: in the rules' tree after their
    # noise selectors, on their text, and on trafilatura's when they found no body
    site_name = rules.name if rules is not None else (site or sites.site_for_url(url))
    site_chrome = sitechrome.for_site(site_name)
    found = None
    method = "trafilatura"
    if rules is not None:
        if site_chrome is not None:
            rules.clean_chrome = site_chrome.prune
        found = rules.extract(url, copy_tree(tree))
        if found is None:
            return ExtractionResult(None, f"site:{rules.label()}", "not-article: site rules",
                                    outlinks=links)
        method = f"site:{rules.label()}"
        # pages 2..n by the rules; a page whose body they did not find: trafilatura's text
        # of it, without the site's chrome (appended after page 1's text, however found)
        part_texts: list[str] | None = []
        part_readers: list[str] = []
        for part_url, part_html in parts:
            part_tree = parse_html(part_html)
            part = rules.extract(part_url, part_tree)
            if part is not None and part.text:
                part_texts.append(part.text)
            elif part is not None and site_chrome is not None:
                part_text, reader = _chrome_fallback(part_url, part_html, site_chrome, rules)
                part_texts.append(part_text)
                part_readers.append(reader)
            links.extend(u for u in outlinks(part_url, part_tree) if u not in links)
        if site_chrome is not None:
            found.text = site_chrome.clean(found.text)
            part_texts = [site_chrome.clean(t) for t in part_texts]
        if found.text.strip():
            found.text = "\n".join([found.text, *part_texts]).strip()
            part_texts = None
            if part_readers:
                readers = "+".join(sorted(set(part_readers)))
                method = f"{method}+parts:{readers}+chrome"
    else:
        part_texts = None

    facts = _facts(url, tree)
    doc = None
    meta_tree = False  # whether trafilatura's metadata may be read (a fallback read the page)
    text = _normalise_text(found.text) if found is not None else ""
    judged = text
    ja_chrome = None
    heads: set[str] = set()
    lead = None
    #: the body found by structure where the rules found none (:mod:`sitebody`)
    structured = None
    if not text and site_chrome is not None:
        # a page of a site with rules whose body they did not find (the markup drifted, or no
        # era fits): trafilatura reads the page, without the site's chrome
        heads = chrome.headlines(tree, facts["og_title"], facts["title"])
        lead = rules.lead(tree) if rules is not None else None
        structured = _structured_body(tree, site_chrome, rules, heads,
                                      (found.author if found else None) or facts["meta_author"])
        if rules is not None:
            rules.remove_noise(tree)  # the noise selectors that still match, then the chrome
        else:
            site_chrome.prune(tree)
    if rules is None and chrome.is_japanese(tree, facts["language"]):
        # Japanese news chrome, by structure (the tree, before trafilatura) and by text (after)
        ja_chrome = chrome.rules()
        heads = heads or chrome.headlines(tree, facts["og_title"], facts["title"])
        chrome.prune(tree, ja_chrome)
    if not text:
        # trafilatura works on its own copy of the tree (bare_extraction copies a tree it is
        # given): ours stays as parsed (or pruned of chrome), for trafilatura's metadata below
        reader = "trafilatura"
        if structured is not None:
            # the site's body by structure: trafilatura's metadata stays available (below)
            reader = "structure"
            text = _normalise_text(structured)
            meta_tree = usable
        else:
            doc = _trafilatura(tree, url) if usable else None
            text = _normalise_text(doc.text or "") if doc is not None else ""
            meta_tree = doc is not None
        judged = text  # the lengths of the article test are those of the text found
        if ja_chrome is not None:
            text = chrome.clean_text(text, ja_chrome, heads)
        if site_chrome is not None:
            text = site_chrome.clean(text, heads)
            if lead and text and _normalise_text(lead) not in text:
                text = _normalise_text(lead) + "\n" + text  # trafilatura dropped it
        if part_texts is not None:  # read by the rules (or their fallback) above
            text = "\n".join([text, *(_normalise_text(t) for t in part_texts)]).strip()
        for part_url, part_html in parts if part_texts is None else []:
            if site_chrome is not None:
                part_text, _ = _chrome_fallback(part_url, part_html, site_chrome, rules, heads)
            else:
                part_doc = _trafilatura(part_html, part_url)
                part_text = _normalise_text(part_doc.text or "") if part_doc is not None else ""
            if part_text:
                text = (text + "\n" + part_text).strip()
        method = f"{method}+{reader}" if found is not None else reader
        if site_chrome is not None:
            # the site's rules found no body: say where the text came from
            prefix = method if found is not None else f"site:{site_name}+{reader}"
            method = f"{prefix}+chrome"

    ld = facts["ld"]
    if found is None:
        signal = facts["signal"]
        if not text:
            return ExtractionResult(None, method, "not-article: no text", outlinks=links)
        # judged on the text found, before the chrome layer took the repeated headline and the
        # like off it: a short news item stays an article
        if signal and len(judged) < MIN_CHARS_WITH_SIGNAL:
            return ExtractionResult(None, method, "not-article: too short", outlinks=links,
                                    best_text=text)
        if not signal:
            if len(judged) < MIN_CHARS:
                return ExtractionResult(None, method, "not-article: too short", outlinks=links,
                                        best_text=text)
            if facts["link_density"] >= 0.5 and (
                    _body_length(judged) < LONG_BODY_CHARS
                    or _unlinked_length(tree, judged) < LONG_BODY_CHARS):
                return ExtractionResult(None, method, "not-article: mostly links",
                                        outlinks=links, best_text=text)
    elif not text:
        return ExtractionResult(None, method, "not-article: empty body", outlinks=links)

    def pick(site_value: str | None, *fallbacks: str | None) -> str | None:
        for value in (site_value, *fallbacks):
            if value and str(value).strip():
                return clean_ws(str(value))
        return None

    published = found.published if found else None
    if not published:
        raw = facts["date"]
        published = normalise_datetime(str(raw)) if raw else None
    # trafilatura's metadata is a fallback after the page's own markup: computed on first need
    # (only for pages trafilatura extracted), at most once; when the date is not needed from
    # it, only its title and author (the same values, without htmldate and the other scans)
    needs_date = not published and meta_tree and metadata
    metadata_cache: dict[str, Any] = {}

    def doc_meta() -> Any:
        if not meta_tree or not metadata:
            return None
        if not metadata_cache:
            # the tree, as parsed (not read where trafilatura could not use it)
            metadata_cache["meta"] = (_trafilatura_metadata(tree, url) if needs_date
                                      else _trafilatura_title_author(tree, url))
        return metadata_cache["meta"]

    title = pick(found.title if found else None, facts["og_title"]) or pick(
        getattr(doc_meta(), "title", None), facts["title"]
    )
    author = pick(found.author if found else None)
    if author is None and (rules is None or rules.author_fallback):
        author = pick(_ld_author(ld)) or pick(
            getattr(doc_meta(), "author", None), facts["meta_author"]
        )
    if needs_date and getattr(doc_meta(), "date", None):
        published = normalise_datetime(doc_meta().date)
    canonical = (found.canonical_url if found else None) or facts["canonical"] or url
    language = (found.language if found else None) or facts["language"] or \
        language_from_text(text)
    article = {
        "url": url,
        "canonical_url": canonical,
        "title": title,
        "author": author,
        "published": published,
        "site": rules.name if rules is not None else _site_name(url),
        "language": language,
        "text": text,
        "word_count": word_count(text),
        "method": method,
    }
    if found is not None and found.meta:
        article["site_meta"] = found.meta
    if parts:
        article["pages"] = [url] + [u for u, _ in parts]
    return ExtractionResult(article, method, "article", outlinks=links)


def _chrome_fallback(url: str, html: str, site_chrome: sitechrome.SiteChrome,
                     rules: sites.SiteRules | None, heads: set[str] | None = None
                     ) -> tuple[str, str]:
    """(text, reader) of a page of a site whose rules found no body on it: its body found by
    structure (reader ``structure``, :mod:`sitebody`), else trafilatura's text of it
    (``trafilatura``); without the site's chrome (its noise selectors that still match, its
    chrome strings), standfirst kept."""
    tree = parse_html(html)
    if heads is None:
        heads = chrome.headlines(tree, first_text(tree, ("meta[property='og:title']",)),
                                 first_text(tree, ("title",)))
    lead = rules.lead(tree) if rules is not None else None
    structured = _structured_body(tree, site_chrome, rules, heads,
                                  rules.author(tree) if rules is not None else None)
    if rules is not None:
        rules.remove_noise(tree)
    else:
        site_chrome.prune(tree)
    reader = "structure"
    if structured is None:
        doc = _trafilatura(tree, url)
        structured = doc.text or "" if doc is not None else ""
        reader = "trafilatura"
    text = site_chrome.clean(_normalise_text(structured), heads)
    if lead and text and _normalise_text(lead) not in text:
        text = _normalise_text(lead) + "\n" + text
    return text, reader


def _structured_body(tree: _Element, site_chrome: sitechrome.SiteChrome,
                     rules: sites.SiteRules | None, heads: set[str],
                     author: str | None = None) -> str | None:
    """The body of a page whose rules found none, by structure (:func:`sitebody.find_body`),
    read from a copy of ``tree`` without the noise selectors that still match: the site's
    chrome headings stay in it, as the ends of the runs of lines the body is looked for in."""
    copy = copy_tree(tree)
    if rules is not None:
        rules.remove_noise(copy, chrome=False)
    return sitebody.find_body(copy, site_chrome, heads, author)


def _site_name(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host
