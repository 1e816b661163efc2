"""``python -m archive list``: the articles of an output root, newest publication first."""

from __future__ import annotations

import argparse

from archive.cli.reading import (
    add_filters,
    add_root,
    article_line,
    dump_json,
    open_corpus,
)


def configure(parser: argparse.ArgumentParser) -> None:
    add_root(parser)
    add_filters(parser)
    parser.add_argument("--match", help="only articles whose title or text contains this")
    parser.add_argument("--offset", type=int, default=0, help="skip this many (paging)")


def run(args: argparse.Namespace) -> int:
    corpus = open_corpus(args)
    if corpus is None:
        return 1
    with corpus:
        rows = corpus.list(site=args.site, since=args.since, until=args.until, match=args.match,
                           limit=args.limit, offset=args.offset)
    if args.json:
        dump_json(rows, extra=("versions",))
        return 0
    for row in rows:
        print(article_line(row))
    if not rows:
        print("no articles match", flush=True)
    return 0
