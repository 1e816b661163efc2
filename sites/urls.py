"""URL helpers shared by the spiders: tracking-parameter removal and argument parsing."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

TRACKING_PREFIXES = ("utm_",)
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "yclid", "mc_cid", "mc_eid"})


def strip_tracking(url: str) -> str:
    """Drop ``utm_*`` and click-id parameters and the fragment; keep everything else in order."""
    if "?" not in url and "#" not in url and url.startswith(("http://", "https://")):
        return _roundtrip(url)  # nothing to drop (the common case)
    parts = urlsplit(url)
    if not parts.query and not parts.fragment:
        return urlunsplit(parts)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(TRACKING_PREFIXES) and k.lower() not in TRACKING_PARAMS
    ]
    return urlunsplit(parts._replace(query=urlencode(query), fragment=""))


@functools.lru_cache(maxsize=4096)
def _roundtrip(url: str) -> str:
    return urlunsplit(urlsplit(url))


def split_arg(value: str | list[str] | None) -> list[str]:
    """A spider argument that lists URLs: ``a,b``, a list, or the path of a file (one per line,
    ``#`` comments). Returns the non-empty entries in order."""
    if not value:
        return []
    if isinstance(value, list):
        items: list[str] = []
        for v in value:
            items.extend(split_arg(v))
        return items
    path = Path(value)
    if "://" not in value and path.is_file():
        lines = path.read_text(encoding="utf-8").splitlines()
        return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    return [v.strip() for v in value.split(",") if v.strip()]


@functools.lru_cache(maxsize=4096)
def host_of(url: str) -> str:
    """Lower-case host name of a URL ('' when there is none). Cached: a page's own URL and
    its navigation links are asked for again and again."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


# hrefs that urljoin + urlsplit/urlunsplit would return unchanged (absolute, lower-case http(s)
# scheme, a plain host[:port], no whitespace, backslash, ';' (urljoin drops empty path
# parameters), dot segment or empty query) or that only need the page's origin in front
# (root-relative, same conditions)
_PLAIN_ABSOLUTE = re.compile(
    r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?][^\s#\\;]*)?"
)
_PLAIN_ROOTED = re.compile(r"/(?!/)[^\s#\\;]*")
_DOT_SEGMENT = re.compile(r"/\.\.?(?:[/?]|$)")


def url_origin(url: str) -> str | None:
    """``scheme://host[:port]`` of a plain http(s) page URL, else None (no fast path)."""
    m = _PLAIN_ABSOLUTE.match(url)
    if not m or m.end() != len(url):
        return None
    return url[: url.index("/", url.index("//") + 2)] if url.count("/") > 2 else url


@functools.lru_cache(maxsize=32768)
def fast_link(origin: str | None, href: str) -> str | None:
    """:func:`absolute_link` for the common, plain hrefs without urllib (None: not plain).

    Cached: a site's navigation, footer and widget links repeat on every page it serves."""
    target, _, _ = href.partition("#")
    if target.startswith("/"):
        if origin is None or not _PLAIN_ROOTED.fullmatch(target):
            return None
        target = origin + target
    elif not _PLAIN_ABSOLUTE.fullmatch(target):
        return None
    if target.endswith("?") or _DOT_SEGMENT.search(target.split("?", 1)[0], 8):
        return None
    return target


def absolute_link(url: str, href: str) -> str | None:
    """The absolute http(s) URL of a link target without its fragment, or None."""
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    try:
        parts = urlsplit(urljoin(url, href))
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return urlunsplit(parts._replace(fragment=""))
