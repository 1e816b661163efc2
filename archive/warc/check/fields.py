"""The header fields of one WARC record: read into a RecordInfo, then held to the standard's rules.

Mandatory fields once each, known versions, ``<uri>`` record ids, dates in the version's form
and on the calendar, target URIs where required and without white space, revisit profiles
(docs/checking.md, "Header fields"). :func:`field_problems` returns what is wrong; the record
walker (:mod:`archive.warc.check.warcrecord`) reports it.
"""

from __future__ import annotations

import re
from datetime import datetime

from archive.warc.check.report import ERROR, WARNING, RecordInfo, show

WARC_VERSIONS = ("WARC/1.0", "WARC/1.1")
#: drafts before the ISO standard, still in old archives (Heritrix 1.x wrote 0.17 and 0.18);
#: their records are laid out as in 1.0, and warcio and pywb read them as such
OLD_WARC_VERSIONS = ("WARC/0.17", "WARC/0.18")
NEEDS_TARGET = ("response", "request", "revisit", "resource", "conversion", "continuation")
MANDATORY = ("WARC-Record-ID", "WARC-Date", "WARC-Type", "Content-Length")
SINGLE = MANDATORY + ("WARC-Block-Digest", "WARC-Payload-Digest", "WARC-Target-URI",
                      "WARC-Refers-To", "WARC-Profile")
ID_FIELDS = ("WARC-Concurrent-To", "WARC-Refers-To", "WARC-Warcinfo-ID")
RECORD_ID_RE = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>]+>")
DATE_10_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
DATE_11_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z")

#: header values by lower-case field name, in the order written
Values = dict[str, list[str]]


def unwrap(uri: str | None) -> str | None:
    """wget's ``<http://x/>`` -> ``http://x/``; anything else unchanged."""
    if uri and uri.startswith("<") and uri.endswith(">"):
        return uri[1:-1]
    return uri


def parse_date(value: str, version: str | None) -> datetime | None:
    """A WARC-Date as datetime, or None when malformed for the record's WARC version."""
    pattern = DATE_10_RE if version == "WARC/1.0" else DATE_11_RE
    if not pattern.fullmatch(value):
        return None
    try:
        return datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return None


def first(values: Values, name: str) -> str | None:
    """The first value of field ``name`` (any case), or None."""
    got = values.get(name.lower())
    return got[0] if got else None


def read_fields(rec: RecordInfo, lines: list[bytes]) -> tuple[Values, list[bytes]]:
    """Fill ``rec`` from the header lines (after the version line): (the values by lower-case
    name, the lines that are no ``name: value``). Folded lines continue the field before."""
    fields: list[tuple[str, str]] = []
    bad_lines: list[bytes] = []
    for raw in lines:
        text = raw.rstrip(b"\r\n").decode("utf-8", "replace")
        if raw[:1] in (b" ", b"\t") and fields:
            name, value = fields[-1]
            fields[-1] = (name, value + " " + text.strip())
            continue
        name, sep, value = text.partition(":")
        if not sep or not name.strip() or name != name.strip():
            bad_lines.append(raw)
            continue
        fields.append((name.strip(), value.strip()))
    values: Values = {}
    for name, value in fields:
        values.setdefault(name.lower(), []).append(value)
    rec.record_id = first(values, "WARC-Record-ID")
    rec.rec_type = first(values, "WARC-Type")
    rec.target = unwrap(first(values, "WARC-Target-URI"))
    rec.date = first(values, "WARC-Date")
    rec.concurrent_to = values.get("warc-concurrent-to", [])
    rec.refers_to = first(values, "WARC-Refers-To")
    rec.refers_to_target = unwrap(first(values, "WARC-Refers-To-Target-URI"))
    rec.refers_to_date = first(values, "WARC-Refers-To-Date")
    rec.profile = first(values, "WARC-Profile")
    rec.warcinfo_id = first(values, "WARC-Warcinfo-ID")
    return values, bad_lines


def content_length(values: Values) -> int | None:
    """The Content-Length, or None when absent or not a non-negative integer."""
    text = first(values, "Content-Length")
    return int(text) if text is not None and text.isdigit() else None


def field_problems(rec: RecordInfo, version: str, values: Values, bad_lines: list[bytes],
                   versions_noted: set[str]) -> list[tuple[str, str]]:
    """``(message, severity)`` of every rule the record's header breaks, in a fixed order.

    An old draft version is noted once per file: ``versions_noted`` (the file's) remembers it.
    """
    found: list[tuple[str, str]] = []

    def bad(message: str) -> None:
        found.append((message, ERROR))

    if version in OLD_WARC_VERSIONS:
        if version not in versions_noted:  # once per file, not once per record
            versions_noted.add(version)
            found.append((f"{version} is a draft from before the ISO standard (WARC/1.0, "
                          "2009); its records are read as WARC/1.0 records", WARNING))
    elif version not in WARC_VERSIONS:
        bad(f"unknown WARC version {version!r} (expected WARC/1.0 or WARC/1.1)")
    for raw in bad_lines:
        bad(f"malformed header line {show(raw, 60)}: expected 'Name: value'")
    for name in MANDATORY:
        if name.lower() not in values:
            bad(f"missing mandatory field {name}")
    for name in SINGLE:
        n = len(values.get(name.lower(), []))
        if n > 1:
            bad(f"field {name} appears {n} times")
    cl_text = first(values, "Content-Length")
    if cl_text is not None and content_length(values) is None:
        bad(f"malformed Content-Length {cl_text!r}: must be a non-negative integer")
    if rec.record_id is not None and not RECORD_ID_RE.fullmatch(rec.record_id):
        bad(f"malformed WARC-Record-ID {rec.record_id!r}: must be <uri>")
    for name in ID_FIELDS:
        for value in values.get(name.lower(), []):
            if not RECORD_ID_RE.fullmatch(value):
                bad(f"malformed {name} {value!r}: must be <uri>")
    rule = ("YYYY-MM-DDThh:mm:ssZ" if version == "WARC/1.0"
            else "YYYY-MM-DDThh:mm:ss[.fraction]Z")
    for name, value in (("WARC-Date", rec.date), ("WARC-Refers-To-Date", rec.refers_to_date)):
        if value is not None and parse_date(value, version) is None:
            bad(f"malformed {name} {value!r}: {version} requires {rule}")
    if rec.rec_type in NEEDS_TARGET and not rec.target:
        bad(f"missing WARC-Target-URI (mandatory for {rec.rec_type} records)")
    for name, uri in (("WARC-Target-URI", rec.target),
                      ("WARC-Refers-To-Target-URI", rec.refers_to_target)):
        if uri and any(c.isspace() for c in uri):
            bad(f"{name} {uri!r} contains white space, which no URI may (RFC 3986: "
                "it must be percent-encoded as %20)")
    if rec.rec_type == "revisit":
        if not rec.profile:
            bad("revisit record without WARC-Profile")
        elif rec.profile.endswith("identical-payload-digest") and not first(
                values, "WARC-Payload-Digest"):
            bad("identical-payload-digest revisit without WARC-Payload-Digest")
    return found
