"""``python -m archive reindex``: rebuild the corpus index from the articles.jsonl files."""

from __future__ import annotations

import argparse
import sys

from archive.cli.reading import add_root, root_of
from archive.store.corpus import Corpus, CorpusError


def configure(parser: argparse.ArgumentParser) -> None:
    add_root(parser)


def run(args: argparse.Namespace) -> int:
    root = root_of(args)
    if not root.is_dir():
        print(f"archive reindex: no such folder: {root}", file=sys.stderr)
        return 1
    try:
        with Corpus(root) as corpus:
            result = corpus.reindex()
            total = corpus.count()
    except CorpusError as exc:
        print(f"archive reindex: {exc}", file=sys.stderr)
        return 1
    if args.json:
        import json

        print(json.dumps({"versions": total, "files": result.files,
                          "unreadable_lines": result.bad_lines}))
        return 0
    print(f"indexed {total} article versions from {result.files} file(s) into "
          f"{root / 'corpus.sqlite3'}" + (f"; {result.bad_lines} unreadable line(s) skipped"
                                          if result.bad_lines else ""))
    return 0
