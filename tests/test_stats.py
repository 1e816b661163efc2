"""`archive stats`: per host / per status counts over sample WARCs from tests/test_indexer.py.

Expected numbers come from what the builders wrote (payload bytes, stored lengths) and from
literal hosts, statuses and dates, not from the stats code.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from archive.warc.stats import collect, format_table, host_of

_spec = importlib.util.spec_from_file_location(
    "indexer_samples", Path(__file__).with_name("test_indexer.py"))
samples_mod = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("indexer_samples", samples_mod)
_spec.loader.exec_module(sys.modules["indexer_samples"])
samples_mod = sys.modules["indexer_samples"]

PYTHON = samples_mod.PYTHON
REPO = samples_mod.REPO

# news_warc(): host and status of each record, in writing order
NEWS_HOSTS = ["-", "example.com", "example.com", "example.com", "www.example.org",
              "www.example.org", "www.example.org", "example.com", "example.com",
              "example.com", "example.com", "example.com", "example.com"]
NEWS_STATUS = ["-", "200", "-", "-", "404", "-", "-", "200", "304", "-", "-", "200", "200"]


def sums(sample, indices) -> tuple[int, int, int]:
    recs = [sample.records[i] for i in indices]
    return len(recs), sum(len(w.payload) for w in recs), sum(w.length for w in recs)


def group(d: dict) -> tuple[int, int, int]:
    return d["records"], d["payload_bytes"], d["record_bytes"]


@pytest.mark.parametrize("version,gz", [("1.1", True), ("1.0", True), ("1.1", False)])
def test_news_file(tmp_path, version, gz):
    s = samples_mod.news_warc(tmp_path, version, gz)
    assert len(s.records) == len(NEWS_HOSTS)
    got = collect([s.path]).as_dict()

    assert group(got["total"]) == sums(s, range(13))
    assert got["total"]["record_bytes"] == s.path.stat().st_size - (0 if gz else 4 * 13)
    assert got["total"]["articles"] == 1
    assert got["total"]["types"] == {"metadata": 2, "request": 2, "resource": 2,
                                     "response": 4, "revisit": 2, "warcinfo": 1}
    assert sorted(got["hosts"]) == ["-", "example.com", "www.example.org"]
    for host in got["hosts"]:
        idx = [i for i, h in enumerate(NEWS_HOSTS) if h == host]
        assert group(got["hosts"][host]) == sums(s, idx), host
    for status in ("-", "200", "304", "404"):
        idx = [i for i, st in enumerate(NEWS_STATUS) if st == status]
        assert group(got["statuses"][status]) == sums(s, idx), status
    assert got["hosts"]["example.com"]["articles"] == 1
    assert got["hosts"]["www.example.org"]["articles"] == 0  # {"article": false}
    assert got["statuses"]["200"]["articles"] == 1
    assert got["statuses"]["-"]["articles"] == 0

    micro = ".123456" if version == "1.1" else ""
    assert got["total"]["first_date"] == f"2024-03-05T10:20:00{micro}Z"
    assert got["total"]["last_date"] == f"2024-03-06T08:00:00{micro}Z"
    assert got["hosts"]["www.example.org"]["first_date"] == f"2024-03-05T10:21:00{micro}Z"
    assert got["hosts"]["www.example.org"]["last_date"] == f"2024-03-05T10:21:01{micro}Z"
    assert got["statuses"]["404"]["first_date"] == got["statuses"]["404"]["last_date"]


def test_payload_bytes_are_the_stored_payloads(tmp_path):
    s = samples_mod.news_warc(tmp_path)
    got = collect([s.path]).as_dict()
    # literal: the 404 body "gone" (4) + its request (0) + {"article": false} (18)
    assert got["hosts"]["www.example.org"]["payload_bytes"] == 4 + 0 + 18
    # revisits carry no payload
    assert got["statuses"]["304"]["payload_bytes"] == 0


def test_dates_compare_as_times_not_strings(tmp_path):
    # 1.0 writes 10:20:30Z, 1.1 writes 10:20:30.123456Z: the 1.0 one is earlier,
    # although it sorts later as a string ('Z' > '.')
    a = samples_mod.news_warc(tmp_path, "1.0")
    b = samples_mod.news_warc(tmp_path, "1.1")
    got = collect([b.path, a.path]).as_dict()
    assert got["hosts"]["example.com"]["first_date"] == "2024-03-05T10:20:30Z"
    assert got["hosts"]["example.com"]["last_date"] == "2024-03-06T08:00:00.123456Z"
    assert got["total"]["articles"] == 2
    assert got["total"]["records"] == 26


def test_articles_follow_their_response_across_files(tmp_path):
    first = samples_mod.Sample(tmp_path / "a.warc.gz")
    resp = first.response("https://news.example/story", "2024-05-01T00:00:00.000001Z",
                          "203 Non-Authoritative Information")
    first.save()
    second = samples_mod.Sample(tmp_path / "b.warc.gz")
    # written under another URI on purpose: the response's host must win
    second.metadata("https://other.example/x", "2024-05-01T00:00:01.000001Z",
                    resp.record_id, {"article": True})
    # refers to nothing we read: counted under its own host, status "-"
    second.metadata("https://orphan.example/y", "2024-05-01T00:00:02.000001Z",
                    "<urn:uuid:00000000-0000-4000-8000-00000000dead>", {"article": True})
    second.metadata("https://orphan.example/z", "2024-05-01T00:00:03.000001Z",
                    resp.record_id, {"title": "no article flag"})
    second.save()
    for order in ([second.path, first.path], [first.path, second.path]):
        got = collect(order).as_dict()
        assert got["total"]["articles"] == 2
        assert got["hosts"]["news.example"]["articles"] == 1
        assert got["hosts"]["other.example"]["articles"] == 0
        assert got["hosts"]["other.example"]["records"] == 1
        assert got["hosts"]["orphan.example"]["articles"] == 1
        assert got["statuses"]["203"]["articles"] == 1
        assert got["statuses"]["-"]["articles"] == 1


def test_records_about_a_page_count_under_the_pages_host(tmp_path):
    """The crawl's article summaries (urn:newsarchive:article:URL) are the page's host's,
    also when their response is not among the files read."""
    s = samples_mod.Sample(tmp_path / "c.warc.gz")
    resp = s.response("https://news.example/story", "2024-05-01T00:00:00.000001Z")
    s.metadata("urn:newsarchive:article:https://news.example/story",
               "2024-05-01T00:00:01.000001Z", resp.record_id, {"article": True})
    s.metadata("urn:newsarchive:article:https://orphan.example/y",
               "2024-05-01T00:00:02.000001Z",
               "<urn:uuid:00000000-0000-4000-8000-00000000dead>", {"article": True})
    s.save()
    got = collect([s.path]).as_dict()
    assert got["hosts"]["news.example"]["records"] == 2
    assert got["hosts"]["orphan.example"]["records"] == 1
    assert got["hosts"]["orphan.example"]["articles"] == 1
    assert "-" not in got["hosts"]


def test_wget_heritrix_and_truncated(tmp_path):
    samples = samples_mod.all_samples(tmp_path)
    wget, her = samples["wget.warc.gz"], samples["heritrix-20240301-00001.warc.gz"]
    cut = samples_mod.truncated_copy(samples["news-1.1.warc.gz"], "cut.warc.gz")
    stats = collect([wget.path, her.path, cut])
    got = stats.as_dict()
    assert got["hosts"]["example.com"]["records"] == 2 + 8  # wget pair + cut news minus 1
    assert got["hosts"]["gnu.org"]["records"] == 1
    assert got["hosts"]["example.net"]["records"] == 3  # dns:example.net, response, request
    assert got["statuses"]["301"]["records"] == 1
    assert list(got["problems"]) == [str(cut)]
    assert got["total"]["records"] == len(wget.records) + len(her.records) + 12


def test_host_of():
    assert host_of("https://WWW.Example.org:443/a") == "www.example.org"
    assert host_of("dns:Example.NET") == "example.net"
    assert host_of(None) == "-"
    assert host_of("urn:x:y") == "-"
    assert host_of("http://[::1:bad/") == "-"


def test_table(tmp_path):
    s = samples_mod.news_warc(tmp_path)
    text = format_table(collect([s.path]))
    lines = text.splitlines()
    assert lines[0].split()[:5] == ["host", "records", "payload", "B", "record"]
    total = [x for x in lines if x.startswith("TOTAL")]
    assert len(total) == 2 and total[0].split() == total[1].split()
    assert total[0].split()[1:3] == ["13", str(sum(len(w.payload) for w in s.records))]
    row = next(x for x in lines if x.startswith("www.example.org"))
    assert row.split()[1:5] == ["3", "22", str(sum(w.length for w in s.records[4:7])), "0"]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PYTHON, "-m", "archive", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=60)


def test_cli(tmp_path):
    s = samples_mod.news_warc(tmp_path)
    res = run_cli("stats", "--json", str(s.path))
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == collect([s.path]).as_dict()
    res = run_cli("stats", str(s.path))
    assert res.returncode == 0, res.stderr
    assert res.stdout == format_table(collect([s.path]))
    res = run_cli("stats", str(tmp_path / "nope.warc.gz"))
    assert res.returncode == 1 and "nope.warc.gz" in res.stderr


@pytest.mark.parametrize("data", [b"", b"<html>this is no WARC</html>\n", b"\x1f\x8b\x08garbage"],
                         ids=["empty", "garbage", "broken-gzip"])
def test_cli_empty_or_garbage_input_fails_with_one_line(tmp_path, data):
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(data)
    res = run_cli("stats", str(bad))
    assert res.returncode == 1
    assert res.stdout == ""  # nothing was read: no table of zeros
    assert len(res.stderr.splitlines()) == 1 and "bad.warc.gz" in res.stderr


def test_cli_truncated_file_counts_what_was_read_and_fails(tmp_path):
    s = samples_mod.news_warc(tmp_path)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(s.path.read_bytes()[:-20])
    res = run_cli("stats", "--json", str(cut))
    assert res.returncode == 1  # stopped half-way, as index and replay say too
    assert json.loads(res.stdout)["total"]["records"] == len(s.records) - 1
    assert len(res.stderr.splitlines()) == 1 and "cut.warc.gz" in res.stderr
