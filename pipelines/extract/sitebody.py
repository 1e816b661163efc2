"""A site's article body found by structure, for pages whose rules find no body container.

Class and id names drift, wrappers come and go, tables become ``div``s: the container the
rules select may be gone while the article is still there. :func:`find_body` reads the page
as lines (one per block or ``<br>``, as the rules read a container) and values each: its own
text (CJK counting twice); a link line, a site chrome line, a bare date or a signature costs
its length, a site chrome heading ("この筆者のコラム", "Read more") more; captions, card titles,
embedded posts, bylines, a section heading's text, an author's box count nothing. The run of
lines worth most is the body, never across the headline; its subheadings stay, lines worth
nothing or less go, a standfirst moved away from it comes back. The page's extractor calls it
(``site:<rules>+structure+chrome``) before trafilatura's text of the whole page. No class or
id name is read here. More: docs/extraction.md, docs/benchmarks.md ("Markup drift").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml.etree import _Element

from pipelines.extract import chrome
from pipelines.extract.sitechrome import SiteChrome, lead_form
from sites.base import BLOCK_TAGS

_SKIP = frozenset({"script", "style", "noscript", "form", "button", "select", "template",
                   "head", "title", "iframe", "textarea", "option"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_FIGURE = frozenset({"figure", "figcaption"})
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
#: a line beside an image no longer than this (weighted) is its caption
MAX_CAPTION = 120
#: a caption by place (the only text of its image's container) is no longer than this
MAX_FIGURE_CAPTION = 600
#: a line opening with this many characters of an image's ``alt`` is its caption
MIN_ALT = 20
_POST_LINK = re.compile(r"(?:twitter|x)\.com/[^/]+/status/|instagram\.com/(?:p|reel)/"
                        r"|facebook\.com/[^/]+/posts/")
#: a card's title (the second short line after its thumbnail) is no longer than this
MAX_CARD_LINE = 60
#: a line at least this much link text is a link line
LINK_LINE = 0.5


@dataclass
class Line:
    """One line of the page, as the rules would print it, with what it is."""

    text: str
    linked: int = 0  #: characters of link text (whitespace left out)
    chars: int = 0  #: characters of text (whitespace left out)
    heading: str = ""  #: ``h1``...``h6`` when the line is (inside) a heading
    #: inside ``figure``/``figcaption``, or the only text beside its image (in the image's
    #: container, or opening with the image's ``alt``)
    figure: bool = False
    image_before: bool = False  #: an image since the previous line
    #: the line before is this one's image's first line (a card: image, label, title)
    second_after_image: bool = False
    #: inside an embedded social post (a quote linking to the post: tweets, Instagram)
    embed: bool = False


def _squashed(text: str) -> str:
    return "".join(text.split())


def _beside(image: _Element, text: str) -> bool:
    """Whether ``text`` is an image's caption by place: the only text of the image's
    container, or opening as the image's ``alt`` does."""
    parent = image.getparent()
    own = _squashed(text)
    if parent is not None and _squashed(parent.text_content()) == own:
        return True
    alt = _squashed(image.get("alt") or "")
    return len(alt) >= MIN_ALT and own[:MIN_ALT] == alt[:MIN_ALT]


def _is_embed(quote: _Element) -> bool:
    """A quote that links to a social post (what embedding scripts turn into a card)."""
    return any(_POST_LINK.search(a.get("href") or "") for a in quote.iter("a"))


def weight(text: str) -> int:
    """Length with CJK characters counting twice (as the extractor's article test)."""
    return len(text) + len(_CJK.findall(text))


def page_lines(root: _Element) -> list[Line]:
    """The lines of ``root`` in document order (as :func:`sites.base.block_text` splits them)."""
    lines: list[Line] = []
    parts: list[tuple[str, bool]] = []
    state: dict[str, Any] = {"heading": "", "figure": False, "image": None, "second": False,
                             "embed": False}

    def flush() -> None:
        text = " ".join("".join(t for t, _ in parts).split())
        if text:
            chars = sum(len("".join(t.split())) for t, _ in parts)
            linked = sum(len("".join(t.split())) for t, link in parts if link)
            image = state["image"]
            figure = bool(state["figure"]) or (image is not None and _beside(image, text))
            lines.append(Line(text, linked, chars, str(state["heading"]), figure,
                              image is not None, bool(state["second"]), bool(state["embed"])))
            state["second"] = image is not None and weight(text) <= MAX_CARD_LINE
            state["image"] = None
        parts.clear()
        state["heading"] = ""
        state["figure"] = False
        state["embed"] = False

    def walk(el: _Element, link: bool, heading: str, figure: bool) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in _SKIP:
            return
        if tag == "img":
            state["image"] = el
            state["second"] = False
            return
        if tag == "blockquote" and _is_embed(el):
            flush()
            before = len(lines)
            walk_children(el, link, heading, figure)
            flush()
            for line in lines[before:]:
                line.embed = True
            return
        link = link or tag == "a"
        if tag in _HEADINGS:
            heading = tag
        figure = figure or tag in _FIGURE
        block = tag in BLOCK_TAGS
        if block or tag == "br":
            flush()
        walk_children(el, link, heading, figure)
        if block:
            flush()

    def walk_children(el: _Element, link: bool, heading: str, figure: bool) -> None:
        if el.text:
            add(el.text, link, heading, figure)
        for child in el:
            walk(child, link, heading, figure)
            if child.tail:
                add(child.tail, link, heading, figure)

    def add(text: str, link: bool, heading: str, figure: bool) -> None:
        parts.append((text, link))
        if text.strip():
            if heading and not state["heading"]:
                state["heading"] = heading
            state["figure"] = state["figure"] or figure

    walk(root, False, "", False)
    flush()
    return lines


#: what crossing one of the site's chrome headings costs a run, beyond its length: a short
#: box inside the article ("Read more" and a link) is crossed, the page's furniture after
#: the article (heading after heading, list after list) is not
HEADING_COST = 60
#: what a bare date line (a list's "2024.02.01", a date under a headline) costs beyond its
#: length: a list of headlines with their dates is worth nothing
DATE_COST = 50
#: a bare date (and time) line
_DATE = re.compile(r"\d{1,4}\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,4}\s*日?(?:\s*[(（].{1,3}[)）])?"
                   r"(?:,?\s*\d{1,2}\s*[:時]\s*\d{2}\s*分?)?")
#: a headline cut short is recognised from this many characters of it
MIN_CUT_HEADLINE = 8
_DATE_AT_END = re.compile(rf"\s(?:{_DATE.pattern})$")
#: a line closed by a date is a signature up to this length (weighted)
MAX_SIGNATURE = 60
#: a byline is at most this much longer than the author's name it holds
BYLINE_EXTRA = 16
#: a line at the start of a run this short (weighted), ending in no sentence-final mark, is
#: the header's (a byline, a label)
MAX_RESIDUE = 40
#: ... and at its end, this short
MAX_TAIL_RESIDUE = 60
#: what ends a sentence (a Japanese byline's "（本誌記者）" does not; "(Reuters)" does)
_SENTENCE_END = tuple("。．.!?！？」』＞>\"”’)")
#: a standfirst apart from the body is at least this long (weighted)
MIN_LEAD = 60
#: an author's box above the author's name holds at most this many lines
MAX_BOX_LINES = 2
#: a run worth less than this (weighted characters) is no article body: trafilatura reads
#: the page instead
MIN_BODY = 200


def line_value(line: Line, site_chrome: SiteChrome) -> float:
    """What a line adds to a run: its text (CJK counting twice), less its link text; a link
    line or a chrome line costs its length, a bare date line more; a caption, a line of no
    letters ("1" of a pager) add nothing."""
    size = weight(line.text)
    if line.linked >= LINK_LINE * line.chars or site_chrome.is_chrome_line(line.text):
        return -float(size)
    if is_date(line.text):
        return -float(size + DATE_COST)
    if line.embed or is_caption(line) or not any(c.isalpha() for c in line.text):
        return 0.0
    return size * (1 - line.linked / max(line.chars, 1))


def is_headline(text: str, heads: set[str]) -> bool:
    """Whether a line is the page's headline, or its start cut short ("…", "...": a
    breadcrumb's last step)."""
    core = chrome.core(text)
    if core in heads:
        return True
    cut = text.rstrip()
    if not cut.endswith(("…", "...")):
        return False
    start = chrome.core(cut.rstrip("….").rstrip())
    return len(start) >= MIN_CUT_HEADLINE and any(h.startswith(start) for h in heads)


def is_date(text: str) -> bool:
    """Whether a line is a bare date (and time), or a short line closed by one (a comment's
    or a list item's signature: ``Vladimir K. 02.11.2013 21:48``)."""
    text = text.strip()
    if _DATE.fullmatch(text) is not None:
        return True
    found = _DATE_AT_END.search(text)
    return found is not None and found.start() > 0 and weight(text) <= MAX_SIGNATURE


def is_byline(text: str, author: str | None) -> bool:
    """Whether a short line names the author (``山本美咲（本誌記者）``, ``By Jane Doe``)."""
    return bool(author) and author in text and len(text) <= len(author) + BYLINE_EXTRA


def is_caption(line: Line) -> bool:
    """A short line in a figure or right after an image, or a card's title (a short line
    after an image's short first line: thumbnail, label, title)."""
    size = weight(line.text)
    if line.second_after_image and not line.heading:
        return size <= MAX_CARD_LINE
    if line.figure:
        return size <= MAX_FIGURE_CAPTION
    return line.image_before and size <= MAX_CAPTION


def best_run(values: list[float | None]) -> tuple[int, int, float]:
    """(start, end, value) of the run of consecutive values with the highest sum, never
    over a None (Kadane's algorithm); (0, 0, 0.0) when no run is worth anything."""
    best = (0, 0, 0.0)
    start, total = 0, 0.0
    for i, value in enumerate(values):
        if value is None:
            start, total = i + 1, 0.0
            continue
        if total <= 0:
            start, total = i, 0.0
        total += value
        if total > best[2]:
            best = (start, i + 1, total)
    return best


def find_body(tree: _Element, site_chrome: SiteChrome, heads: set[str],
              author: str | None = None) -> str | None:
    """The article body of ``tree`` (without the site's noise) as text, one line per
    paragraph; None when no run of lines is worth :data:`MIN_BODY`. ``heads``: the cores of
    the page's headlines (:func:`chrome.headlines`); ``author``: the article's author, whose
    byline is not body text."""
    body = tree.find("body")
    lines = page_lines(body if body is not None else tree)
    values: list[float | None] = []
    owned = False  # in the section a chrome heading heads (its text is not the article's)
    for line in lines:
        value = line_value(line, site_chrome)
        if line.heading == "h1" or is_headline(line.text, heads):
            values.append(None)
            owned = False
        elif site_chrome.rules.is_heading(line.text):
            values.append(-float(weight(line.text) + HEADING_COST))
            # a section heading (one of the site's whole chrome lines, "プロフィール", or an
            # h2-h6 element) heads the text after it; a link ("Read more") or a box's label
            # ("あわせて読む", which drift may put after its links) heads nothing
            owned = line.linked < LINK_LINE * line.chars and (
                bool(line.heading) or lead_form(line.text) in site_chrome.whole)
        elif value < 0:
            values.append(value)
            owned = False
        elif owned or is_byline(line.text, author):
            values.append(0.0)
        else:
            values.append(value)
    _author_boxes(lines, values, author)
    start, end, value = best_run(values)
    if value < MIN_BODY:
        return None
    kept = [line for line, value in zip(lines[start:end], values[start:end], strict=True)
            if value and value > 0]
    while kept and is_header_residue(kept[0]):
        kept.pop(0)  # a byline, a label left over from the header: the body opens with a sentence
    while kept and is_header_residue(kept[-1], MAX_TAIL_RESIDUE):
        kept.pop()  # a card's label and title: the body closes with a sentence
    lead = standfirst(lines, values, start)
    if lead is not None:
        kept.insert(0, lead)
    return "\n".join(line.text for line in kept)


def _author_boxes(lines: list[Line], values: list[float | None], author: str | None) -> None:
    """An author's box is no body text: the lines of a short run (at most
    :data:`MAX_BOX_LINES`, after a line worth nothing) just before a line that is the
    author's name alone count nothing (the profile above its name; under a "profile"
    heading it is owned by that heading already)."""
    name = chrome.core(author or "")
    if not name:
        return
    for i, line in enumerate(lines):
        if chrome.core(line.text) != name:
            continue
        box = []
        for j in range(i - 1, -1, -1):
            if (values[j] or 0) <= 0:
                break
            box.append(j)
        else:
            continue  # the page's first lines: no separator before them
        if box and len(box) <= MAX_BOX_LINES:
            for j in box:
                values[j] = 0.0


def standfirst(lines: list[Line], values: list[float | None], start: int) -> Line | None:
    """The first line worth something after the headline, when chrome lines come between it
    and the run that starts at ``start`` (a standfirst the page's blocks moved away from the
    body): a line of :data:`MIN_LEAD` or more that is no header residue; else None."""
    stops = [i for i in range(start) if values[i] is None]
    if not stops:
        return None
    after = [i for i in range(stops[-1] + 1, start) if (values[i] or 0) > 0]
    if not after:
        return None
    line = lines[after[0]]
    if weight(line.text) < MIN_LEAD or is_header_residue(line):
        return None
    return line


def is_header_residue(line: Line, limit: int = 0) -> bool:
    """A short line (``limit``, :data:`MAX_RESIDUE` by default) that is no sentence and no
    subheading (``鈴木一郎（本誌記者）``, a section label): at the start of a run, what the
    header left; at its end, what a list next to it left."""
    text = line.text.rstrip()
    return not line.heading and weight(text) <= (limit or MAX_RESIDUE) \
        and not text.endswith(_SENTENCE_END)
