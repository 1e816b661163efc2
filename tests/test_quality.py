"""The extraction quality gate: ``bench/quality.py`` run in-process against the expected cases
and ``tests/expected/floors.json`` (like trafilatura's own evaluation in its CI).

Fails when a site's minimum or mean case F1 drops below its floor, when a case disappears,
when known boilerplate leaks into a text, when title/author/published differ from the expected
values, or when a site without rules scores below bare trafilatura. After a deliberate change,
check the figures and rewrite the floors: ``python bench/quality.py --write-floors``.
"""

from __future__ import annotations

import json
import random

import pytest

from bench import quality
from bench.quality import (
    BOILERPLATE,
    Report,
    SiteReport,
    check_floors,
    evaluate_case,
    expected_sites,
    floor_value,
    load_cases,
    load_floors,
    make_floors,
    part_urls,
    score_case,
    score_text,
    tokenize,
)
from tests.conftest import load_expected

SITES = expected_sites()


@pytest.fixture(scope="module")
def report() -> Report:
    return quality.build_report()


@pytest.fixture(scope="module")
def floors() -> dict:
    return load_floors()


# -- the gate ------------------------------------------------------------------------------


@pytest.mark.parametrize("site", SITES)
def test_site_meets_its_floors(report, floors, site):
    one = Report([report.site(site)], complete=False)
    failures = check_floors(one, floors)
    assert not failures, "\n".join(failures)


def test_floors_cover_exactly_the_sites_with_cases(report, floors):
    assert report.complete
    assert sorted(floors["sites"]) == SITES, "python bench/quality.py --write-floors"
    assert not check_floors(report, floors)


def test_floors_never_above_what_was_measured_and_leaks_stay_zero(floors):
    for site, floor in floors["sites"].items():
        assert 0.0 <= floor["min_f1"] <= floor["mean_f1"] <= 1.0, site
        assert floor["max_leaks"] == 0, site
        assert floor["max_metadata_mismatches"] == 0, site


def test_sites_without_rules_do_no_worse_than_bare_trafilatura(report):
    generic = [s for s in report.sites if not s.has_rules]
    assert "news.example" in [s.site for s in generic]
    for site in generic:
        assert site.ours.f1 >= site.bare.f1, site.site
        assert site.mean_f1 >= site.bare_mean_f1, site.site
        for case in site.cases:
            assert case.method == "trafilatura", case.name


def test_every_expected_case_is_measured(report):
    for site in SITES:
        names = [c["_name"] for c in load_expected(site)]
        assert [c.name for c in report.site(site).cases] == names
        assert not report.site(site).errors


def test_multi_page_cases_stitch_the_ok_parts_only(report):
    cases = {c["_name"]: c for c in load_expected("newsweekjapan")}
    results = {c.name: c for c in report.site("newsweekjapan").cases}
    for name, case in cases.items():
        ok = [p["url"] for p in case.get("parts", []) if p["status"] == "ok"]
        assert part_urls(case) == ok
        assert results[name].pages == [case["url"], *ok], name
    assert any(len(r.pages) > 2 for r in results.values())  # a real multi-page case exists


# -- the gate can fail ---------------------------------------------------------------------


def _degrade(site: str, case: dict) -> tuple[str, dict]:
    """Half the paragraphs dropped, a widget string appended, a wrong title."""
    lines = case["text"].splitlines()
    text = "\n".join(lines[: max(1, len(lines) // 2)] + [BOILERPLATE[site][0]])
    meta = {k: case.get(k) for k in quality.META_FIELDS}
    meta["title"] = (case.get("title") or "") + " | Newsweek"
    return text, meta


@pytest.mark.parametrize("site", ["newsweekjapan", "rt", "asyura", "ruvr"])
def test_degraded_text_is_flagged(report, floors, site):
    case = load_cases(site)[0]
    text, meta = _degrade(site, case)
    degraded = score_case(site, case, text, meta, bare_text=case["text"])
    assert BOILERPLATE[site][0] in degraded.leaks
    assert degraded.ours.f1 < 0.9
    assert set(degraded.metadata) == {"title"}

    others = [c for c in report.site(site).cases if c.name != degraded.name]
    one = Report([SiteReport(site, True, [degraded, *others])], complete=False)
    failures = "\n".join(check_floors(one, floors))
    assert "minimum case F1" in failures
    assert "boilerplate leaked" in failures and repr(BOILERPLATE[site][0]) in failures
    assert "metadata mismatch" in failures and "title" in failures


def test_generic_site_below_bare_trafilatura_is_flagged(floors):
    case = load_cases("news.example")[0]
    lines = case["text"].splitlines()
    ours = "\n".join(lines[:-2])  # lost two paragraphs that bare trafilatura keeps
    result = score_case("news.example", case, ours, case, bare_text=case["text"])
    failures = "\n".join(
        check_floors(Report([SiteReport("news.example", False, [result])], False), floors)
    )
    assert "below bare trafilatura" in failures


def test_missing_case_or_floor_or_fixture_is_flagged(report, floors):
    fewer = SiteReport("rt", True, report.site("rt").cases[:-1])
    assert any("cases" in f for f in check_floors(Report([fewer], False), floors))
    assert any("no floor" in f for f in check_floors(Report([report.site("rt")]), {"sites": {}}))
    case = {"_name": "gone", "url": "https://www.rt.com/news/no-such-page/", "text": "x",
            "title": None, "author": None, "published": None}
    gone = evaluate_case("rt", case)
    assert gone.error and "404" in gone.error
    failures = check_floors(Report([SiteReport("rt", True, [gone])], False), floors)
    assert any("fixture error" in f for f in failures)


# -- scoring units -------------------------------------------------------------------------


def test_tokenizer_words_and_cjk_characters():
    assert tokenize("Russia and Japan, 2+2 talks") == ["Russia", "and", "Japan,", "2+2", "talks"]
    assert tokenize("日露2プラス2、開催　(RT)") == ["日", "露", "2", "プ", "ラ", "ス", "2", "、",
                                                   "開", "催", "(RT)"]
    assert tokenize("㈱某社 Ｇ７") == ["㈱", "某", "社", "Ｇ", "７"]
    assert tokenize("") == []


def test_scores_are_bag_of_tokens_with_multiplicity():
    s = score_text("a a b c", "a b b d")
    assert (s.common, s.got, s.want) == (2, 4, 4)
    assert s.precision == s.recall == s.f1 == 0.5
    assert score_text("北方領土", "北方領土").f1 == 1.0
    assert score_text("", "text").f1 == 0.0
    assert score_text("", "").f1 == 1.0
    micro = score_text("a b", "a b") + score_text("c", "d")
    assert (micro.common, micro.got, micro.want) == (2, 3, 3)


def test_a_string_in_the_expected_text_is_not_a_leak():
    case = {"_name": "x", "url": "u", "text": "The Most read list is a widget."}
    result = score_case("news.example", case, case["text"] + "\nShare this article")
    assert result.leaks == ["Share this article"]


def test_floor_value_rounds_down_never_above():
    assert floor_value(1.0) == 1.0
    assert floor_value(0.99999) == 0.999
    assert floor_value(0.9995) == 0.999
    rng = random.Random(7)
    for _ in range(2000):
        x = rng.random()
        f = floor_value(x)
        assert f <= x and x - f < 0.001 + 1e-12
        assert round(f, 3) == f


def test_write_floors_keeps_leaks_at_zero(report):
    floors = make_floors(report)
    assert sorted(floors["sites"]) == SITES
    assert not check_floors(report, floors)
    case = load_cases("rt")[0]
    text, meta = _degrade("rt", case)
    leaky = Report([SiteReport("rt", True, [score_case("rt", case, text, meta)])], False)
    relaxed = make_floors(leaky, floors)
    assert relaxed["sites"]["rt"]["max_leaks"] == 0
    assert relaxed["sites"]["asyura"] == floors["sites"]["asyura"]  # other sites kept
    assert any("leaked" in f for f in check_floors(leaky, relaxed))


def test_command_line_json_and_write_floors(tmp_path, capsys):
    path = tmp_path / "floors.json"
    assert quality.main(["--site", "rt", "--json", "--floors", str(path)]) == 1  # no floors
    out = json.loads(capsys.readouterr().out)
    assert out["gate"]["passed"] is False
    assert out["sites"]["rt"]["cases"] == len(load_expected("rt"))
    assert quality.main(["--site", "rt", "--write-floors", "--floors", str(path)]) == 0
    assert "gate (floors.json): passed" in capsys.readouterr().out
    assert list(json.loads(path.read_text("utf-8"))["sites"]) == ["rt"]
    assert quality.main(["--site", "rt", "--floors", str(path)]) == 0


def test_a_case_without_expected_text_is_an_error_not_a_crash():
    result = evaluate_case("rt", {"_name": "no-text", "url": "https://www.rt.com/"})
    assert result.error and "expected text" in result.error
