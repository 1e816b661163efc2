"""`python -m archive <command>`: a thin command line over one-job modules.

Each command lives in its own module that exposes ``configure(parser)`` (add its arguments)
and ``run(args) -> int`` (do the work, return the exit status). This file only wires them up,
and turns what the world can do to a command (a file that cannot be read or written, a full
disk, Ctrl-C, a closed pipe) into one line on stderr and an exit status, never a traceback;
``--debug`` shows the traceback of an error.
Command modules keep their heavy imports (Scrapy, trafilatura) inside ``run`` so that
``--help`` and light commands start fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# name -> (module, one-line help). Keep sorted by name.
COMMANDS: dict[str, tuple[str, str]] = {
    "changes": ("archive.cli.changes", "articles whose text changed after their first "
                "capture"),
    "check": ("archive.cli.check",
              "validate WARC files strictly (framing, fields, digests, pairs)"),
    "demo": ("archive.cli.demo", "crawl the bundled sample pages offline and summarise the output"),
    "export-wacz": ("archive.cli.export_wacz",
                    "package WARCs as a WACZ 1.1.1 file (index, pages, manifest)"),
    "extract": ("archive.cli.extract", "clean text of one saved HTML page, as a crawl extracts it"),
    "run": ("archive.cli.run", "run spiders in sequence into one output root (cron/systemd)"),
    "index": ("archive.cli.index",
              "write a sorted CDXJ index (pywb / cdxj-indexer format) of WARCs"),
    "list": ("archive.cli.listing", "the articles of an output root, by publication date"),
    "reindex": ("archive.cli.reindex", "rebuild the corpus index from articles.jsonl"),
    "replay": ("archive.cli.replay",
               "re-extract the articles of WARCs: text files and articles.jsonl"),
    "search": ("archive.cli.search", "full-text search of the articles (Japanese, English)"),
    "serve": ("archive.cli.serve", "the reading room: a local web app over the archive"),
    "show": ("archive.cli.show", "one article: text, metadata, archived page, edits"),
    "stats": ("archive.cli.stats", "records, bytes, articles and dates per host and per status"),
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``only``, just that command's module is imported.

    A command whose module fails to import stays listed, and says why when it is run, so one
    broken command never takes the others down.
    """
    from archive import __version__

    parser = argparse.ArgumentParser(prog="python -m archive", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"newsarchive {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="print the traceback of an error (default: one line)")
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


#: parsers built by main, per command: a script calling main once per page builds one
_PARSERS: dict[str | None, argparse.ArgumentParser] = {}


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m archive` and the `newsarchive` console script."""
    argv = sys.argv[1:] if argv is None else argv
    debug = "--debug" in argv  # anywhere: before or after the command's name
    argv = [a for a in argv if a != "--debug"]
    only = argv[0] if argv and argv[0] in COMMANDS else None
    parser = _PARSERS.get(only) or _PARSERS.setdefault(only, build_parser(only))
    args = parser.parse_args(argv)
    if getattr(args, "_broken", None):
        print(args._broken, file=sys.stderr)
        return 2
    if not getattr(args, "_module", None):
        parser.print_help(sys.stderr)
        return 2
    name = f"archive {args.command}"
    try:
        return int(args._module.run(args) or 0)
    except KeyboardInterrupt:
        print(f"{name}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`| head`): quiet, as other command-line tools
        sys.stderr.close()
        return 0
    except OSError as exc:
        if debug:
            raise
        where = f": {exc.filename}" if exc.filename else ""
        print(f"{name}: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - one line; the traceback with --debug
        if debug:
            raise
        print(f"{name}: error: {type(exc).__name__}: {exc} (--debug shows where)",
              file=sys.stderr)
        return 1
