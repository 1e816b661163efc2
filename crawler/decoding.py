"""Decoding a page whose declared charset is wrong.

More: docs/modules.md, ``crawler/decoding.py``.
"""

from __future__ import annotations

import codecs
import logging

from scrapy.http import TextResponse

logger = logging.getLogger(__name__)

#: characters of decoded text judged (and bytes given to detection)
SAMPLE = 32_768
#: charset_normalizer's mess ratio above which Scrapy's decoding is questioned
MESS_THRESHOLD = 0.2
_REPLACEMENT = "\ufffd"
_REPLACEMENT_UTF8 = _REPLACEMENT.encode("utf-8")


def _mess(text: str) -> float:
    from charset_normalizer.md import mess_ratio

    return mess_ratio(text, 1.0) if text else 0.0


def _same(a: str | None, b: str | None) -> bool:
    try:
        return codecs.lookup(a or "").name == codecs.lookup(b or "").name
    except LookupError:
        return False


def page_text(response: TextResponse) -> tuple[str, str]:
    """(text, encoding) of an HTML response: Scrapy's decoding unless its declared charset
    evidently does not fit the bytes (see the module docstring)."""
    text = response.text
    encoding = response.encoding
    body = response.body
    if body.isascii():
        return text, encoding
    sample = text[:SAMPLE]
    replaced = sample.count(_REPLACEMENT)
    # U+FFFD written in the page itself (as UTF-8) is no sign of a wrong decoding; the body is
    # only searched for it when the sample has any (most pages: none, and a 100 KB search
    # was a tenth of a millisecond per page)
    literal = body.count(_REPLACEMENT_UTF8) if replaced else None
    bad = replaced > (literal or 0)
    if not bad:
        if _same(encoding, "utf-8"):
            # bytes of another charset are practically never valid UTF-8: a UTF-8 decoding
            # without replacement characters is right (and most pages are UTF-8, so the mess
            # ratio, a few percent of a crawl's CPU, is not computed for them)
            return text, encoding
        mess = _mess(sample)
        if mess < MESS_THRESHOLD:
            return text, encoding
    else:
        mess = 1.0
    try:
        import charset_normalizer

        best = charset_normalizer.from_bytes(body[: SAMPLE * 4]).best()
    except Exception:  # noqa: BLE001 - detection is an improvement, never a failure
        return text, encoding
    if best is None or best.encoding is None or _same(best.encoding, encoding):
        return text, encoding
    try:
        other = body.decode(best.encoding, "replace")
    except LookupError:
        return text, encoding
    if literal is None:
        literal = body.count(_REPLACEMENT_UTF8)
    allowed = replaced - 1 if bad else literal  # bad: strictly fewer
    if other[:SAMPLE].count(_REPLACEMENT) > allowed:
        return text, encoding
    if _mess(other[:SAMPLE]) >= mess:
        return text, encoding
    logger.warning("%s charset %s does not fit the bytes of %s; decoded as %s",
                   "declared" if _declared(response) else "guessed", encoding, response.url,
                   best.encoding)
    return other, best.encoding


def _declared(response: TextResponse) -> bool:
    """Did the response declare its charset (BOM, header, meta), or did Scrapy guess it
    (w3lib 2.6 guesses ``ascii`` for some EUC-JP bytes)?"""
    try:
        return bool(response._declared_encoding())
    except Exception:  # noqa: BLE001 - Scrapy's private helper: only the wording depends on it
        return True
