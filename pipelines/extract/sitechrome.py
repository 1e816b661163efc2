"""A site's known chrome, removed wherever it sits: not only inside the containers guessed.

A site module lists its chrome as text (:func:`sites.chrome_of`): ``CHROME_STRINGS`` (a line
or heading starting with one is chrome: "Trends:", "この筆者のコラム"), ``CHROME_ENDS`` (a short
line ending with one: "... 好評発売中") and ``CHROME_LINES``
(whole lines only: "プロフィール"). :class:`SiteChrome` applies them with the Japanese chrome
layer's machinery (:mod:`pipelines.extract.chrome`): :meth:`SiteChrome.prune` removes a chrome
heading and the section after it when that section is links or empty (a related list goes; an
article paragraph under a heading stays), :meth:`SiteChrome.clean` removes chrome lines from a
text. Only whole lines (at most ``MAX_LINE_CHARS``) that start with a chrome string, or are a
chrome line, go: an article sentence that merely contains one stays.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from lxml.etree import _Element

import sites
from pipelines.extract import chrome

#: a line longer than this (normalised characters) is never chrome by text
MAX_LINE_CHARS = 160
#: a line this short holding a label string ("... 写真: RIA Novosti") is a caption
MAX_CAPTION_CHARS = 80
#: a heading longer than this is never a chrome heading
MAX_HEADING_CHARS = 40
#: decoration stripped from the start of a line before matching (bullets, brackets, marks)
_LEAD = " \t\u3000・■□◆◇●○◎▼▽►▶«»<>【〔［[「『(-—|*※#"
_LIST_BULLET = re.compile(r"^(?:- |\* |\d+\. )")


def lead_form(text: str) -> str:
    """The form lines are matched in: NFKC, one space per whitespace run, list bullets and
    leading decoration stripped, case-folded; the end is kept ("写真:" is not "写真")."""
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    return _LIST_BULLET.sub("", text).lstrip(_LEAD).casefold()


class SiteChrome:
    """One site's chrome strings, compiled."""

    def __init__(self, strings: tuple[str, ...], lines: tuple[str, ...],
                 ends: tuple[str, ...] = ()) -> None:
        self.starts = tuple(s for s in (lead_form(x) for x in strings) if s)
        #: a short line (a caption's length at most) ending with one of these is chrome
        self.ends = tuple(s for s in (lead_form(x) for x in ends) if s)
        #: labels ("写真:", "Tags:") also end a short line: a caption and its credit
        self.labels = tuple(" " + s for s in self.starts if s.endswith(":"))
        self.whole = frozenset(s for s in (lead_form(x) for x in lines) if s)
        headings = []
        for text in strings:
            key = chrome.core(text)
            # a string whose end is punctuation ("Trends:", "写真:") heads a chrome section
            # only as the whole heading; others also as its start ("この筆者のコラム一覧")
            exact = lead_form(text).rstrip() != key
            headings.append(chrome.Heading(key, "exact" if exact else "prefix"))
        headings += [chrome.Heading(chrome.core(text), "exact") for text in lines]
        self.rules = chrome.ChromeRules(
            headings=tuple(h for h in headings if h.text), lines=frozenset(),
            patterns=re.compile(r"(?!)"), widgets=(), max_line_chars=MAX_LINE_CHARS,
            max_heading_chars=MAX_HEADING_CHARS, max_widget_chars=0)

    def is_chrome_line(self, line: str) -> bool:
        """Whether a whole line is chrome: it starts with a chrome string or is a chrome
        line, and is short."""
        form = lead_form(line)
        if not form or len(form) > MAX_LINE_CHARS:
            return False
        if form in self.whole or form.startswith(self.starts):
            return True
        return len(form) <= MAX_CAPTION_CHARS and (
            any(label in form for label in self.labels) or form.endswith(self.ends))

    def prune(self, tree: _Element) -> int:
        """Remove chrome headings from ``tree`` (in place), each with the siblings after it
        that are links (a list of related articles, tag links) or empty; a heading alone in
        its wrapper takes the wrapper when the rest of it is links. Stricter than the
        Japanese layer's sections: these headings are known, their neighbours are not."""
        found: list[_Element] = []
        for node in self.rules.candidates(tree):  # type: ignore[attr-defined]
            owner = node.getparent()
            if owner is None or node.is_tail or not self.rules.is_heading(node):
                continue
            heading = chrome._heading_element(owner, self.rules)
            if heading is not None and heading not in found:
                found.append(heading)
        removed = 0
        for heading in found:
            if chrome._detached(heading):
                continue
            block = [heading] + _link_siblings(heading)
            parent = heading.getparent()
            if len(block) == 1 and parent is not None and parent.tag not in _ROOTS \
                    and _is_links(parent, heading):
                block = [parent] + _link_siblings(parent)
            for el in block:
                chrome._remove(el)
            removed += 1
        return removed

    def clean(self, text: str, heads: set[str] | None = None) -> str:
        """``text`` without its chrome lines; with ``heads`` (a fallback's text, read from
        the whole page) also without the headline and a bare date among its first lines."""
        if heads is not None:
            text = chrome.clean_text(text, self.rules, heads)
        return "\n".join(line for line in text.split("\n") if not self.is_chrome_line(line))


_ROOTS = frozenset({"html", "body", "main", "article"})
_SKIP = frozenset({"script", "style", "noscript", "template"})
#: a block is "links" when link text is at least this share of its text
LINK_SHARE = 0.8


def _visible(el: _Element, leave_out: _Element | None = None) -> tuple[int, int]:
    """(characters of text, characters of link text) of ``el``, scripts left out."""
    total = linked = 0
    for node in el.iter():
        if not isinstance(node.tag, str) or node.tag in _SKIP or node is leave_out:
            continue
        if any(a.tag in _SKIP or a is leave_out for a in node.iterancestors()):
            continue
        own = len("".join((node.text or "").split()))
        total += own
        if node.tag == "a" or any(a.tag == "a" for a in node.iterancestors()):
            linked += own
        if node is not el:
            tail = len("".join((node.tail or "").split()))
            total += tail
            parent = node.getparent()
            if parent is not None and (parent.tag == "a" or any(
                    a.tag == "a" for a in parent.iterancestors())):
                linked += tail
    return total, linked


def _is_links(el: _Element, leave_out: _Element | None = None) -> bool:
    """Whether ``el`` (without ``leave_out``) is empty or mostly link text."""
    total, linked = _visible(el, leave_out)
    return total == 0 or linked >= LINK_SHARE * total


def _link_siblings(el: _Element) -> list[_Element]:
    """The siblings after ``el`` that are links or empty, up to the first that is not (or a
    heading element); a text between them stops it too."""
    out: list[_Element] = []
    if (el.tail or "").strip():
        return out
    for sib in el.itersiblings():
        if not isinstance(sib.tag, str) or sib.tag in _SKIP:
            continue
        if sib.tag in ("h1", "h2", "h3", "h4", "h5", "h6") or not _is_links(sib):
            break
        out.append(sib)
        if (sib.tail or "").strip():
            break
    return out


@lru_cache(maxsize=64)
def for_site(name: str | None) -> SiteChrome | None:
    """The chrome of a site with rules, or None (no site, or a site without chrome strings)."""
    if not name:
        return None
    strings, lines, ends = sites.chrome_of(name)
    return SiteChrome(strings, lines, ends) if strings or lines or ends else None
