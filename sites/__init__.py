"""Everything about a source, one module per site (like Fundus' publishers): ``sites/<site>.py``.

A site module holds its hosts and URL patterns, start points, listing/feed/next-page rules
(asked by its spider in ``crawler/spiders/<site>.py``), its page chrome (``CHROME_STRINGS``)
and its extraction rules: one :class:`~sites.base.SiteRules` class per layout era.
:func:`register` adds a site's era classes (newest first); :func:`rules_for` returns the era
that applies to a URL and parsed page, or None for sites without rules (the extractor then
uses trafilatura alone). Site modules are imported by :func:`load_all`, listed in
``SITE_MODULES``. Shared pure helpers: :mod:`sites.base`, :mod:`sites.feeds`,
:mod:`sites.urls`, :mod:`sites.dates`, :mod:`sites.wayback`; see docs/adding-a-site.md.
"""

from __future__ import annotations

import importlib
import sys

from lxml.etree import _Element

from sites.base import SiteRules
from sites.urls import host_of
from sites.wayback import original_url

#: modules that call register() when imported
SITE_MODULES: list[str] = [
    "sites.asyura",
    "sites.newsweekjapan",
    "sites.rt",
    "sites.ruvr",
]

_REGISTRY: dict[str, list[type[SiteRules]]] = {}
_BY_HOST: dict[str, str] = {}
_loaded = False


def register(*eras: type[SiteRules]) -> None:
    """Register a site's era classes, newest first. All must share ``name`` and ``hosts``."""
    name = eras[0].name
    _REGISTRY[name] = list(eras)
    for era in eras:
        for host in era.hosts:
            _BY_HOST[host] = name


def load_all() -> None:
    """Import every site module once."""
    global _loaded
    if not _loaded:
        for module in SITE_MODULES:
            importlib.import_module(module)
        _loaded = True


def site_for_url(url: str) -> str | None:
    """Name of the site whose hosts include the URL's host (a Wayback capture URL counts as its
    original URL)."""

    load_all()
    # host_of is cached (a crawl asks for the same pages' hosts again), '' when unparsable
    return _BY_HOST.get(host_of(original_url(url))) or None


def rules_for(url: str, tree: _Element, site: str | None = None) -> SiteRules | None:
    """The rules (one era) for this page, or None. ``site`` overrides the host lookup."""
    load_all()
    name = site or site_for_url(url)
    for era in _REGISTRY.get(name or "", []):
        rules = era()
        if rules.applies(url, tree):
            return rules
    return None


def chrome_of(name: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """A site's known chrome as text: its module's ``CHROME_STRINGS`` (a line or heading
    starting with one is chrome), ``CHROME_LINES`` (a whole line that is one) and
    ``CHROME_ENDS`` (a short line ending with one is chrome); empty tuples for a site without
    them or without rules."""
    load_all()
    eras = _REGISTRY.get(name)
    if not eras:
        return (), (), ()
    module = sys.modules[eras[0].__module__]
    return (tuple(getattr(module, "CHROME_STRINGS", ())),
            tuple(getattr(module, "CHROME_LINES", ())),
            tuple(getattr(module, "CHROME_ENDS", ())))


def site_names() -> list[str]:
    """Registered site names."""
    load_all()
    return sorted(_REGISTRY)


def eras(name: str) -> list[type[SiteRules]]:
    """A site's era classes, newest first ([] for a site without rules)."""
    load_all()
    return list(_REGISTRY.get(name, []))


def chrome_strings(name: str) -> tuple[str, ...]:
    """What must never reach an article's text of a site: its module's ``CHROME_STRINGS``
    and ``LEAK_MARKERS`` (() for a site without rules or without them)."""
    classes = eras(name)
    if not classes:
        return ()
    module = sys.modules[classes[0].__module__]
    both = (*getattr(module, "CHROME_STRINGS", ()), *getattr(module, "LEAK_MARKERS", ()))
    return tuple(dict.fromkeys(both))
