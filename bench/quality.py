"""Extraction quality: our extractor and bare trafilatura against the expected outputs.

Over 400 lines on purpose: one benchmark, read as one file (cases, scorers, report, CI gate).

    python bench/quality.py [--site S] [--json] [--write-floors] [--floors PATH]

More: docs/modules.md, ``bench/quality.py``.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "tests" / "expected"
FLOORS_PATH = EXPECTED / "floors.json"
WEB_ROOT = ROOT / "fixtureweb" / "web"
#: saved real pages (read-only shared material beside the repository, see the module docstring)
REAL_PAGES = ROOT.parent / "shared" / "real" / "pages"

#: metadata fields that must match the expected case exactly
META_FIELDS: tuple[str, ...] = ("title", "author", "published")
#: redirects followed when resolving a fixture URL (the crawl's RedirectMiddleware does more)
MAX_REDIRECTS = 10
#: floors are measured values rounded down to this many decimals
FLOOR_DECIMALS = 3
#: tokens per shingle of the shingle F1
SHINGLE_SIZE = 4

#: Known widget / boilerplate strings of sites without a site module: the generic spider's
#: synthetic news.example (fixtureweb/web/news.example/). A site with rules keeps its list in
#: ``sites/<site>.py`` (``CHROME_STRINGS``, ``LEAK_MARKERS``); :func:`chrome_strings` reads either.
GENERIC_CHROME: dict[str, tuple[str, ...]] = {
    "news.example": (
        "Most read", "Share this article", "Sign up for our newsletter", "Related stories",
        "Advertisement:", "Log in to join the discussion", "All rights reserved",
        "Subscribe today",
    ),
}


def chrome_strings(site: str) -> tuple[str, ...]:
    """The site's known page chrome (rankings, share bars, newsletter boxes, comment forms,
    footers): those of ``sites/<site>.py`` (:func:`sites.chrome_strings`), else
    :data:`GENERIC_CHROME`."""
    import sites as site_rules

    return site_rules.chrome_strings(site) or GENERIC_CHROME.get(site, ())


# ------------------------------------------------------------------------------ tokens, scores

#: CJK scripts and their punctuation: one token per character (U+3000, the ideographic space,
#: is whitespace and left out)
_CJK_RANGES = (
    "\u2e80-\u2fdf"  # radicals
    "\u3001-\u303f"  # CJK symbols and punctuation (not U+3000)
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3100-\u312f\u3190-\u31ff"  # bopomofo, kanbun, katakana extensions
    "\u3200-\u33ff"  # enclosed CJK letters (㈱), CJK compatibility
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\ufe30-\ufe4f"  # CJK compatibility forms
    "\uff01-\uffef"  # full-width and half-width forms
)
_TOKEN_RE = re.compile(f"[{_CJK_RANGES}]|[^\\s{_CJK_RANGES}]+")


def tokenize(text: str) -> list[str]:
    """The one tokenizer of the report: NFC, then each CJK character is a token and every other
    run of non-space characters is a word (punctuation stays attached, as split by spaces)."""
    return _TOKEN_RE.findall(unicodedata.normalize("NFC", text or ""))


@dataclass
class Score:
    """Bag-of-tokens overlap of an extracted text with the expected text."""

    common: int  #: tokens in both (multiset intersection)
    got: int  #: tokens extracted
    want: int  #: tokens expected

    @property
    def precision(self) -> float:
        if not self.got:
            return 1.0 if not self.want else 0.0
        return self.common / self.got

    @property
    def recall(self) -> float:
        if not self.want:
            return 1.0 if not self.got else 0.0
        return self.common / self.want

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(self.common + other.common, self.got + other.got, self.want + other.want)

    def to_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 6), "recall": round(self.recall, 6),
                "f1": round(self.f1, 6), "common": self.common, "got": self.got,
                "want": self.want}


def score_text(got: str, want: str) -> Score:
    """Token precision/recall/F1 of ``got`` against ``want`` (bag of tokens, multiplicity)."""
    a, b = Counter(tokenize(got)), Counter(tokenize(want))
    return Score(sum((a & b).values()), sum(a.values()), sum(b.values()))


def shingles(text: str, size: int = SHINGLE_SIZE) -> list[tuple[str, ...]]:
    """The runs of ``size`` consecutive tokens of ``text`` (:func:`tokenize`), one per starting
    token; a text shorter than ``size`` tokens is one shingle of all its tokens."""
    tokens = tokenize(text)
    if len(tokens) <= size:
        return [tuple(tokens)] if tokens else []
    return [tuple(tokens[i:i + size]) for i in range(len(tokens) - size + 1)]


def score_shingles(got: str, want: str, size: int = SHINGLE_SIZE) -> Score:
    """Precision/recall/F1 of ``got`` against ``want`` on bags of ``size``-token shingles."""
    a, b = Counter(shingles(got, size)), Counter(shingles(want, size))
    return Score(sum((a & b).values()), sum(a.values()), sum(b.values()))


def leaked_strings(site: str, got: str, want: str) -> list[str]:
    """Boilerplate strings of ``site`` that are in ``got`` but not in ``want``."""
    got_n, want_n = _norm(got), _norm(want)
    return [s for s in chrome_strings(site) if _norm(s) in got_n and _norm(s) not in want_n]


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


# ------------------------------------------------------------------------------ results


@dataclass
class CaseResult:
    """One expected case: our extraction and bare trafilatura's, scored."""

    site: str
    name: str
    url: str
    ours: Score
    bare: Score
    leaks: list[str] = field(default_factory=list)
    bare_leaks: list[str] = field(default_factory=list)
    #: field -> {"expected": ..., "got": ...} for each mismatching metadata field
    metadata: dict[str, dict[str, Any]] = field(default_factory=dict)
    method: str = ""
    reason: str = ""
    pages: list[str] = field(default_factory=list)
    error: str | None = None  #: the fixture could not be loaded (the case scores zero)
    #: the same texts scored on 4-token shingles (:func:`score_shingles`)
    ours_shingles: Score = field(default_factory=lambda: Score(0, 0, 0))
    bare_shingles: Score = field(default_factory=lambda: Score(0, 0, 0))
    unavailable: bool = False  #: the case's saved page is not there (``../shared`` absent)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "url": self.url, "pages": self.pages, "method": self.method,
            "reason": self.reason, "error": self.error, "ours": self.ours.to_dict(),
            "bare": self.bare.to_dict(), "ours_shingles": self.ours_shingles.to_dict(),
            "bare_shingles": self.bare_shingles.to_dict(), "leaks": self.leaks,
            "bare_leaks": self.bare_leaks, "metadata_mismatches": self.metadata,
        }


@dataclass
class SiteReport:
    """Every case of one site, with the site's aggregates."""

    site: str
    has_rules: bool
    cases: list[CaseResult]

    @property
    def ours(self) -> Score:
        """Micro-averaged (summed) score of our extraction."""
        return sum((c.ours for c in self.cases), Score(0, 0, 0))

    @property
    def bare(self) -> Score:
        """Micro-averaged (summed) score of bare trafilatura."""
        return sum((c.bare for c in self.cases), Score(0, 0, 0))

    @property
    def min_f1(self) -> float:
        return min((c.ours.f1 for c in self.cases), default=0.0)

    @property
    def min_case(self) -> str:
        return min(self.cases, key=lambda c: c.ours.f1).name if self.cases else ""

    @property
    def mean_f1(self) -> float:
        return sum(c.ours.f1 for c in self.cases) / len(self.cases) if self.cases else 0.0

    @property
    def bare_mean_f1(self) -> float:
        return sum(c.bare.f1 for c in self.cases) / len(self.cases) if self.cases else 0.0

    @property
    def min_shingle_f1(self) -> float:
        return min((c.ours_shingles.f1 for c in self.cases), default=0.0)

    @property
    def mean_shingle_f1(self) -> float:
        return (sum(c.ours_shingles.f1 for c in self.cases) / len(self.cases)
                if self.cases else 0.0)

    @property
    def bare_mean_shingle_f1(self) -> float:
        return (sum(c.bare_shingles.f1 for c in self.cases) / len(self.cases)
                if self.cases else 0.0)

    @property
    def unavailable(self) -> bool:
        """Some case's saved page is missing (``../shared`` absent): not measurable here."""
        return any(c.unavailable for c in self.cases)

    @property
    def leaks(self) -> int:
        return sum(len(c.leaks) for c in self.cases)

    @property
    def bare_leaks(self) -> int:
        return sum(len(c.bare_leaks) for c in self.cases)

    @property
    def metadata_mismatches(self) -> int:
        return sum(len(c.metadata) for c in self.cases)

    @property
    def errors(self) -> list[str]:
        return [f"{c.name}: {c.error}" for c in self.cases if c.error]

    def to_dict(self) -> dict[str, Any]:
        return {
            "site": self.site, "has_rules": self.has_rules, "cases": len(self.cases),
            "ours": self.ours.to_dict(), "min_f1": round(self.min_f1, 6),
            "min_case": self.min_case, "mean_f1": round(self.mean_f1, 6),
            "bare": self.bare.to_dict(), "bare_mean_f1": round(self.bare_mean_f1, 6),
            "min_shingle_f1": round(self.min_shingle_f1, 6),
            "mean_shingle_f1": round(self.mean_shingle_f1, 6),
            "bare_mean_shingle_f1": round(self.bare_mean_shingle_f1, 6),
            "leaks": self.leaks, "bare_leaks": self.bare_leaks,
            "metadata_mismatches": self.metadata_mismatches, "errors": self.errors,
            "case_results": [c.to_dict() for c in self.cases],
        }


@dataclass
class Report:
    """The report over the selected sites; ``complete`` when every site was measured."""

    sites: list[SiteReport]
    complete: bool = True
    seconds: float = 0.0

    def site(self, name: str) -> SiteReport:
        for report in self.sites:
            if report.site == name:
                return report
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {"complete": self.complete, "seconds": round(self.seconds, 3),
                "sites": {s.site: s.to_dict() for s in self.sites}}


# ------------------------------------------------------------------------------ cases, fixtures


def expected_sites(expected: Path = EXPECTED) -> list[str]:
    """Every site with expected cases (a directory of ``*.json`` under tests/expected)."""
    return sorted(p.name for p in expected.iterdir() if p.is_dir() and any(p.glob("*.json")))


def load_cases(site: str, expected: Path = EXPECTED) -> list[dict[str, Any]]:
    """The site's expected cases (also the tests' ``load_expected``): each JSON file with
    ``_name`` (its stem) and ``text`` (from the ``.txt`` beside it) set."""
    cases = []
    for path in sorted((expected / site).glob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        data["_name"] = path.stem
        text_path = path.with_suffix(".txt")
        if "text" not in data and text_path.exists():
            data["text"] = text_path.read_text("utf-8").rstrip("\n")
        cases.append(data)
    return cases


def part_urls(case: dict[str, Any]) -> list[str]:
    """Pages 2..n that the crawl stitches to page 1: ``parts`` entries with status ``ok`` (or
    plain URLs), else a ``pages`` list of URLs (page 1 left out)."""
    if case.get("parts"):
        urls = []
        for part in case["parts"]:
            if isinstance(part, str):
                urls.append(part)
            elif part.get("status", "ok") == "ok":
                urls.append(part["url"])
        return urls
    pages = [p if isinstance(p, str) else p["url"] for p in case.get("pages") or []]
    return [p for p in pages if p != case["url"]]


class FixtureError(Exception):
    """A case's page could not be loaded from the fixture files."""


class PageUnavailable(FixtureError):
    """A case's saved page is not there (the shared pages folder is absent)."""


_STORE: Any = None


def _store(root: Path) -> Any:
    global _STORE
    from fixtureweb import FixtureStore

    if _STORE is None or _STORE.roots != [root.resolve()]:
        _STORE = FixtureStore([root])
    return _STORE


def load_page(url: str, web_root: Path = WEB_ROOT) -> tuple[str, str]:
    """(final URL, decoded HTML) of ``url`` from the fixture files, decoded as the crawl does.

    The fixture web's own lookup finds the file and its headers (routes, sidecars, host
    redirects); 3xx answers are followed; the body is decoded by Scrapy through
    ``build_response`` and ``page_item_from_response``.
    """
    from crawler.responses import build_response
    from crawler.spiders.base import page_item_from_response

    store = _store(web_root)
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(current)
        answer = store.resolve("GET", parts.scheme, parts.hostname or "", parts.path,
                               parts.query, {"Accept-Encoding": "gzip, deflate"})
        location = answer.header("Location")
        if answer.status in (301, 302, 303, 307, 308) and location:
            current = urljoin(current, location)
            continue
        break
    else:
        raise FixtureError(f"{url}: more than {MAX_REDIRECTS} redirects")
    if answer.status != 200:
        raise FixtureError(f"{current}: fixture answers {answer.status} ({answer.note})")
    response = build_response(current, answer.status, answer.headers, answer.body)
    item = page_item_from_response(response)
    if item is None:
        raise FixtureError(f"{current}: not an HTML response")
    return item.url, item.html


def load_saved_page(
    path: str, url: str, content_type: str | None = "text/html", pages_root: Path = REAL_PAGES
) -> tuple[str, str]:
    """(URL, decoded HTML) of a saved page ``pages_root / path``, decoded as ``archive extract``
    and the crawl decode it: the bytes served with ``content_type`` (default ``text/html``, no
    charset: BOM, ``<meta charset>`` and the check of lying charsets decide), through
    ``build_response`` and ``page_item_from_response``."""
    from crawler.responses import build_response
    from crawler.spiders.base import page_item_from_response

    file = pages_root / path
    if not file.is_file():
        raise PageUnavailable(f"{file}: no such saved page (../shared/real/pages absent?)")
    headers = [("Content-Type", content_type)] if content_type else []
    response = build_response(url, 200, headers, file.read_bytes())
    item = page_item_from_response(response)
    if item is None:
        raise FixtureError(f"{file}: not an HTML response")
    return item.url, item.html


def case_pages(
    case: dict[str, Any], web_root: Path = WEB_ROOT, pages_root: Path = REAL_PAGES
) -> list[tuple[str, str]]:
    """The (URL, HTML) pages of a case: its saved page (``path``) or its fixture URL and
    parts."""
    if case.get("path"):
        return [load_saved_page(case["path"], case["url"], case.get("content_type", "text/html"),
                                pages_root)]
    return [load_page(u, web_root) for u in [case["url"], *part_urls(case)]]


def uses_saved_pages(site: str, expected: Path = EXPECTED) -> bool:
    """Whether ``site``'s cases are saved real pages (``path``) rather than fixture URLs."""
    return any(case.get("path") for case in load_cases(site, expected))


# ------------------------------------------------------------------------------ measuring


def _bare_trafilatura(pages: Sequence[tuple[str, str]]) -> str:
    import trafilatura

    texts = []
    for url, html in pages:
        text = trafilatura.extract(html, url=url)
        if text:
            texts.append(text)
    return "\n".join(texts)


def score_case(
    site: str,
    case: dict[str, Any],
    ours_text: str,
    ours_meta: dict[str, Any] | None = None,
    bare_text: str = "",
) -> CaseResult:
    """Score one case from texts already extracted (no I/O): F1s, leaks, metadata."""
    want = case.get("text", "")
    meta = ours_meta or {}
    mismatches = {
        key: {"expected": case.get(key), "got": meta.get(key)}
        for key in META_FIELDS
        if key in case and meta.get(key) != case.get(key)
    }
    headline = case.get("headline")
    return CaseResult(
        site=site, name=case.get("_name", case.get("url", "")), url=case.get("url", ""),
        ours=score_text(ours_text, want), bare=score_text(bare_text, want),
        leaks=leaked_strings(site, ours_text, want) + headline_leak(headline, ours_text, want),
        bare_leaks=(leaked_strings(site, bare_text, want)
                    + headline_leak(headline, bare_text, want)),
        metadata=mismatches, ours_shingles=score_shingles(ours_text, want),
        bare_shingles=score_shingles(bare_text, want),
    )


def headline_leak(headline: str | None, got: str, want: str) -> list[str]:
    """``["headline: ..."]`` when a line of ``got`` is the headline and no line of ``want``
    is: the title repeated above the body."""
    if not headline:
        return []
    target = _norm(headline)

    def has(text: str) -> bool:
        return any(_norm(line) == target for line in text.splitlines())

    return [f"headline: {headline}"] if has(got) and not has(want) else []


def evaluate_case(
    site: str, case: dict[str, Any], web_root: Path = WEB_ROOT, pages_root: Path = REAL_PAGES
) -> CaseResult:
    """Load the case's pages (fixtures or a saved page), run both extractors and score them."""
    import sites as site_rules
    from pipelines.extract.page import extract_page

    if "text" not in case or "url" not in case:
        result = score_case(site, case, "", {})
        result.error = "the case has no url or no expected text (<case>.txt)"
        return result
    try:
        pages = case_pages(case, web_root, pages_root)
    except Exception as exc:  # noqa: BLE001 - one broken case must not hide the others
        result = score_case(site, case, "", {})
        result.error = str(exc) if isinstance(exc, FixtureError) else repr(exc)
        result.unavailable = isinstance(exc, PageUnavailable)
        result.pages = [case["url"]] if case.get("path") else [case["url"], *part_urls(case)]
        return result
    (url, html), parts = pages[0], pages[1:]
    rules_site = site if site in site_rules.site_names() else None
    extracted = extract_page(url, html, site=rules_site, parts=parts)
    article = extracted.article or {}
    result = score_case(site, case, article.get("text", ""), article, _bare_trafilatura(pages))
    result.method, result.reason = extracted.method, extracted.reason
    result.pages = [u for u, _ in pages]
    return result


def evaluate_site(
    site: str, web_root: Path = WEB_ROOT, expected: Path = EXPECTED,
    pages_root: Path = REAL_PAGES,
) -> SiteReport:
    """Every expected case of ``site``."""
    import sites as site_rules

    cases = [evaluate_case(site, case, web_root, pages_root)
             for case in load_cases(site, expected)]
    return SiteReport(site, site in site_rules.site_names(), cases)


def build_report(
    only: Iterable[str] | None = None, web_root: Path = WEB_ROOT, expected: Path = EXPECTED,
    pages_root: Path = REAL_PAGES,
) -> Report:
    """The report over every site with expected cases (or the ``only`` ones)."""
    started = time.perf_counter()
    every = expected_sites(expected)
    chosen = list(only) if only else every
    unknown = [s for s in chosen if s not in every]
    if unknown:
        raise SystemExit(f"no expected cases for site(s): {', '.join(unknown)}")
    report = Report([evaluate_site(s, web_root, expected, pages_root) for s in chosen],
                    complete=set(chosen) == set(every))
    report.seconds = time.perf_counter() - started
    return report


# ------------------------------------------------------------------------------ the gate


def floor_value(measured: float, decimals: int = FLOOR_DECIMALS) -> float:
    """``measured`` rounded down to ``decimals`` decimals, never above ``measured``."""
    scale = 10**decimals
    value = round(math.floor(measured * scale) / scale, decimals)
    while value > measured:
        value = round(value - 1 / scale, decimals)
    return value


def load_floors(path: Path = FLOORS_PATH) -> dict[str, Any]:
    """The floors file, or an empty one when it does not exist."""
    if not path.exists():
        return {"sites": {}}
    return json.loads(path.read_text("utf-8"))


def make_floors(report: Report, old: dict[str, Any] | None = None) -> dict[str, Any]:
    """Floors from a run: per site the measured min/mean case F1 rounded down, the case count,
    and zero leaks and metadata mismatches (never relaxed from a run). Sites not in the report
    keep their old floors."""
    sites_floors = dict((old or {}).get("sites", {}))
    for site in report.sites:
        saved = uses_saved_pages(site.site)
        floor: dict[str, Any] = {
            "cases": len(site.cases),
            "min_f1": floor_value(site.min_f1),
            "mean_f1": floor_value(site.mean_f1),
        }
        if saved:  # the real-page dev sets: shingle F1 too, never below bare trafilatura
            floor["min_shingle_f1"] = floor_value(site.min_shingle_f1)
            floor["mean_shingle_f1"] = floor_value(site.mean_shingle_f1)
        floor.update({
            "max_leaks": 0,
            "max_metadata_mismatches": 0,
            "not_below_bare_trafilatura": saved or not site.has_rules,
        })
        sites_floors[site.site] = floor
    return {
        "_about": "CI gate of bench/quality.py (tests/test_quality.py): per site, the floor of "
                  "our minimum and mean case token F1 (measured, rounded down to "
                  f"{FLOOR_DECIMALS} decimals), the number of expected cases, no leaked "
                  "boilerplate, no metadata mismatch; sites without rules must not score below "
                  "bare trafilatura. The real-page dev sets (real-*) also have floors of the "
                  "4-token shingle F1 and must not score below bare trafilatura on either "
                  "metric. Rewrite with: python bench/quality.py --write-floors",
        "sites": dict(sorted(sites_floors.items())),
    }


def check_floors(report: Report, floors: dict[str, Any]) -> list[str]:
    """Every way the report falls short of the floors (an empty list: the gate passes)."""
    eps = 1e-9
    failures: list[str] = []
    site_floors = floors.get("sites", {})
    for site in report.sites:
        name = site.site
        floor = site_floors.get(name)
        failures.extend(f"{name}: fixture error: {e}" for e in site.errors)
        if floor is None:
            failures.append(f"{name}: no floor in floors.json (python bench/quality.py "
                            "--write-floors after checking the figures)")
            floor = {}
        if len(site.cases) < floor.get("cases", 0):
            failures.append(f"{name}: {len(site.cases)} cases, floors.json expects at least "
                            f"{floor['cases']}")
        if site.min_f1 + eps < floor.get("min_f1", 0.0):
            failures.append(f"{name}: minimum case F1 {site.min_f1:.4f} ({site.min_case}) "
                            f"below the floor {floor['min_f1']:.3f}")
        if site.mean_f1 + eps < floor.get("mean_f1", 0.0):
            failures.append(f"{name}: mean case F1 {site.mean_f1:.4f} below the floor "
                            f"{floor['mean_f1']:.3f}")
        if site.min_shingle_f1 + eps < floor.get("min_shingle_f1", 0.0):
            worst = min(site.cases, key=lambda c: c.ours_shingles.f1).name
            failures.append(f"{name}: minimum case shingle F1 {site.min_shingle_f1:.4f} "
                            f"({worst}) below the floor {floor['min_shingle_f1']:.3f}")
        if site.mean_shingle_f1 + eps < floor.get("mean_shingle_f1", 0.0):
            failures.append(f"{name}: mean case shingle F1 {site.mean_shingle_f1:.4f} below "
                            f"the floor {floor['mean_shingle_f1']:.3f}")
        if site.leaks > floor.get("max_leaks", 0):
            leaked = [f"{c.name}: {s!r}" for c in site.cases for s in c.leaks]
            failures.append(f"{name}: boilerplate leaked: {'; '.join(leaked)}")
        if site.metadata_mismatches > floor.get("max_metadata_mismatches", 0):
            bad = [f"{c.name}: {k} expected {v['expected']!r}, got {v['got']!r}"
                   for c in site.cases for k, v in c.metadata.items()]
            failures.append(f"{name}: metadata mismatch: {'; '.join(bad)}")
        if not site.has_rules or floor.get("not_below_bare_trafilatura"):
            if site.ours.f1 + eps < site.bare.f1:
                failures.append(f"{name}: micro F1 {site.ours.f1:.4f} below bare trafilatura's "
                                f"{site.bare.f1:.4f}")
            if site.mean_f1 + eps < site.bare_mean_f1:
                failures.append(f"{name}: mean F1 {site.mean_f1:.4f} below bare trafilatura's "
                                f"{site.bare_mean_f1:.4f}")
            if ("mean_shingle_f1" in floor
                    and site.mean_shingle_f1 + eps < site.bare_mean_shingle_f1):
                failures.append(f"{name}: mean shingle F1 {site.mean_shingle_f1:.4f} below "
                                f"bare trafilatura's {site.bare_mean_shingle_f1:.4f}")
    if report.complete:
        measured = {s.site for s in report.sites}
        failures.extend(f"{name}: has a floor but no expected cases"
                        for name in sorted(set(site_floors) - measured))
    return failures


# ------------------------------------------------------------------------------ output


def format_report(report: Report, details: bool = True) -> str:
    """The printed tables: one row per site, then each site's cases, leaks and mismatches."""
    lines = [
        "Token P/R/F1 against tests/expected (micro-averaged over a site's cases); minF1/meanF1 "
        "over cases; meanSh: mean case F1 on 4-token shingles.",
        "",
        f"{'site':<14} {'cases':>5} | {'ours P':>6} {'R':>6} {'F1':>6} {'minF1':>6} "
        f"{'meanF1':>6} {'meanSh':>6} | {'bare P':>6} {'R':>6} {'F1':>6} {'meanF1':>6} "
        f"{'meanSh':>6} | {'leaks':>5} {'bare':>4} | {'meta':>4}",
        "-" * 125,
    ]
    for s in report.sites:
        o, b = s.ours, s.bare
        lines.append(
            f"{s.site:<14} {len(s.cases):>5} | {o.precision:6.3f} {o.recall:6.3f} {o.f1:6.3f} "
            f"{s.min_f1:6.3f} {s.mean_f1:6.3f} {s.mean_shingle_f1:6.3f} | {b.precision:6.3f} "
            f"{b.recall:6.3f} {b.f1:6.3f} {s.bare_mean_f1:6.3f} {s.bare_mean_shingle_f1:6.3f} | "
            f"{s.leaks:>5} {s.bare_leaks:>4} | {s.metadata_mismatches:>4}"
        )
    lines.append("")
    lines.append("leaks: boilerplate strings of the site's list (or the headline as a line) in "
                 "our text (bare: in bare trafilatura's); meta: title/author/published "
                 "mismatches.")
    if not details:
        return "\n".join(lines)
    for s in report.sites:
        rules = "site rules" if s.has_rules else "no site rules: trafilatura with our settings"
        if uses_saved_pages(s.site):
            rules = "saved real pages, ../shared/real/pages"
        lines += ["", f"## {s.site} ({rules})",
                  f"{'case':<40} {'ours P':>6} {'R':>6} {'F1':>6} {'shF1':>6} | "
                  f"{'bare F1':>7} {'shF1':>6} | {'leaks':>5} {'meta':>4}  method"]
        for c in s.cases:
            verdict = "" if c.reason in ("article", "") else f" ({c.reason})"
            lines.append(
                f"{c.name[:40]:<40} {c.ours.precision:6.3f} {c.ours.recall:6.3f} "
                f"{c.ours.f1:6.3f} {c.ours_shingles.f1:6.3f} | {c.bare.f1:7.3f} "
                f"{c.bare_shingles.f1:6.3f} | {len(c.leaks):>5} {len(c.metadata):>4}"
                f"  {c.method or '-'}{verdict}"
            )
        for c in s.cases:
            if c.error:
                lines.append(f"  ERROR {c.name}: {c.error}")
            for leak in c.leaks:
                lines.append(f"  leaked in {c.name}: {leak!r}")
            for key, v in c.metadata.items():
                lines.append(f"  {c.name}: {key} expected {v['expected']!r}, got {v['got']!r}")
            if c.bare_leaks:
                bare = ", ".join(map(repr, c.bare_leaks))
                lines.append(f"  (bare trafilatura, {c.name}: {bare})")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: print the report, check the gate (exit 1 on failure) or write floors."""
    parser = argparse.ArgumentParser(
        prog="python bench/quality.py",
        description="Extraction quality against tests/expected: ours vs bare trafilatura, "
                    "leaked boilerplate, metadata, and the CI gate (tests/expected/floors.json).",
    )
    parser.add_argument("--site", action="append", metavar="S",
                        help="only this site (repeatable); default every site with cases")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--write-floors", action="store_true",
                        help="rewrite the floors file from this run (after a deliberate change)")
    parser.add_argument("--floors", type=Path, default=FLOORS_PATH, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    report = build_report(args.site)
    floors = load_floors(args.floors)
    if args.write_floors:
        floors = make_floors(report, floors)
        args.floors.write_text(json.dumps(floors, indent=2, ensure_ascii=False) + "\n", "utf-8")
    failures = check_floors(report, floors)
    if args.json:
        out = report.to_dict()
        out["gate"] = {"floors": str(args.floors), "passed": not failures, "failures": failures}
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        print(format_report(report))
        print()
        if args.write_floors:
            print(f"floors written to {args.floors}")
        print(f"gate ({args.floors.name}): " + ("passed" if not failures else "FAILED"))
        for failure in failures:
            print(f"  - {failure}")
        print(f"({report.seconds:.1f} s)")
    return 0 if args.write_floors or not failures else 1


if __name__ == "__main__":
    sys.exit(main())
