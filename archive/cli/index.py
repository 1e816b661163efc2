"""``python -m archive index``: a sorted CDXJ index of WARC files (pywb's and cdxj-indexer's format;
the indexer is :mod:`archive.warc.indexer`).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from archive.warc.indexer import CDXJIndexer, atomic_write, sort_lines


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``python -m archive index``."""
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="WARC/ARC files (.warc.gz, .warc, .arc.gz, .arc), WACZ packages, "
                             "or directories holding them")
    parser.add_argument("-o", "--output", metavar="OUT",
                        help="write the index here (atomically) instead of to stdout")
    parser.add_argument("--all-records", action="store_true",
                        help="also index request records, application/warc-fields resources "
                        "and metadata, and any other record with a target URI")


def run(args: argparse.Namespace) -> int:
    """Index ``args.files`` into one sorted CDXJ.

    A file that does not read to its end (a truncated tail, a damaged record, not a WARC at
    all) is reported on stderr and makes the exit status 1, as ``replay`` does; the complete
    records before the damage are indexed all the same. Exit 1 too when a file cannot be
    opened.
    """
    from archive.warc.inputs import readable

    logging.basicConfig(level=logging.WARNING, format="index: %(message)s")
    indexer = CDXJIndexer(all_records=args.all_records)
    status = 0
    lines: list[str] = []
    problems: list[str] = []

    def problem(line: str) -> None:
        problems.append(line)
        print(f"index: {line}", file=sys.stderr)

    for item in readable(args.files, problem):
        indexer.problems.pop(item.path.name, None)
        try:
            file_lines = indexer.lines_for(item.path)
        except OSError as exc:
            print(f"index: {item.name}: {exc.strerror or exc}", file=sys.stderr)
            status = 1
            continue
        if item.path.name in indexer.problems:  # logged by the reader as it stopped
            status = 1
        lines.extend(file_lines)
    if problems:
        status = 1
    lines = sort_lines(lines)
    if args.output:
        atomic_write(Path(args.output), lines)
    else:
        sys.stdout.writelines(lines)
        sys.stdout.flush()
    return status
