"""`python -m archive check FILES... [--repair] [--json]`: validate WARC files.

Prints one line per problem (``file: offset N: <record id>: what is wrong``), or with
``--json`` one JSON object per problem on stdout (summaries then go to stderr), then one
summary line per file. See archive/checker.py for what is checked and archive/repair.py for
what ``--repair`` (and ``--repair --in-place``, which keeps a ``.bak`` first) writes.

Exit status: 0 when every file is clean, 1 when any problem was found (even if ``--repair``
then wrote a repaired copy: the originals are still broken) or a repair failed.
"""

from __future__ import annotations

import argparse
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the check command's arguments."""
    parser.add_argument("files", nargs="+", metavar="PATH",
                        help="WARC files (.warc, .warc.gz, .open) or directories to walk")
    parser.add_argument("--repair", action="store_true",
                        help="for files with an incomplete tail (truncated, garbage at the end, "
                             "or an .open file) write a new file with every complete record: "
                             "x.warc.gz.open -> x.warc.gz (or x.repaired.warc.gz if taken), "
                             "x.warc.gz -> x.repaired.warc.gz; originals are never modified")
    parser.add_argument("--in-place", action="store_true",
                        help="with --repair: copy x.warc.gz to x.warc.gz.bak first, then replace "
                             "x.warc.gz itself (.open files still go to their closed name)")
    parser.add_argument("--json", action="store_true",
                        help="print each problem as a JSON object (one per line) on stdout")


def run(args: argparse.Namespace) -> int:
    """Check, print, optionally repair; return the exit status."""
    from archive.checker import Checker
    from archive.repair import RepairError, needs_repair, repair

    if args.in_place and not args.repair:
        print("--in-place only applies with --repair", file=sys.stderr)
        return 2
    checker = Checker(args.files)
    reports = checker.run()
    out = sys.stdout
    info = sys.stderr if args.json else sys.stdout
    status = 0
    for report in reports:
        for problem in report.problems:
            print(problem.to_json() if args.json else problem.format(), file=out)
        if report.problems:
            status = 1
    for report in reports:
        print(report.summary(), file=info)
    if not args.repair:
        return status
    for report in reports:
        if needs_repair(report):
            try:
                result = repair(report, in_place=args.in_place)
            except RepairError as exc:
                status = 1
                _say(args, str(exc))
                continue
            _say(args, "\n".join(result.lines))
        elif report.problems:
            _say(args, f"{report.path}: not repaired: its problems are not an incomplete tail "
                      "(repair only cuts truncated or garbage tails and .open files)")
    return status


def _say(args: argparse.Namespace, text: str) -> None:
    """Repair reports: stdout, or stderr when stdout carries JSON."""
    print(text, file=sys.stderr if args.json else sys.stdout)
