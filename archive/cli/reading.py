"""What the reading commands share: the output root option, terminal-width output, JSON."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import unicodedata
from pathlib import Path
from typing import Any

from archive.store.corpus import Corpus, CorpusError, open_synced, parse_when

#: rows printed as JSON carry these fields (the text only where asked)
JSON_FIELDS = ("id", "url", "canonical_url", "title", "author", "published", "site",
               "language", "word_count", "method", "version", "fetched_at", "text_path",
               "warc_filename", "warc_offset", "warc_length", "record_id", "payload_digest",
               "warc_date", "text_digest", "previous_id")


def add_root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", default=None,
                        help="output root of the crawls (default: $NEWSARCHIVE_ROOT, else data)")
    parser.add_argument("--json", action="store_true", help="JSON output, for scripts")


def add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", help="only this source (as in the rows: rt, asyura...)")
    parser.add_argument("--since", type=_day, help="published on or after (YYYY-MM-DD)")
    parser.add_argument("--until", type=_day, help="published on or before (YYYY-MM-DD)")
    parser.add_argument("--limit", type=int, default=50, help="at most this many (50)")


def _day(value: str) -> str:
    try:
        return parse_when(value)[:10]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def root_of(args: argparse.Namespace) -> Path:
    return Path(args.root or os.environ.get("NEWSARCHIVE_ROOT") or "data")


def open_corpus(args: argparse.Namespace) -> Corpus | None:
    """The root's index, synced; None (after one line on stderr) when there is none."""
    try:
        corpus = open_synced(root_of(args))
    except CorpusError as exc:
        print(f"archive {args.command}: {exc}", file=sys.stderr)
        return None
    if corpus.last_sync.busy:
        print(f"archive {args.command}: the index is being written (a replay is running); "
              "answering from it as it was", file=sys.stderr)
    return corpus


def width() -> int:
    return shutil.get_terminal_size((100, 24)).columns


def cells(text: str) -> int:
    """Terminal cells ``text`` takes (East Asian wide characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def fit(text: str, room: int) -> str:
    """``text`` cut to ``room`` terminal cells (with … when cut), padded to fill them."""
    text = " ".join(str(text or "").split())
    if cells(text) <= room:
        return text + " " * (room - cells(text))
    out, used = [], 0
    for char in text:
        size = cells(char)
        if used + size > room - 1:
            break
        out.append(char)
        used += size
    return "".join(out) + "…" + " " * (room - used - 1)


def article_line(row: dict[str, Any], total: int | None = None) -> str:
    """``#id  date  site  [vN]  title`` in the terminal's width."""
    day = (row.get("published") or "")[:10] or "no date   "
    versions = row.get("versions") or 1
    head = f"#{row['id']:<5} {day:<10}  {fit(row.get('site') or '', 13)} "
    head += f"v{row.get('version', 1)}/{versions} " if versions > 1 else ""
    room = (total or width()) - cells(head)
    return head + fit(row.get("title") or row.get("url"), max(10, room)).rstrip()


def dump_json(rows: list[dict[str, Any]], text: bool = False, extra: tuple[str, ...] = ()) -> None:
    fields = JSON_FIELDS + (("text",) if text else ()) + extra
    out = [{k: r.get(k) for k in fields if k in r} for r in rows]
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    print()


def color_ok() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")
