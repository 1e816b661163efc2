"""archive.warc.fastread: FastWARC reads a file only where it reads it exactly as warcio does.

Every committed WARC (the deliberately broken ones, other tools' files) and the WARCs of a
real crawl of the fixture web are read by both readers: either the fast reader hands the file
back to warcio (FallBack), or it gives the same records -- offsets, lengths, types, WARC
headers, HTTP status line, protocol and headers, payload bytes -- as
:class:`archive.warc.records.WarcRecords`, which must then have found nothing wrong with the file
(a problem warcio reports is never hidden by the fast path). The same for single records
read at an offset.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archive.cli.replay.scan import wants_body
from archive.warc import fastread
from archive.warc.records import WarcRecords
from tests.conftest import ROOT, run_crawl

pytest.importorskip("fastwarc")

COMMITTED = sorted(p for p in (ROOT / "tests" / "warcs").rglob("*")
                   if p.is_file() and ".warc" in p.name)


def facts(record: Any) -> tuple[Any, ...]:
    """What replay reads of a record, comparable across the two readers."""
    http = record.http_headers
    head = None if http is None else (http.protocol, http.statusline, list(http.headers))
    return (record.rec_type, list(record.rec_headers.headers), head, record.raw_stream.read())


def compare(path: Path) -> str:
    """``"fast"`` when FastWARC read the file as warcio does, ``"fallback"`` when it handed it
    back; fails the test on any difference."""
    reference = WarcRecords(path)
    expected = [(offset, length, facts(record)) for offset, length, record in reference]
    try:
        found = fastread.scan(path)
    except fastread.FallBack:
        return "fallback"
    assert reference.problem is None, (
        f"{path.name}: warcio reports {reference.problem!r} but the fast path read it")
    got = [(offset, length, facts(record)) for offset, length, record in found]
    assert [g[:2] for g in got] == [e[:2] for e in expected], path.name
    for g, e in zip(got, expected, strict=True):
        assert g == e, f"{path.name}: record at {e[0]} differs"
    for offset, _length, _facts in expected:
        try:
            one = fastread.record_at(path, offset)
        except fastread.FallBack:
            continue
        assert facts(one) == _facts, f"{path.name}: record_at({offset}) differs"
    return "fast"


@pytest.mark.parametrize("path", COMMITTED, ids=[p.name for p in COMMITTED])
def test_committed_files_read_as_warcio_reads_them_or_handed_back(path):
    compare(path)


def test_damaged_files_are_handed_back_to_warcio():
    """A file warcio finds a problem in is never read by the fast path (compare() checks it
    file by file); and the fast path does read the well-formed gzip files."""
    outcomes = {p.name: compare(p) for p in COMMITTED}
    for name in ("truncated-last-member.warc.gz", "truncated-gzip-trailer.warc.gz",
                 "garbage-after-last.warc.gz", "crc-error.warc.gz", "not-gzip.warc.gz",
                 "cl-too-long.warc.gz", "cl-too-short.warc.gz"):
        assert outcomes[name] == "fallback", name
    assert outcomes["wget-news.warc.gz"] == "fast"
    assert outcomes["heritrix-style.warc.gz"] == "fast"
    # uncompressed files always go to warcio
    assert all(v == "fallback" for k, v in outcomes.items() if k.endswith(".warc"))


def test_a_crawls_own_warcs_are_read_fast_and_identically(web, tmp_path):
    run = run_crawl(web, "urls", tmp_path / "out",
                    args={"urls": "https://news.example/", "depth": "3"},
                    settings={"WARC_MAX_SIZE": "20000"})
    assert run.returncode == 0, run.stderr[-3000:]
    warcs = [f for f in run.warc_files if f.name.endswith(".warc.gz")]
    assert len(warcs) >= 2
    assert {compare(w) for w in warcs} == {"fast"}


def test_record_at_refuses_an_offset_inside_a_record(tmp_path):
    warc = ROOT / "tests" / "warcs" / "foreign" / "wget-news.warc.gz"
    with pytest.raises(fastread.FallBack):
        fastread.record_at(warc, 7)


def test_the_environment_turns_the_fast_path_off(monkeypatch):
    monkeypatch.setenv(fastread.READER_ENV, "warcio")
    assert not fastread.enabled()
    monkeypatch.delenv(fastread.READER_ENV)
    assert fastread.enabled()


def _scan_facts(path: Path) -> list[tuple[Any, ...]]:
    return [(offset, length, facts(record))
            for offset, length, record in fastread.scan(path, wants_body)]


@pytest.fixture(scope="module")
def indexed_warcs(web, tmp_path_factory):
    """A crawl's closed WARC files, each with the CDXJ index the crawl wrote beside it."""
    out = tmp_path_factory.mktemp("indexed")
    run = run_crawl(web, "urls", out, args={"urls": "https://news.example/", "depth": "3"},
                    settings={"WARC_MAX_SIZE": "20000"})
    assert run.returncode == 0, run.stderr[-3000:]
    warcs = [f for f in run.warc_files if f.name.endswith(".warc.gz")]
    assert len(warcs) >= 2 and all(Path(str(w) + ".cdxj").is_file() for w in warcs)
    return warcs


def _without_index(path: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "plain" / path.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_bytes(path.read_bytes())
    return copy


def test_the_scan_skips_response_content_with_the_crawls_index(indexed_warcs, tmp_path,
                                                               monkeypatch):
    """With the index, responses are read only as far as their heads, and the scan gives
    exactly what the whole-file scan gives (itself checked against warcio above)."""
    heads = []
    original = fastread._head_only
    monkeypatch.setattr(fastread, "_head_only",
                        lambda *a: heads.append(1) or original(*a))
    summaries = 0
    for warc in indexed_warcs:
        plain = _without_index(warc, tmp_path)
        before = len(heads)
        assert _scan_facts(warc) == _scan_facts(plain), warc.name
        # the index also lists the article summaries (metadata): those are read whole
        lines = Path(str(warc) + ".cdxj").read_text().splitlines()
        responses = sum('"status"' in line or '"warc/revisit"' in line for line in lines)
        assert len(heads) - before == responses
        summaries += sum("urn:newsarchive:article:" in line for line in lines)
    assert summaries >= 4


def _tamper(warc: Path, tmp_path: Path, change) -> Path:
    copy = _without_index(warc, tmp_path / change.__name__)
    lines = Path(str(warc) + ".cdxj").read_text().splitlines()
    Path(str(copy) + ".cdxj").write_text("\n".join(change(lines, copy)) + "\n")
    return copy


def _field(line: str, key: str, value: Any) -> str:
    import json

    key_part, stamp, fields = line.split(" ", 2)
    data = json.loads(fields)
    data[key] = value
    return f"{key_part} {stamp} {json.dumps(data)}"


def _last_member_length(lines, copy):
    return lines[:-1] + [_field(lines[-1], "length", str(int(
        __import__("json").loads(lines[-1].split(" ", 2)[2])["length"]) - 1))]


def _offset_inside_a_record(lines, copy):
    import json

    offset = int(json.loads(lines[0].split(" ", 2)[2])["offset"])
    return [_field(lines[0], "offset", str(offset + 10))] + lines[1:]


def _another_files_index(lines, copy):
    return [_field(line, "filename", "other.warc.gz") for line in lines]


def _another_url(lines, copy):
    return [_field(lines[0], "url", "https://news.example/elsewhere")] + lines[1:]


def _another_digest(lines, copy):
    return [_field(lines[0], "digest", "A" * 32)] + lines[1:]


def _garbage_line(lines, copy):
    return lines + ["not an index line"]


def _listed_twice(lines, copy):
    return lines + lines[:1]


def _offset_past_the_end(lines, copy):
    return lines + [_field(lines[0], "offset", str(copy.stat().st_size + 100))]


@pytest.mark.parametrize("change, refused_when", [
    (_last_member_length, "scanning"), (_offset_inside_a_record, "scanning"),
    (_another_url, "scanning"), (_another_digest, "scanning"),
    (_offset_past_the_end, "scanning"), (_another_files_index, "loading"),
    (_garbage_line, "loading"), (_listed_twice, "loading")])
def test_an_index_that_does_not_fit_the_file_is_not_used(indexed_warcs, tmp_path, caplog,
                                                         change, refused_when):
    warc = indexed_warcs[0]
    expected = _scan_facts(_without_index(warc, tmp_path))
    copy = _tamper(warc, tmp_path, change)
    with caplog.at_level("DEBUG", logger="archive.warc.fastread"):
        assert _scan_facts(copy) == expected
    if refused_when == "loading":
        assert fastread._index_beside(copy) is None
    else:
        assert fastread._index_beside(copy) and "index not used" in caplog.text


def test_an_index_older_than_its_file_is_not_used(indexed_warcs, tmp_path, monkeypatch):
    import os

    warc = indexed_warcs[0]
    expected = _scan_facts(_without_index(warc, tmp_path))
    copy = _tamper(warc, tmp_path, lambda lines, copy: lines)
    used = []
    monkeypatch.setattr(fastread, "_scan_indexed", lambda *a: used.append(1) or [])
    os.utime(Path(str(copy) + ".cdxj"), (1_000_000, 1_000_000))
    assert _scan_facts(copy) == expected and not used


def test_a_record_split_over_two_gzip_members_goes_to_warcio(tmp_path):
    """FastWARC reads a record on across gzip members (its head in one, its block in the
    next), warcio does not: such a file must be read by warcio, which reports it."""
    import importlib.util
    import zlib

    spec = importlib.util.spec_from_file_location(
        "make_broken", ROOT / "tests" / "warcs" / "make_broken.py")
    mb = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mb)

    def member(data: bytes) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        return c.compress(data) + c.flush()

    records = mb.clean_records()
    head, sep, rest = records[1].partition(b"\r\n\r\n")
    split = member(head + sep) + member(rest)
    path = tmp_path / "split.warc.gz"
    path.write_bytes(member(records[0]) + split + b"".join(member(r) for r in records[2:]))
    with pytest.raises(fastread.FallBack):
        fastread.scan(path)
    reader = WarcRecords(path)
    list(reader)
    assert reader.problem  # warcio's reading says what is wrong
