"""``python -m archive replay FILES… --out DIR``: re-extract the articles of WARC files.

Every HTML ``200`` response goes through the same code as in a live crawl and gives the same
outputs under ``DIR``: ``text/<host>/<hash16>-<slug>.txt`` and one ``articles.jsonl`` row per
article. This module is the command; the work is done by one-job modules beside it:
:mod:`~archive.cli.replay.scan` (first pass: the map of the archive),
:mod:`~archive.cli.replay.stitch` (multi-page articles), :mod:`~archive.cli.replay.pool`
(second pass: extraction in worker processes), :mod:`~archive.cli.replay.articlewriter` (text
files and rows), :mod:`~archive.cli.replay.passes` (the passes in order),
:mod:`~archive.cli.replay.summary` and :mod:`~archive.cli.replay.progress`.
How a record becomes a row: docs/replay.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sqlite3
import sys
from collections.abc import Iterable
from pathlib import Path

from archive.cli.replay.passes import Replay
from archive.cli.replay.progress import Progress
from archive.cli.replay.summary import Summary
from archive.store.corpus import Corpus, CorpusError
from sites.urls import split_arg

__all__ = ["Progress", "Replay", "Summary", "configure", "index_corpus", "replay", "run"]


def replay(
    files: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    jobs: int | None = None,
    progress: bool = False,
    overwrite: bool = False,
    match: list[str] | None = None,
    site: str | None = None,
) -> Summary:
    """Replay ``files`` into ``out``; see docs/replay.md. Returns the counts."""
    return Replay(files, out, jobs=jobs, progress=progress, match=match, site=site).run(
        overwrite=overwrite
    )


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``python -m archive replay``."""
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="WARC/ARC files (.warc.gz, .warc, .arc.gz, .arc), WACZ packages, "
                             "or directories holding them")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="output root: text/ and articles.jsonl are written here")
    parser.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                        help="extraction processes (default: one per core; 1: no pool)")
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar (it is only drawn when stderr is a terminal)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace DIR/articles.jsonl if it exists")
    parser.add_argument("--match", metavar="WORDS",
                        help="comma-separated words: only articles whose title or text holds "
                             "one get outputs (default: the crawl's own filter, if any)")
    parser.add_argument("--site", help="use this site's rules for every page "
                        "(default: chosen by each URL's host, as in a crawl)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def index_corpus(out: Path) -> None:
    """Bring the output's corpus index up to date (archive.store.corpus); a warning if it cannot."""
    try:
        with Corpus(out) as corpus:
            corpus.sync()
    except (CorpusError, OSError, sqlite3.Error) as exc:
        print(f"replay: the corpus index was not updated: {exc}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Replay; exit 0, or 1 when some record could not be parsed or extracted or a file was
    damaged (its complete records are replayed all the same), 2 when no WARC file can be
    read or the output exists."""
    logging.basicConfig(level=logging.WARNING, format="replay: %(message)s")
    missing = [f for f in args.files if not os.path.exists(f)]
    if missing:
        print(f"replay: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    progress = sys.stderr.isatty() and not args.no_progress
    try:
        runner = Replay(args.files, args.out, jobs=args.jobs, progress=progress,
                        match=split_arg(args.match) if args.match else None, site=args.site)
    except (OSError, ValueError) as exc:  # a WACZ package that cannot be read
        print(f"replay: {exc}", file=sys.stderr)
        return 2
    if not runner.files:
        print("replay: no WARC files found", file=sys.stderr)
        return 2
    try:
        summary = runner.run(overwrite=args.overwrite)
    except FileExistsError as exc:
        print(f"replay: {exc}", file=sys.stderr)
        return 2
    index_corpus(Path(args.out))
    if args.json:
        print(json.dumps(summary.to_dict(), indent=2))
    else:
        print(summary.format())
    return 1 if summary.errors or summary.problems else 0
