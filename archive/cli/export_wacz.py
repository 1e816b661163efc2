"""``python -m archive export-wacz``: a WACZ package of WARC files, for pywb and ReplayWeb.page.

The package itself is :mod:`archive.warc.wacz`'s; this command gives it the page list, each
page decoded as the crawl decodes it (:mod:`crawler.pages`) for its title.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterable
from typing import Any

from archive.warc import wacz


def read_page(record: Any) -> tuple[str, str | None] | None:
    """(URL, ``<title>``) of an HTML response record, decoded as the crawl decodes pages."""
    from crawler.pages import html_title, page_item

    item = page_item(record)
    if item is None:
        return None
    return item.url, html_title(item.html)


def export_wacz(files: Iterable[str | os.PathLike[str]], output: str | os.PathLike[str],
                **options: Any) -> wacz.WaczSummary:
    """:func:`archive.warc.wacz.export_wacz` with the crawl's reading of pages."""
    return wacz.export_wacz(files, output, read_page=read_page, **options)


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``python -m archive export-wacz``."""
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="WARC/ARC files, WACZ packages, or directories holding them")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.wacz",
                        help="the package to write")
    parser.add_argument("--title", help="the collection's title (datapackage.json)")
    parser.add_argument("--description", help="a longer description (Markdown)")
    parser.add_argument("--articles", action="append", default=[], metavar="ARTICLES.jsonl",
                        help="take page titles from these articles.jsonl files too")


def run(args: argparse.Namespace) -> int:
    """Write the package; exit 0, or 2 when the inputs cannot be packaged (no WARC, a file
    that is empty, not a WARC, truncated or damaged: one line on stderr says which)."""
    logging.basicConfig(level=logging.WARNING, format="export-wacz: %(message)s")
    # a file that does not read to its end stops the export with one line (below), not with
    # the reader's warning as well
    logging.getLogger("archive.warc.records").setLevel(logging.ERROR)
    missing = [f for f in args.files if not os.path.exists(f)]
    if missing:
        print(f"export-wacz: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    if not args.output.endswith(".wacz"):
        print("export-wacz: the output's name must end in .wacz (WACZ 1.1.1)", file=sys.stderr)
        return 2
    try:
        summary = export_wacz(args.files, args.output, title=args.title,
                              description=args.description, articles=args.articles)
    except (ValueError, OSError) as exc:
        print(f"export-wacz: {exc}", file=sys.stderr)
        return 2
    for problem in summary.problems:
        print(f"export-wacz: warning: {problem}", file=sys.stderr)
    print(f"export-wacz: wrote {summary.output}: {summary.warcs} WARCs, {summary.index_lines} "
          f"index lines, {summary.pages} pages ({summary.titled_from_articles} titled from the "
          f"crawl's articles), {summary.bytes} bytes")
    return 0
