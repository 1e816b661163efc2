"""``python -m archive changes``: articles whose text changed after their first capture."""

from __future__ import annotations

import argparse

from archive.cli.reading import add_root, article_line, dump_json, open_corpus
from archive.store.corpus import parse_when
from archive.store.textdiff import change_size, describe, diff


def configure(parser: argparse.ArgumentParser) -> None:
    add_root(parser)
    parser.add_argument("--since", help="changed (fetched) on or after this date")
    parser.add_argument("--site", help="only this source")
    parser.add_argument("--limit", type=int, default=100, help="at most this many (100)")


def run(args: argparse.Namespace) -> int:
    try:
        since = parse_when(args.since) if args.since else None
    except ValueError as exc:
        print(f"archive changes: {exc}")
        return 2
    corpus = open_corpus(args)
    if corpus is None:
        return 1
    with corpus:
        rows = corpus.changes(since=since, site=args.site, limit=args.limit)
    for row in rows:
        before = row["previous"] or row["first"] or {}
        row["change"] = change_size(diff(before.get("text", ""), row["text"]))
        row["first_fetched_at"] = (row["first"] or {}).get("fetched_at")
    if args.json:
        dump_json(rows, extra=("versions", "change", "first_fetched_at"))
        return 0
    for row in rows:
        print(article_line(row))
        print(f"       v{row['version']} of {row['fetched_at'][:16].replace('T', ' ')}: "
              f"{describe(row['change'])} (first captured "
              f"{(row['first_fetched_at'] or '?')[:10]})")
    if not rows:
        print("no article has changed")
    return 0
