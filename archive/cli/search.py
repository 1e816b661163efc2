"""``python -m archive search QUERY``: full-text search of an output root's articles.

Words and "quoted phrases" must all occur; ``a OR b``; ``-word`` excludes. Japanese needs no
spaces (日露 首脳会談, "北方領土"). Ranked by relevance; each hit with a snippet whose matches
are highlighted (bold on a terminal, ``[…]`` otherwise).
"""

from __future__ import annotations

import argparse
import re

from archive.cli.reading import (
    add_filters,
    add_root,
    article_line,
    color_ok,
    dump_json,
    open_corpus,
)
from archive.store.corpus import RANK_WINDOW


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", help='words, "phrases", OR, -excluded')
    add_root(parser)
    add_filters(parser)


def highlight(text: str) -> str:
    if not color_ok():
        return text
    return re.sub(r"\[([^\[\]]*)\]", "\x1b[1m\\1\x1b[0m", text)


def run(args: argparse.Namespace) -> int:
    corpus = open_corpus(args)
    if corpus is None:
        return 1
    with corpus:
        page = corpus.search_page(args.query, site=args.site, since=args.since,
                                  until=args.until, limit=args.limit)
    rows = page.rows
    if args.json:
        dump_json(rows, extra=("snippet", "title_marked", "rank"))
        return 0
    for row in rows:
        print(article_line(row))
        print("       " + highlight(row["snippet"]))
    print(f"{page.total} article version{'s' if page.total != 1 else ''} match"
          + ("" if page.total != 1 else "es")
          + (f"; the first {len(rows)} shown" if len(rows) < page.total else "")
          + (f" (ranked among the newest {RANK_WINDOW})" if page.windowed else ""))
    return 0
