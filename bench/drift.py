"""Markup drift: do the site rules hold on other renderings of the same pages?

    python -m bench.drift [--site S] [--json]

Every expected case of asyura, rt, ruvr and newsweekjapan (``tests/expected/<site>``) is
rewritten by seeded lxml tree transforms (:data:`VARIANTS`; every page of a multi-page case
alike): class and id values renamed (all, or some), wrapper elements added or removed, chrome
blocks reordered, ``<font>`` and ``<table>`` layouts swapped for ``<span>``/``<div>``. Each
variant is extracted as the crawl extracts it and scored with bench/quality.py's 4-token
shingle F1 against the case's expected text. A leak: a known chrome string (the site's
``CHROME_STRINGS``, bench/quality.py's ``BOILERPLATE``) in our text but not in the expected
one. ``tests/test_drift.py`` requires no leak and F1 >= :data:`MIN_F1` on every variant.
The same seed gives the same variants: the transforms draw from ``random.Random(seed)``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import html as lxml_html
from lxml.etree import _Element

from bench import quality

#: the sites whose rules the drift test exercises
SITES: tuple[str, ...] = ("asyura", "newsweekjapan", "rt", "ruvr")
#: every variant must reach this 4-token shingle F1 against the expected text
MIN_F1 = 0.98

_BLOCKS = frozenset(
    "div p section article aside nav header footer ul ol dl table form center blockquote "
    "figure h1 h2 h3 h4 h5 h6 main".split())
#: block elements that may be moved as a whole by :func:`reorder`
_MOVABLE = _BLOCKS - {"h1", "main", "article"}
#: line breaks: a block may be put between two of these (or blocks) without joining lines
_BREAKS = _BLOCKS | {"br", "hr"}
#: elements never wrapped nor unwrapped (table and list structure, the page itself)
_STRUCTURE = frozenset(
    "html head body title meta link script style noscript tr td th tbody thead tfoot li dt dd "
    "option select textarea input br hr img iframe caption col colgroup".split())
_UNWRAPPABLE = frozenset("div span font section center b i small big article aside".split())


# ------------------------------------------------------------------------------ transforms


def _body(tree: _Element) -> _Element:
    body = tree.find("body")
    return body if body is not None else tree


def _elements(tree: _Element) -> list[_Element]:
    """The body's elements (no comments), document order."""
    return [el for el in _body(tree).iter() if isinstance(el.tag, str)]


def rename(tree: _Element, rng: random.Random, share: float = 1.0) -> None:
    """Give each class name and id value a new random name with probability ``share``,
    the same new name wherever the old one is used on the page."""
    names: dict[str, str] = {}

    def new(old: str) -> str:
        if old not in names:
            names[old] = f"x{rng.randrange(16**6):06x}" if rng.random() < share else old
        return names[old]

    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        if el.get("class"):
            el.set("class", " ".join(new(c) for c in el.get("class", "").split()))
        if el.get("id"):
            el.set("id", new(el.get("id", "")))


def wrap(tree: _Element, rng: random.Random, share: float = 0.35) -> None:
    """Put a ``<div>`` around block elements and a ``<span>`` around inline ones."""
    for el in _elements(tree):
        parent = el.getparent()
        if el.tag in _STRUCTURE or parent is None or el is _body(tree) or rng.random() >= share:
            continue
        wrapper = lxml_html.Element("div" if el.tag in _BLOCKS else "span")
        wrapper.set("class", f"w{rng.randrange(16**4):04x}")
        parent.replace(el, wrapper)
        wrapper.append(el)
        wrapper.tail, el.tail = el.tail, None


def unwrap(tree: _Element, rng: random.Random, share: float = 0.5) -> None:
    """Replace ``div``/``span``/``font``/``section``... elements by their content; a block's
    content keeps its own lines (a ``<br>`` before and after where text would join)."""
    for el in reversed(_elements(tree)):
        parent = el.getparent()
        if el.tag not in _UNWRAPPABLE or parent is None or rng.random() >= share:
            continue
        block = el.tag in _BLOCKS
        index = parent.index(el)
        moved: list[Any] = list(el)
        if block:
            moved = [lxml_html.Element("br"), *moved, lxml_html.Element("br")]
            moved[0].tail = el.text
        else:
            _add_text_before(el, el.text or "")
        last_tail = el.tail
        parent.remove(el)
        for offset, child in enumerate(moved):
            parent.insert(index + offset, child)
        if moved:
            moved[-1].tail = (moved[-1].tail or "") + (last_tail or "")
        else:
            _add_text_before_index(parent, index, last_tail or "")


def _add_text_before(el: _Element, text: str) -> None:
    parent = el.getparent()
    if not text or parent is None:
        return
    _add_text_before_index(parent, parent.index(el), text)


def _add_text_before_index(parent: _Element, index: int, text: str) -> None:
    if not text:
        return
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        prev = parent[index - 1]
        prev.tail = (prev.tail or "") + text


def _squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


def _is_content(el: _Element, want: str, anchors: list[str]) -> bool:
    """Whether ``el`` (or its tail) carries text of the article: a line of the expected text,
    its title or byline (``anchors``), or text found in them (``want``; both squashed: no
    whitespace)."""
    if _squash(el.tail or ""):
        return True  # its tail travels with it: never move text of unknown kind
    text = _squash(el.text_content())
    if len(text) >= 6 and text in want:
        return True
    return any(anchor in text for anchor in anchors)


def reorder(tree: _Element, rng: random.Random, want: str) -> None:
    """Permute the chrome blocks of each parent among their own places: blocks that carry no
    article text, title or byline (``want``) swap places with each other, the article's
    blocks stay where they are, and a block only moves into a place between line breaks."""
    squashed = _squash(want)
    anchors = [a for a in map(_squash, want.splitlines()) if len(a) >= 4]
    for parent in _elements(tree):
        kids = [k for k in parent if isinstance(k.tag, str)]
        slots = [i for i, k in enumerate(kids)
                 if k.tag in _MOVABLE and not _is_content(k, squashed, anchors)
                 and _between_breaks(kids, i)]
        if len(slots) < 2:
            continue
        moved = [kids[i] for i in slots]
        rng.shuffle(moved)
        holds = []
        for i in slots:  # a placeholder in each place, holding the place's tail text
            hold = lxml_html.Element("span")
            hold.tail, kids[i].tail = kids[i].tail, None
            parent.replace(kids[i], hold)
            holds.append(hold)
        for hold, el in zip(holds, moved, strict=True):
            el.tail = hold.tail
            parent.replace(hold, el)


def _between_breaks(kids: list[_Element], i: int) -> bool:
    before = kids[i - 1].tag in _BREAKS if i > 0 else True
    after = kids[i + 1].tag in _BREAKS if i + 1 < len(kids) else True
    return before and after


def div_layout(tree: _Element, rng: random.Random | None = None) -> None:
    """``<font>`` becomes a ``<div>`` where it is a whole line, a ``<span>`` inside a line;
    ``<table>`` layouts become nested ``<div>``s (table, rows and cells)."""
    for el in _elements(tree):
        if el.tag == "font":
            style = ";".join(f"{k}:{v}" for k, v in sorted(el.attrib.items()))
            for key in list(el.attrib):
                del el.attrib[key]
            el.set("style", style)
            el.tag = "div" if _whole_line(el) else "span"
        elif el.tag in ("table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption"):
            for key in ("width", "cellpadding", "cellspacing", "border", "align", "valign",
                        "bgcolor", "colspan", "rowspan"):
                el.attrib.pop(key, None)
            el.tag = "div"


def _whole_line(el: _Element) -> bool:
    """Nothing but line breaks (or the parent's edges) before and after ``el``."""
    prev = el.getprevious()
    parent = el.getparent()
    if prev is None:
        starts = parent is None or not (parent.text or "").strip() or parent.tag in _BREAKS
    else:
        starts = prev.tag in _BREAKS and not (prev.tail or "").strip()
    nxt = el.getnext()
    ends = not (el.tail or "").strip() and (nxt is None or nxt.tag in _BREAKS)
    return starts and ends


Transform = Callable[[_Element, random.Random, str], None]

#: name -> the transforms applied in order (each draws from the variant's own random source)
VARIANTS: dict[str, tuple[Transform, ...]] = {
    "rename-all": (lambda t, r, w: rename(t, r, 1.0),),
    "rename-some": (lambda t, r, w: rename(t, r, 0.5),),
    "wrap": (lambda t, r, w: wrap(t, r),),
    "unwrap": (lambda t, r, w: unwrap(t, r),),
    "reorder": (lambda t, r, w: reorder(t, r, w),),
    "div-layout": (lambda t, r, w: div_layout(t, r),),
    "mixed-a": (lambda t, r, w: rename(t, r, 0.5), lambda t, r, w: wrap(t, r),
                lambda t, r, w: reorder(t, r, w), lambda t, r, w: div_layout(t, r)),
    "mixed-b": (lambda t, r, w: div_layout(t, r), lambda t, r, w: unwrap(t, r),
                lambda t, r, w: reorder(t, r, w), lambda t, r, w: rename(t, r, 1.0)),
}
#: seeds per variant (the first two use one: a full rename and a layout swap are one page)
SEEDS = 2


def variant_html(html: str, name: str, seed: str, want: str) -> str:
    """``html`` rewritten by the variant ``name`` with the random source ``seed``."""
    tree = lxml_html.document_fromstring(html)
    rng = random.Random(seed)
    for transform in VARIANTS[name]:
        transform(tree, rng, want)
    return lxml_html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")


# ------------------------------------------------------------------------------ measuring


@dataclass
class VariantResult:
    """One variant of one case, scored."""

    case: str
    variant: str
    f1: float
    leaks: list[str]
    method: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"case": self.case, "variant": self.variant, "f1": round(self.f1, 6),
                "leaks": self.leaks, "method": self.method, "reason": self.reason}


@dataclass
class SiteDrift:
    """Every variant of every case of one site."""

    site: str
    results: list[VariantResult] = field(default_factory=list)

    @property
    def min_f1(self) -> float:
        return min((r.f1 for r in self.results), default=0.0)

    @property
    def leaks(self) -> int:
        return sum(len(r.leaks) for r in self.results)

    @property
    def failing(self) -> list[VariantResult]:
        return [r for r in self.results if r.leaks or r.f1 < MIN_F1]


def leaks_of(site: str, got: str, want: str) -> list[str]:
    """Known chrome strings of ``site`` in ``got`` but not in ``want`` (bench/quality.py's
    normalisation)."""
    got_n, want_n = quality._norm(got), quality._norm(want)
    return [s for s in quality.chrome_strings(site)
            if quality._norm(s) in got_n and quality._norm(s) not in want_n]


def case_variants(site: str, case: dict[str, Any]) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """(variant label, pages) for every variant of a case."""
    pages = quality.case_pages(case)
    # what stays in place when blocks are reordered: the article text and its title and
    # byline (the header the rules anchor on is not chrome)
    want = "\n".join(str(case.get(k) or "") for k in ("text", "title", "author"))
    for name in VARIANTS:
        for n in range(1 if name in ("rename-all", "div-layout") else SEEDS):
            label = f"{name}#{n}"
            seed = f"{site}/{case['_name']}/{label}"
            yield label, [(url, variant_html(html, name, f"{seed}/{i}", want))
                          for i, (url, html) in enumerate(pages)]


def extract(site: str, pages: list[tuple[str, str]]) -> tuple[str, str, str]:
    """(text, method, reason) of our extraction of a case's pages, as the crawl does it."""
    from pipelines.extract.page import extract_page

    (url, html), parts = pages[0], pages[1:]
    result = extract_page(url, html, site=site, parts=parts)
    return (result.article or {}).get("text", ""), result.method, result.reason


def evaluate_site(
    site: str, extractor: Callable[[str, list[tuple[str, str]]], tuple[str, str, str]] = extract
) -> SiteDrift:
    """Extract (``extractor``: ours by default) and score every variant of every expected
    case of ``site``."""
    drift = SiteDrift(site)
    for case in quality.load_cases(site):
        want = case.get("text", "")
        for label, pages in case_variants(site, case):
            got, method, reason = extractor(site, pages)
            drift.results.append(VariantResult(
                case["_name"], label, quality.score_shingles(got, want).f1,
                leaks_of(site, got, want), method, reason))
    return drift


def format_table(drifts: Sequence[SiteDrift]) -> str:
    """One row per site, then the variants that fail."""
    lines = [f"{'site':<14} {'cases':>5} {'variants':>8} {'failing':>7} {'leaks':>5} "
             f"{'min shingle F1':>14}", "-" * 60]
    for d in drifts:
        cases = len({r.case for r in d.results})
        lines.append(f"{d.site:<14} {cases:>5} {len(d.results):>8} {len(d.failing):>7} "
                     f"{d.leaks:>5} {d.min_f1:>14.3f}")
    for d in drifts:
        for r in d.failing:
            lines.append(f"  {d.site} {r.case} {r.variant}: F1 {r.f1:.3f} {r.method} "
                         f"{r.reason}" + (f" leaks {r.leaks}" if r.leaks else ""))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: the table (or JSON); exit 1 when a variant leaks or scores below
    :data:`MIN_F1`."""
    parser = argparse.ArgumentParser(prog="python -m bench.drift", description=__doc__)
    parser.add_argument("--site", action="append", choices=SITES, help="only this site")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)
    drifts = [evaluate_site(s) for s in (args.site or SITES)]
    if args.json:
        print(json.dumps({d.site: {"variants": len(d.results), "min_f1": d.min_f1,
                                   "leaks": d.leaks,
                                   "failing": [r.to_dict() for r in d.failing]}
                          for d in drifts}, indent=2, ensure_ascii=False))
    else:
        print(format_table(drifts))
    return 1 if any(d.failing for d in drifts) else 0


if __name__ == "__main__":
    sys.exit(main())
