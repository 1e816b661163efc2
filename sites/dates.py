"""Turn the date strings news pages print into ISO 8601 with an offset.

``normalise_datetime(raw, tz)`` understands ISO 8601 (``Z``, offsets, naive), RFC 822
(feeds), Japanese dates (``2024年01月31日（水）15時00分``, ``2013 年 11 月 2 日 20:37:00``),
RT's ``1 Apr, 2016 15:17`` / ``Published time: 1 Apr, 2016 15:17`` and day-first dotted
dates (``2.11.2013, 16:07``). A naive time gets ``tz`` (``+09:00``) when given; without it
the result has no offset rather than a guessed one. A date with no time gives ``YYYY-MM-DD``.
Returns None when nothing parses.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_JA = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
    r"(?:\s*[（(][^）)]*[）)])?"
    r"(?:\s*(\d{1,2})\s*(?:時|:)\s*(\d{1,2})\s*(?:分|:)?\s*(?:(\d{1,2})\s*秒?)?)?"
)
_DMY_NAME = re.compile(
    r"(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?,?\s+(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)
_MDY_NAME = re.compile(
    r"([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_RFC822_ZONE = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\s+(?:[+-]\d{4}|GMT|UT|UTC|[ECMP][SD]T)\s*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_offset(tz: str | None) -> timezone | None:
    """``+09:00`` -> timezone(timedelta(hours=9)); None stays None."""
    if not tz:
        return None
    m = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", tz.strip())
    if not m:
        return UTC if tz.strip().upper() in ("Z", "UTC", "GMT") else None
    delta = timedelta(hours=int(m.group(2)), minutes=int(m.group(3)))
    return timezone(-delta if m.group(1) == "-" else delta)


def _finish(dt: datetime, tz: str | None) -> str:
    if dt.tzinfo is None:
        zone = parse_offset(tz)
        if zone is not None:
            dt = dt.replace(tzinfo=zone)
    return dt.isoformat(timespec="seconds")


def _build(y: str, mo: int | str, d: str, h: str | None, mi: str | None, s: str | None,
           tz: str | None) -> str | None:
    try:
        if h is None:
            return datetime(int(y), int(mo), int(d)).date().isoformat()
        dt = datetime(int(y), int(mo), int(d), int(h), int(mi or 0), int(s or 0))
    except ValueError:
        return None
    return _finish(dt, tz)


def normalise_datetime(raw: str | None, tz: str | None = None) -> str | None:
    """See the module docstring."""
    if not raw:
        return None
    text = raw.strip()
    if _ISO_DATE.match(text):
        return text
    iso = text.replace("Z", "+00:00") if text.endswith("Z") else text
    try:
        return _finish(datetime.fromisoformat(iso), tz)
    except ValueError:
        pass
    if m := _JA.search(text):
        return _build(m[1], m[2], m[3], m[4], m[5], m[6], tz)
    if _RFC822_ZONE.search(text):
        try:
            return _finish(parsedate_to_datetime(text), tz)
        except (TypeError, ValueError, IndexError):
            pass
    if m := _DMY_NAME.search(text):
        month = _MONTHS.get(m[2].lower())
        if month:
            return _build(m[3], month, m[1], m[4], m[5], m[6], tz)
    if m := _MDY_NAME.search(text):
        month = _MONTHS.get(m[1].lower())
        if month:
            return _build(m[3], month, m[2], m[4], m[5], m[6], tz)
    if m := _DOTTED.search(text):
        return _build(m[3], m[2], m[1], m[4], m[5], m[6], tz)
    return None
