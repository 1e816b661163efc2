"""`python -m archive check FILES... [--strict] [--repair] [--json]`: validate WARC files.

Prints one line per problem (``file: offset N: <record id>: what is wrong``; a warning has
``warning: `` before what), or with ``--json`` one JSON object per problem on stdout (with
its ``severity``; summaries then go to stderr), then one summary line per file. See
docs/checking.md for what is checked, docs/warc.md for which problems are errors and which
are warnings (and why), and archive/warc/repair.py for what ``--repair`` (and ``--repair
--in-place``, which keeps a ``.bak`` first) writes. A repaired ``.open`` file (a crawl that
died) is moved aside to ``damaged/`` afterwards, as the crawl's own recovery does, so that its
records are not read twice.

Exit status: 0 when no file has an error (warnings are reported and do not count, unless
``--strict``), 1 when any has (even if ``--repair`` then wrote a repaired copy: the originals
are still broken) or a repair failed.
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
    parser.add_argument("--strict", action="store_true",
                        help="warnings fail the check too (a response without its request, "
                             "an old WARC version, ARC input, a revisit whose original is "
                             "in other files...)")


def run(args: argparse.Namespace) -> int:
    """Check, print, optionally repair; return the exit status."""
    from archive.warc.check.checker import Checker
    from archive.warc.repair import RepairError, move_aside, needs_repair, repair

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
        if report.failed(strict=args.strict):
            status = 1
    for report in reports:
        print(report.summary(), file=info)
    if not args.repair:
        return status
    for report in reports:
        if report.package is not None and report.errors:
            _say(args, f"{report.path}: not repaired: it is inside the WACZ package "
                      f"{report.package} (repair the WARC it was made from, and export again)")
        elif needs_repair(report):
            try:
                result = repair(report, in_place=args.in_place)
                if report.unclosed:  # a dead writer's leftover: out of the way, kept
                    moved = move_aside(report.path)
                    kept = (f"its complete records are in {result.target}" if result.target
                            else "it held no complete record")
                    result.lines.append(f"  original moved to {moved} ({kept})")
            except (RepairError, OSError) as exc:
                status = 1
                _say(args, str(exc))
                continue
            _say(args, "\n".join(result.lines))
        elif report.errors:
            _say(args, f"{report.path}: not repaired: its problems are not an incomplete tail "
                      "(repair only cuts truncated or garbage tails and .open files)")
    return status


def _say(args: argparse.Namespace, text: str) -> None:
    """Repair reports: stdout, or stderr when stdout carries JSON."""
    print(text, file=sys.stderr if args.json else sys.stdout)
