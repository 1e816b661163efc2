"""Helpers the site tests share: text scores, paragraph order, leaks, WARC pointers, cases.

``tests/test_sites.py`` runs every site's expected cases through them; the
``tests/test_site_<site>.py`` files use them for what only that site has.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from bench.quality import case_pages
from pipelines.extract.page import extract_page


def _f1(got: Counter[Any], want: Counter[Any]) -> float:
    if not got or not want:
        return float(got == want)
    common = sum((got & want).values())
    if not common:
        return 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def char_f1(got: str, want: str) -> float:
    """Character-level F1 (multiset of non-space characters): the measure for Japanese text.
    Two empty texts score 1, one empty text 0."""
    return _f1(Counter(c for c in got if not c.isspace()),
               Counter(c for c in want if not c.isspace()))


def token_f1(got: str, want: str) -> float:
    """Token-level F1 (bag of whitespace-separated tokens)."""
    return _f1(Counter(got.split()), Counter(want.split()))


def assert_in_order(got: str, want: str) -> None:
    """Every expected paragraph is in the output, in the expected order."""
    pos = -1
    for line in want.splitlines():
        found = got.find(line, pos + 1)
        assert found > pos, f"paragraph missing or out of order: {line[:40]!r}"
        pos = found


def leaked(text: str, strings: list[str] | tuple[str, ...]) -> list[str]:
    """The strings of a chrome/widget list that are in ``text``."""
    return [s for s in strings if s in text]


def check_warc_pointers(run: Any, status: str | None = None) -> None:
    """Every article row of a crawl names its response record (file, offset, record id,
    URL; and HTTP status when ``status`` is given)."""
    records = {(r["file"], r["offset"]): r for r in run.records()}
    assert run.articles
    for row in run.articles:
        ptr = row["warc"]
        record = records.get((ptr["filename"], ptr["offset"]))
        assert record is not None, row["url"]
        assert record["type"] == "response" and record["id"] == ptr["record_id"]
        assert record["uri"] == row["url"]
        if status is not None:
            assert record["status"] == status, row["url"]


def extract_case(site: str, case: dict[str, Any]) -> Any:
    """Extract an expected case as a crawl would: the page (and the parts a crawl stitches)
    served by the fixture web's own lookup and decoded as the crawl decodes it
    (:func:`bench.quality.case_pages`), then the site's rules (``site=`` as the spider says)."""
    pages = case_pages(case)
    (url, html), parts = pages[0], pages[1:]
    return extract_page(url, html, site=site, parts=parts)
