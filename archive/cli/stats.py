"""``python -m archive stats``: records, bytes, articles and dates per host and status (the
counting is :mod:`archive.warc.stats`).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from archive.warc.stats import WarcStats, format_table


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``python -m archive stats``."""
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="WARC/ARC files (.warc.gz, .warc, .arc.gz, .arc), WACZ packages, "
                             "or directories holding them")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")


def run(args: argparse.Namespace) -> int:
    """Print the statistics of ``args.files``.

    Exit 1 when a file cannot be opened or does not read to its end (not a WARC, empty,
    truncated, damaged): one line on stderr says why, and the records read before the damage
    are counted. When nothing at all could be read, that line is all that is printed.
    """
    from archive.warc.inputs import readable

    logging.basicConfig(level=logging.WARNING, format="stats: %(message)s")
    stats = WarcStats()
    status = 0
    problems: list[str] = []

    def problem(line: str) -> None:
        problems.append(line)
        print(f"stats: {line}", file=sys.stderr)

    for item in readable(args.files, problem):
        try:
            stats.add_file(item.path, name=item.name)
        except OSError as exc:
            print(f"stats: {item.name}: {exc.strerror or exc}", file=sys.stderr)
            status = 1
    if problems:
        status = 1
    stats.finish()
    if stats.problems:  # each was logged as one line when its file stopped
        status = 1
    if status and not stats.total.records:
        return status
    if args.json:
        json.dump(stats.as_dict(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_table(stats))
    return status
