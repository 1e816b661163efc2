"""Spider arguments (``-a name=value``): parsed once, refused with a message that names them.

Every spider parses its arguments in ``__init__`` with these helpers; a bad value raises
:class:`SpiderArgumentError` (a ``ValueError``) saying which argument and what it accepts.
:mod:`crawler.preflight` builds each spider once with the user's arguments before anything
is fetched, so a mistake is one line and exit status 2, never a traceback mid-crawl. Which
arguments a spider knows is read from the keyword parameters of its ``__init__`` (and its
bases'), plus :attr:`crawler.spiders.base.ArchiveSpider.extra_arguments` for names that are
not Python identifiers (ruvr's ``from``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from sites.urls import split_arg

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


class SpiderArgumentError(ValueError):
    """A spider argument with a value the spider cannot use."""


def is_web_url(url: str) -> bool:
    """An absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def url_list(value: str | list[str] | None, name: str,
             split: Callable[[Any], list[str]] = split_arg,
             accept: Callable[[str], bool] = is_web_url) -> list[str]:
    """URLs given as ``a,b`` or as a file with one per line; each must be accepted by
    ``accept`` (default: an absolute http(s) URL)."""
    try:
        items = split(value)
    except (OSError, UnicodeDecodeError) as exc:
        raise SpiderArgumentError(f"{name}: cannot read {value!r}: {exc}") from None
    for item in items:
        if not accept(item):
            hint = "" if "," in str(value) or "://" in str(value) else " (nor a file)"
            raise SpiderArgumentError(
                f"{name}: {item!r} is not an http(s) URL{hint}")
    return items


def int_arg(value: Any, name: str, default: int | None = None,
            minimum: int | None = None) -> int | None:
    """An integer argument (``default`` when absent or empty)."""
    if value is None or value == "":
        return default
    try:
        number = int(str(value).strip())
    except ValueError:
        raise SpiderArgumentError(f"{name} must be an integer, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise SpiderArgumentError(f"{name} must be >= {minimum}, not {value!r}")
    return number


def flag_arg(value: Any, name: str, default: bool) -> bool:
    """``1/0``, ``true/false``, ``yes/no``, ``on/off`` (``default`` when absent or empty)."""
    if value is None or value == "":
        return default
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise SpiderArgumentError(f"{name} must be 1 or 0, not {value!r}")


def choice_arg(value: Any, name: str, choices: tuple[str, ...], default: str) -> str:
    """One of ``choices`` (``default`` when absent or empty)."""
    if value is None or value == "":
        return default
    if str(value) not in choices:
        raise SpiderArgumentError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return str(value)


def regex_arg(value: Any, name: str) -> re.Pattern[str] | None:
    """A regular expression (None when absent or empty)."""
    if value is None or value == "":
        return None
    try:
        return re.compile(str(value))
    except re.error as exc:
        raise SpiderArgumentError(f"{name}: not a regular expression ({exc}): {value!r}") \
            from None


def day_arg(value: Any, name: str) -> date | None:
    """``YYYY-MM-DD`` (None when absent or empty)."""
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise SpiderArgumentError(f"{name} must be YYYY-MM-DD, not {value!r}") from None


def word_list(value: Any, name: str, pattern: str | None = None) -> list[str]:
    """Comma-separated words; with ``pattern``, each must match it."""
    words = [w.strip() for w in str(value or "").split(",") if w.strip()]
    if pattern is not None:
        for word in words:
            if not re.fullmatch(pattern, word):
                raise SpiderArgumentError(f"{name}: {word!r} is not a valid name")
    return words
