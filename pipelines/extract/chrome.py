"""Japanese news chrome: the page furniture trafilatura keeps on pages without site rules.

More: docs/modules.md, ``pipelines/extract/chrome.py``.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree
from lxml.etree import _Element

DATA = Path(__file__).resolve().parent / "data" / "ja_chrome.toml"

#: decoration stripped from both ends of a heading or line before matching
_DECORATION = (" \t\u3000・･■□◆◇●○◎▼▽▲△▶▷►◀◁«»≪≫<>＜＞【】〔〕［］[]「」『』()（）:：;；"
               "-－—―‐|｜/#＃*＊※+＋=＝~〜!！?？.。、,，…'\"“”‘’")
_LIST_BULLET = re.compile(r"^(?:- |\* |\d+\. )")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: elements that can be removed as a whole section wrapper (never the page itself)
_ROOTS = frozenset({"html", "body", "main", "article"})
#: a bare date (and time) line: 2019年3月15日 09:43, 2019.03.08, 2019/04/04 (木) 12:00 更新
_DATE_LINE = re.compile(
    r"(?:.{0,24}\s)?\d{4}\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*日?"
    r"(?:\s*\(.{1,3}\))?(?:\s*\d{1,2}\s*[:時]\s*\d{2}\s*分?(?:\s*\d{2}\s*秒?)?)?"
    r"(?:\s*(?:更新|公開|配信|掲載|投稿|lastupdate))?")
#: a date line is looked for among this many first lines, the headline too
_TOP_LINES = 3


def core(text: str) -> str:
    """The form phrases are matched in: NFKC, one space for each whitespace run, list bullets
    and table pipes and decoration stripped at both ends, Latin letters case-folded."""
    text = unicodedata.normalize("NFKC", text)
    text = " ".join(text.split())
    text = _LIST_BULLET.sub("", text)
    if text.startswith("|"):  # a table row: its cells, joined
        text = " ".join(cell.strip() for cell in text.strip("|").split("|") if cell.strip())
    return text.strip(_DECORATION).casefold()


@dataclass(frozen=True)
class Heading:
    text: str  #: core of the phrase
    match: str  #: "exact", "prefix" or "suffix"

    def regex(self) -> str:
        """This heading as a regular expression over a whole core; a prefix or suffix must end
        where a word ends when both sides are Latin letters or digits ("pr" is not
        "Projects")."""
        phrase = re.escape(self.text)
        latin = r"[0-9a-z]"
        if self.match == "prefix":
            edge = f"(?!{latin})" if self.text[-1].isascii() and self.text[-1].isalnum() else ""
            return f"{phrase}(?:{edge}.*)?"
        if self.match == "suffix":
            edge = f"(?<!{latin})" if self.text[0].isascii() and self.text[0].isalnum() else ""
            return f"(?:.*{edge})?{phrase}"
        return phrase


@dataclass(frozen=True)
class ChromeRules:
    """The phrase lists of :data:`DATA`, compiled."""

    headings: tuple[Heading, ...]
    lines: frozenset[str]
    patterns: re.Pattern[str]
    widgets: tuple[str, ...]
    max_line_chars: int
    max_heading_chars: int
    max_widget_chars: int

    def __post_init__(self) -> None:
        any_heading = "|".join(f"(?:{h.regex()})" for h in self.headings) or r"(?!)"
        object.__setattr__(self, "_heading_re", re.compile(any_heading, re.DOTALL))
        object.__setattr__(self, "_heading_texts", frozenset(h.text for h in self.headings))
        object.__setattr__(self, "candidates", _Candidates(
            [h.text for h in self.headings] + [w.split()[0] for w in self.widgets if w.split()],
            self.max_heading_chars * 2))

    def is_heading(self, text: str) -> bool:
        """Whether ``text`` (raw) is a chrome heading."""
        c = core(text)
        return 0 < len(c) <= self.max_heading_chars and \
            self._heading_re.fullmatch(c) is not None  # type: ignore[attr-defined]

    def is_chrome_line(self, line: str) -> bool:
        """Whether a whole line of text is chrome: a listed line or heading, or a pattern."""
        c = core(line)
        if not c or len(c) > self.max_line_chars:
            return False
        if c in self.lines or self.patterns.fullmatch(c) is not None:
            return True
        # a heading phrase alone on its line (by text only the exact phrase: "ランキング"
        # ending a line may be an article's subheading; its section is judged by structure)
        return c in self._heading_texts  # type: ignore[attr-defined]


def _spellings(key: str) -> set[str]:
    """How a phrase core can be written on a page: as it is, and a Latin one in capitals,
    capitalised, title case and in full-width capitals ("ranking": RANKING, Ranking,
    ＲＡＮＫＩＮＧ)."""
    if not any(c.isascii() and c.isalpha() for c in key):
        return {key}
    upper = key.upper()
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in upper)
    if len(key) <= 3:  # an abbreviation ("pr"): capitals only, "Pr" starts many words
        return {upper, wide}
    return {key, upper, key.capitalize(), key.title(), wide}


class _Candidates:
    """The body's short visible text nodes that contain a phrase core in one of its
    :func:`_spellings`. libxml2 lists the short texts (plain strings, one pass); one substring
    search per phrase over them all finds the phrases present (a page has a handful; most
    text is paragraphs); one more pass fetches just the texts holding them as nodes that know
    their element."""

    def __init__(self, keys: list[str], limit: int) -> None:
        self._keys = tuple(sorted({s for k in keys for s in _spellings(k)}))
        self._where = (f"//body//text()[string-length() <= {limit}]"
                       "[not(parent::script or parent::style)]")
        self._short = etree.XPath(self._where, smart_strings=False)

    def __call__(self, tree: _Element) -> list[Any]:
        texts = self._short(tree)
        joined = "\n".join(texts)  # one substring search per key over all short texts
        found = [k for k in self._keys if k in joined]
        if not found:
            return []
        hits = {t for t in texts if any(k in t for k in found)}
        # XPath string literals: a text with both quote kinds is left out
        literals = [f"'{t}'" if "'" not in t else f'"{t}"' for t in hits
                    if not ("'" in t and '"' in t)]
        if not literals:
            return []
        return tree.xpath(f"{self._where}[{' or '.join(f'. = {x}' for x in literals)}]")


def load(path: Path = DATA) -> ChromeRules:
    """Read and compile a phrase file (see :data:`DATA` for the format)."""
    data: dict[str, Any] = tomllib.loads(path.read_text("utf-8"))
    headings = tuple(Heading(core(h["text"]), h.get("match", "exact"))
                     for h in data.get("heading", []))
    lines: set[str] = set()
    for entry in data.get("line", []):
        texts = entry["text"]
        lines.update(core(t) for t in ([texts] if isinstance(texts, str) else texts))
    regexes = [f"(?:{p['regex']})" for p in data.get("pattern", [])]
    return ChromeRules(
        headings=headings,
        lines=frozenset(lines),
        patterns=re.compile("|".join(regexes) or r"(?!)", re.IGNORECASE),
        widgets=tuple(w["marker"].casefold() for w in data.get("widget", [])),
        max_line_chars=int(data.get("max_line_chars", 100)),
        max_heading_chars=int(data.get("max_heading_chars", 30)),
        max_widget_chars=int(data.get("max_widget_chars", 400)),
    )


@lru_cache(maxsize=1)
def rules() -> ChromeRules:
    """The rules of :data:`DATA`, read once per process."""
    return load()


def is_japanese(tree: _Element, language: str | None) -> bool:
    """A page declared Japanese, or undeclared with kana in its title or first heading."""
    if language:
        return language == "ja"
    for tag in ("title", "h1"):
        el = next(tree.iter(tag), None)
        if el is not None and _KANA.search(el.text_content() or ""):
            return True
    return False


# ------------------------------------------------------------------------------ structure


def _text(el: _Element) -> str:
    return " ".join(el.text_content().split())


def _link_chars(el: _Element) -> int:
    return sum(len(_text(a)) for a in el.iter("a"))


def _looks_chrome(section: list[_Element]) -> bool:
    """Whether the content under a chrome heading is chrome too: (almost) no text, mostly
    link text, or a list of linked items (teasers: a linked title and a line of summary)."""
    total = sum(len(_text(el)) for el in section)
    if total < 20:
        return True
    if sum(_link_chars(el) for el in section) * 2 >= total:
        return True
    items = [li for el in section for li in el.iter("li", "dd", "article")]
    linked = sum(1 for li in items if next(li.iter("a"), None) is not None)
    return len(items) >= 2 and linked * 5 >= len(items) * 4


def _heading_element(node: _Element, rules: ChromeRules) -> _Element | None:
    """The element a chrome heading text belongs to: the smallest element holding it, then
    its wrappers up to the largest one whose whole text is still a chrome heading."""
    el = node
    if not rules.is_heading(_text(el)):
        return None
    parent = el.getparent()
    while parent is not None and parent.tag not in _ROOTS:
        text = _text(parent)
        if len(text) > rules.max_heading_chars * 2 or not rules.is_heading(text):
            break
        el, parent = parent, parent.getparent()
    return el


def _section_after(heading: _Element) -> list[_Element]:
    """The siblings after ``heading`` up to the next heading element (its section)."""
    out = []
    for sib in heading.itersiblings():
        if not isinstance(sib.tag, str):
            continue
        if sib.tag in _HEADING_TAGS:
            break
        out.append(sib)
    return out


def _text_before(el: _Element) -> bool:
    """Whether ``el``'s parent has text before ``el``."""
    parent = el.getparent()
    if parent is not None and (parent.text or "").strip():
        return True
    for sib in el.itersiblings(preceding=True):
        if (sib.tail or "").strip() or (isinstance(sib.tag, str) and _text(sib)):
            return True
    return False


def _chrome_block(heading: _Element) -> list[_Element]:
    """What goes with a chrome heading: the heading and its section when that section is
    chrome. A heading whose own section is empty or trivial (a "もっと見る" link) and that
    opens its wrapper stands for the wrapper: ``<div><h2>関連記事</h2><a>もっと見る</a></div>``
    then ``<ul>`` of links. A heading right over real content is an article's subheading and
    stays with it; an empty chrome section (its content is loaded by script) goes with the
    heading and its trivial part."""
    block = [heading]
    el = heading
    for level in range(3):
        section = _section_after(el)
        if sum(len(_text(s)) for s in section) >= 20:
            if _looks_chrome(section):
                return block + section
            return block if level else []
        block = block + section
        parent = el.getparent()
        if parent is None or parent.tag in _ROOTS or _text_before(el):
            return block
        block, el = [parent], parent
    return block


def _remove(el: _Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    if el.tail and el.tail.strip():  # keep the text after it
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def prune(tree: _Element, rules: ChromeRules) -> int:
    """Remove chrome sections and widgets from ``tree`` (in place); the number removed.

    One pass over the body's visible text nodes: a short node that is a chrome heading by
    itself, or one that starts a widget marker (the marker may run over several nodes:
    "posted with <a>amazlet</a> at ..." is checked on the node's element)."""
    headings: list[_Element] = []
    widgets: list[_Element] = []
    starts = tuple({w.split()[0] for w in rules.widgets if w.split()})
    for node in rules.candidates(tree):  # type: ignore[attr-defined]
        owner = node.getparent()
        if owner is None:
            continue
        if node.is_tail:
            owner = owner.getparent()
            if owner is None:
                continue
        low = node.casefold()
        if starts and any(w in low for w in starts):
            text = _text(owner).casefold()
            if any(w in text for w in rules.widgets):
                widgets.append(owner)
                continue
        if node.is_tail or not rules.is_heading(node):
            continue
        found = _heading_element(owner, rules)
        if found is not None and found not in headings:
            headings.append(found)
    removed = 0
    for el in widgets:
        if _detached(el):
            continue
        block = el
        parent = el.getparent()
        while parent is not None and parent.tag not in _ROOTS \
                and len(_text(parent)) <= rules.max_widget_chars:
            block, parent = parent, parent.getparent()
        _remove(block)
        removed += 1
    for el in headings:
        if _detached(el):
            continue
        block = _chrome_block(el)
        for part in block:
            _remove(part)
        removed += bool(block)
    return removed


def _detached(el: _Element) -> bool:
    """Whether ``el`` is no longer in the document (removed, or with an ancestor)."""
    root = el
    while root.getparent() is not None:
        root = root.getparent()
    return root.tag != "html"


# ------------------------------------------------------------------------------ text


def headlines(tree: _Element, *titles: str | None) -> set[str]:
    """Cores of what the page calls its headline: ``h1`` texts, the given titles (og:title,
    ``<title>``) and the parts of a title split at a site-name separator."""
    out: set[str] = set()
    for t in titles:
        if t:
            out.add(core(t))
            for part in re.split(r"\s+[|｜\-–—]\s+|\s*[|｜]\s*", t):
                if len(part) >= 8:
                    out.add(core(part))
    for h1 in tree.iter("h1"):
        text = _text(h1)
        if text:
            out.add(core(text))
    out.discard("")
    return out


def clean_text(text: str, rules: ChromeRules, heads: Iterable[str] = ()) -> str:
    """``text`` without chrome lines (see the module docstring)."""
    heads = set(heads)
    kept: list[str] = []
    # a raw line this long cannot have a core short enough to be chrome (decoration and
    # bullets are a few characters): article paragraphs are not looked at
    longest = rules.max_line_chars + 12
    for line in text.split("\n"):
        if len(line) > longest and len(kept) >= _TOP_LINES:
            kept.append(line)
            continue
        if rules.is_chrome_line(line):
            continue
        if len(kept) < _TOP_LINES:
            c = core(line)
            if c in heads or (len(c) <= 40 and "。" not in line
                              and _DATE_LINE.fullmatch(c) is not None):
                continue
        kept.append(line)
    return "\n".join(kept)
