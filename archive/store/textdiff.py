"""What changed between two versions of an article's text, as a reader wants to see it.

The texts are cut into tokens the way each script reads: Latin-script words (with the spaces
after them), and one token per character for Japanese and Chinese (no spaces to cut at, and an
edit of one character in a sentence must show as that character), then compared with
:class:`difflib.SequenceMatcher` paragraph by paragraph's worth of tokens. The result is a list
of ``(op, text)`` pieces (``=`` same, ``-`` removed, ``+`` added) that the command line renders
with markers or colours and the web view as ``<del>``/``<ins>``; :func:`change_size` gives the
one-line size of a change.
"""

from __future__ import annotations

import difflib
import html
import re

#: scripts written without spaces: one token per character
_CJK_LETTERS = r"\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_CHARS = _CJK_LETTERS + r"\u3000-\u303f"  # and CJK punctuation
_WORD = rf"[^\W{_CJK_LETTERS}]+"
_TOKEN = re.compile(
    rf"[{_CJK_CHARS}]"  # one CJK character
    r"|\n"
    rf"|{_WORD}(?:['’]{_WORD})*"  # a word
    r"|[^\w\s]"  # one punctuation mark
    r"|[ \t]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def tokens(text: str) -> list[str]:
    """``text`` cut into words (Latin script) and characters (CJK); joined back, the text."""
    return _TOKEN.findall(text)


def diff(old: str, new: str) -> list[tuple[str, str]]:
    """``[(op, text)]`` with op ``=``, ``-`` or ``+``, in reading order (removals first)."""
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("+", "".join(b[j1:j2])))
    return pieces


def _units(text: str) -> int:
    """Words for Latin script, characters for CJK: how a change is measured."""
    cjk = len(_CJK.findall(text))
    return cjk + len(re.findall(r"[^\s\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]+",
                                _CJK.sub(" ", text)))


def change_size(pieces: list[tuple[str, str]]) -> dict[str, int]:
    """``{"added": n, "removed": n, "changes": n}``: words (characters for CJK) added and
    removed, and the number of places that changed."""
    added = sum(_units(t) for op, t in pieces if op == "+")
    removed = sum(_units(t) for op, t in pieces if op == "-")
    places = 0
    previous = "="
    for op, _ in pieces:
        if op != "=" and previous == "=":
            places += 1
        previous = op
    return {"added": added, "removed": removed, "changes": places}


def describe(size: dict[str, int]) -> str:
    """``+12 -3 in 2 places`` (or ``no change``)."""
    if not size["changes"]:
        return "no change"
    where = "1 place" if size["changes"] == 1 else f"{size['changes']} places"
    return f"+{size['added']} -{size['removed']} in {where}"


def render_terminal(pieces: list[tuple[str, str]], color: bool, context: int = 80) -> str:
    """The diff for a terminal: removed ``[-…-]`` and added ``{+…+}`` (red / green with
    ``color``); long unchanged stretches shortened to ``context`` characters at each end."""
    out = []
    for op, text in pieces:
        if op == "=":
            if len(text) > 2 * context + 5:
                text = text[:context] + " … " + text[-context:]
            out.append(text)
        elif color:
            code = "31" if op == "-" else "32"
            out.append(f"\x1b[{code}m{text}\x1b[0m")
        else:
            out.append(f"[-{text}-]" if op == "-" else f"{{+{text}+}}")
    return "".join(out)


def render_html(pieces: list[tuple[str, str]]) -> str:
    """The diff as HTML: ``<del>`` and ``<ins>``, paragraphs kept."""
    out = []
    for op, text in pieces:
        body = html.escape(text).replace("\n", "<br>\n")
        out.append(body if op == "=" else
                   (f"<del>{body}</del>" if op == "-" else f"<ins>{body}</ins>"))
    return "".join(out)
