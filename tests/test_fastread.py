"""archive.fastread: FastWARC reads a file only where it reads it exactly as warcio does.

Every committed WARC (the deliberately broken ones, other tools' files) and the WARCs of a
real crawl of the fixture web are read by both readers: either the fast reader hands the file
back to warcio (FallBack), or it gives the same records -- offsets, lengths, types, WARC
headers, HTTP status line, protocol and headers, payload bytes -- as
:class:`archive.records.WarcRecords`, which must then have found nothing wrong with the file
(a problem warcio reports is never hidden by the fast path). The same for single records
read at an offset.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archive import fastread
from archive.records import WarcRecords
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
