"""References across all the files given to ``check``: ids, request/response pairs, revisits.

A duplicate WARC-Record-ID and a revisit that contradicts its original are errors; a record
whose partner, original or reference is not among the given files is a warning (the standard
asks for neither pairs nor references within one file; docs/checking.md, "References").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from fractions import Fraction

from archive.warc.check.digests import format_digest
from archive.warc.check.fields import parse_date
from archive.warc.check.report import ERROR, WARNING, FileReport, Problem, RecordInfo
from archive.warc.indexer import surt_key


def cross_check(reports: Sequence[FileReport]) -> None:
    """Reference checks over all records of all reports; problems go to each record's file.

    A duplicate record id and a revisit that contradicts its original are errors; a record
    whose partner or original is simply not among the given files is a warning: the WARC
    standard asks for neither pairs nor references within one file (a revisit's original is
    usually in an earlier crawl's file, a cut or rotated file splits pairs).
    """
    by_file = {r.path: r for r in reports}
    by_id: dict[str, RecordInfo] = {}

    def bad(rec: RecordInfo, message: str, severity: str = ERROR) -> None:
        by_file[rec.file].problems.append(Problem(
            rec.file, rec.offset, rec.record_id, message, "reference", rec.rec_type, severity))

    def note(rec: RecordInfo, message: str) -> None:
        bad(rec, message, WARNING)

    arc = {r.path for r in reports if r.format == "ARC"}
    records = [rec for r in reports for rec in r.records
               if rec.rec_type is not None and rec.file not in arc]
    for rec in records:
        if rec.record_id is None:
            continue
        first = by_id.get(rec.record_id)
        if first is None:
            by_id[rec.record_id] = rec
        else:
            wget = all((r.target or "").startswith(_WGET_METADATA) for r in (first, rec))
            bad(rec, f"duplicate WARC-Record-ID (first at {first.file}: offset {first.offset})"
                + (": older wget versions write their MANIFEST.txt and wget_arguments.txt "
                   "records with one id" if wget else ""))

    paired: set[int] = set()
    for rec in records:
        for other_id in rec.concurrent_to:
            other = by_id.get(other_id)
            if other is None:
                continue
            pair = {rec.rec_type, other.rec_type}
            if pair in ({"request", "response"}, {"request", "revisit"}):
                paired.add(id(rec))
                paired.add(id(other))

    digests: dict[tuple[str, bytes, str | None], list[RecordInfo]] = {}
    by_uri: dict[str | None, list[RecordInfo]] = {}
    for rec in records:
        if rec.rec_type in ("response", "resource"):
            key = _uri_key(rec.target)
            by_uri.setdefault(key, []).append(rec)
            if rec.payload_digest:
                digests.setdefault((*rec.payload_digest, key), []).append(rec)

    for rec in records:
        http = (rec.target or "").startswith(("http:", "https:"))
        if rec.rec_type == "response" and http and id(rec) not in paired:
            note(rec, "response without its request: no request record with "
                 "WARC-Concurrent-To naming it (and its own WARC-Concurrent-To names no "
                 "request) in the given files")
        elif rec.rec_type == "request" and id(rec) not in paired:
            names = ", ".join(rec.concurrent_to) or "nothing"
            note(rec, f"request without its response: WARC-Concurrent-To names {names}, "
                 "which is no response or revisit in the given files")
        if rec.rec_type not in ("request", "response"):
            for other_id in rec.concurrent_to:
                if other_id not in by_id:
                    note(rec, f"WARC-Concurrent-To {other_id} points at no record in the "
                         "given files")
        if rec.warcinfo_id and rec.warcinfo_id not in by_id:
            note(rec, f"WARC-Warcinfo-ID {rec.warcinfo_id} points at no record in the given "
                 "files")
        if rec.rec_type == "revisit":
            _check_revisit(rec, by_id, digests, by_uri, bad)
        elif rec.refers_to and rec.refers_to not in by_id:
            note(rec, f"{rec.rec_type} WARC-Refers-To {rec.refers_to} points at no record in "
                 "the given files")
    for report in reports:
        report.problems.sort(key=lambda p: (p.offset if p.offset is not None else -1))


_WGET_METADATA = "metadata://gnu.org/software/wget/"


def _uri_key(uri: str | None) -> str | None:
    """The key a replay tool looks a URI up by: pywb's SURT form (scheme, ``www.``, case,
    default port and query order folded), so that an https revisit finds its http original
    with the same payload, as pywb finds it."""
    if not uri:
        return uri
    return surt_key(uri)


def _date_key(value: str) -> tuple[datetime, Fraction] | None:
    when = parse_date(value, None)
    if when is None:
        return None
    frac = value.rstrip("Z").partition(".")[2]
    return when, Fraction(int(frac or "0"), 10 ** len(frac or "0"))


def _same_date(a: str | None, b: str | None) -> bool:
    """Equal WARC-Dates (``...:05Z`` equals ``...:05.000Z``); True if either is absent."""
    if a is None or b is None:
        return True
    ka, kb = _date_key(a), _date_key(b)
    return a == b if ka is None or kb is None else ka == kb


def _check_revisit(rec: RecordInfo, by_id: dict[str, RecordInfo],
                   digests: dict[tuple[str, bytes, str | None], list[RecordInfo]],
                   by_uri: dict[str | None, list[RecordInfo]],
                   bad: Callable[..., None]) -> None:
    """A revisit's original should be among the given files (a warning when it is not) and
    must agree with the revisit (an error when it does not)."""
    target = rec.refers_to_target or rec.target
    identical = (rec.profile or "").endswith("identical-payload-digest")
    if rec.refers_to:
        orig = by_id.get(rec.refers_to)
        if orig is None:
            bad(rec, f"revisit's original WARC-Refers-To {rec.refers_to} is not in the given "
                "files", WARNING)
            return
        if rec.refers_to_target and orig.target and rec.refers_to_target != orig.target:
            bad(rec, f"WARC-Refers-To-Target-URI {rec.refers_to_target} differs from the "
                f"original's WARC-Target-URI {orig.target}")
        if not _same_date(rec.refers_to_date, orig.date):
            bad(rec, f"WARC-Refers-To-Date {rec.refers_to_date} differs from the original's "
                f"WARC-Date {orig.date}")
        if (identical and rec.payload_digest and orig.payload_digest
                and rec.payload_digest[0] == orig.payload_digest[0]
                and rec.payload_digest != orig.payload_digest):
            bad(rec, "revisit WARC-Payload-Digest differs from the original's "
                f"{format_digest(*orig.payload_digest)}")
        return
    key = _uri_key(target)
    if identical:
        if not rec.payload_digest:
            return  # reported as a header problem
        if not digests.get((*rec.payload_digest, key)):
            bad(rec, f"revisit's original is not in the given files: no response for {target} "
                f"with WARC-Payload-Digest {format_digest(*rec.payload_digest)}", WARNING)
        return
    candidates = [r for r in by_uri.get(key, []) if _same_date(rec.refers_to_date, r.date)]
    if not candidates:
        when = f" dated {rec.refers_to_date}" if rec.refers_to_date else ""
        bad(rec, f"revisit's original is not in the given files: no response for "
            f"{target}{when}", WARNING)
