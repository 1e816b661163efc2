"""Every site with rules, every era, every expected case: one parametrized test.

A case is ``tests/expected/<site>/<name>.json`` (what the articles.jsonl row says) with the text
in ``<name>.txt``; its page (and the pages a crawl stitches to it) comes from the fixture web
(``fixtureweb/web/<host>/``), decoded as a crawl decodes it. A new site joins by being listed in
``sites.SITE_MODULES`` and adding its fixture pages and expected files (docs/adding-a-site.md).
What only one site has (spider arguments, crawls, listings) stays in ``test_site_<site>.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

import sites
from tests.conftest import load_expected
from tests.sitecases import extract_case, leaked

SITES = sites.site_names()
CASES = [(site, case) for site in SITES for case in load_expected(site)]
CASE_IDS = [f"{site}/{case['_name']}" for site, case in CASES]
ERAS = [(site, era.era) for site in SITES for era in sites.eras(site)]
#: eras no expected case shows, and where they are tested instead
ERAS_WITHOUT_CASES = {
    ("rt", "fallback"): "listings and unknown layouts: test_site_rt.py "
                        "(test_listings_are_not_articles, test_unknown_layout_falls_back)",
    ("ruvr", "fallback"): "unknown layouts: test_site_ruvr.py "
                          "(test_pages_without_an_article_body_are_not_articles), "
                          "and the markup variants of tests/test_drift.py",
}
#: fields of a case compared with the extracted article when the case has them
FIELDS = ("url", "canonical_url", "title", "author", "published", "language", "site",
          "site_meta")


def method_of(site: str, case: dict[str, Any]) -> str:
    """The extraction method a case expects (``method``, else ``site:<site>/<era>``)."""
    return case.get("method") or f"site:{site}/{case['era']}"


@pytest.mark.parametrize(("site", "case"), CASES, ids=CASE_IDS)
def test_case_extracts_as_expected(site, case):
    result = extract_case(site, case)
    assert result.article is not None, result.reason
    article = result.article
    assert result.method == method_of(site, case)
    for key in FIELDS:
        if key in case:
            assert article.get(key) == case[key], key
    assert article["text"] == case["text"]
    if "paragraphs" in case:
        assert len(article["text"].split("\n")) == case["paragraphs"]
    chrome = [s for s in leaked(article["text"], sites.chrome_strings(site))
              if s not in case["text"]]
    assert not chrome, f"page chrome in the text: {chrome}"


@pytest.mark.parametrize("site", SITES)
def test_site_has_cases_and_chrome_strings(site):
    assert load_expected(site), f"no tests/expected/{site}/*.json"
    assert sites.chrome_strings(site), f"sites/{site}.py declares no CHROME_STRINGS"


@pytest.mark.parametrize(("site", "era"), ERAS, ids=[f"{s}/{e}" for s, e in ERAS])
def test_every_era_has_a_case(site, era):
    methods = {method_of(site, case) for s, case in CASES if s == site}
    if (site, era) in ERAS_WITHOUT_CASES:
        assert f"site:{site}/{era}" not in methods, "a case exists now: drop the exception"
        return
    assert f"site:{site}/{era}" in methods, f"no expected case of {site}/{era}"
