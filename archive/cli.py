"""`python -m archive <command>`: a thin command line over one-job modules.

Each command lives in its own module that exposes ``configure(parser)`` (add its arguments)
and ``run(args) -> int`` (do the work, return the exit status). This file only wires them up.
Command modules keep their heavy imports (Scrapy, trafilatura) inside ``run`` so that
``--help`` and light commands start fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# name -> (module, one-line help). Keep sorted by name.
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("archive.check", "validate WARC files strictly (framing, fields, digests, pairs)"),
    "demo": ("archive.demo", "crawl the bundled sample pages offline and summarise the output"),
    "export-wacz": ("archive.wacz", "package WARCs as a WACZ 1.1.1 file (index, pages, manifest)"),
    "extract": ("archive.extract", "clean text of one saved HTML page, as a crawl extracts it"),
    "run": ("archive.runner", "run spiders in sequence into one output root (cron/systemd)"),
    "index": ("archive.indexer", "write a sorted CDXJ index (pywb / cdxj-indexer format) of WARCs"),
    "replay": ("archive.replay", "re-extract the articles of WARCs: text files and articles.jsonl"),
    "stats": ("archive.stats", "records, bytes, articles and dates per host and per status"),
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``only``, just that command's module is imported.

    A command whose module fails to import stays listed, and says why when it is run, so one
    broken command never takes the others down.
    """
    from archive import __version__

    parser = argparse.ArgumentParser(prog="python -m archive", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"newsarchive {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in sorted(COMMANDS.items()):
        p = sub.add_parser(name, help=help_text, description=help_text)
        if only is not None and name != only:
            continue
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            p.set_defaults(_broken=f"{name}: cannot load {module_name}: {exc}")
            continue
        module.configure(p)
        p.set_defaults(_module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m archive` and the `newsarchive` console script."""
    argv = sys.argv[1:] if argv is None else argv
    only = argv[0] if argv and argv[0] in COMMANDS else None
    parser = build_parser(only)
    args = parser.parse_args(argv)
    if getattr(args, "_broken", None):
        print(args._broken, file=sys.stderr)
        return 2
    if not getattr(args, "_module", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args._module.run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
