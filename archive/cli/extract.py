"""``python -m archive extract --url URL FILE``: the clean text of one saved HTML page.

More: docs/modules.md, ``archive/cli/extract.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``python -m archive extract``."""
    parser.add_argument("file", metavar="FILE", help="saved HTML page (bytes), or - for stdin")
    parser.add_argument("--url", required=True,
                        help="the page's URL (chooses the site rules; resolves relative links)")
    parser.add_argument("--content-type", default="text/html", metavar="VALUE",
                        help="the HTTP Content-Type the page was served with "
                             "(default: text/html, so <meta charset> and BOM decide)")
    parser.add_argument("--content-encoding", metavar="VALUE",
                        help="the HTTP Content-Encoding of the bytes (gzip, deflate, br)")
    parser.add_argument("--site", help="use this site's rules whatever the URL's host "
                        "(as a site spider does)")
    parser.add_argument("--json", action="store_true",
                        help="print text and metadata as JSON (article, method, reason)")
    parser.add_argument("--articles-only", action="store_true",
                        help="refuse a page judged not an article, as a crawl does (exit 1); "
                             "default: print the text found, with a note on stderr")


def extract_bytes(
    url: str,
    body: bytes,
    *,
    content_type: str | None = "text/html",
    content_encoding: str | None = None,
    site: str | None = None,
    metadata: bool = True,
) -> dict[str, Any]:
    """Extract one page given as bytes; returns the ``--json`` object.

    ``article`` is None when the page is not an article; ``reason`` then says why
    (``not html`` when Scrapy would not have handed the page to the pipelines at all).
    ``metadata=False``: only the text is wanted (see :func:`pipelines.extract.page.extract_page`).
    """
    from crawler.responses import build_response
    from crawler.spiders.base import page_item_from_response
    from pipelines.extract.page import extract_page

    headers: list[tuple[str, str]] = []
    if content_type:
        headers.append(("Content-Type", content_type))
    if content_encoding:
        headers.append(("Content-Encoding", content_encoding))
    response = build_response(url, 200, headers, body)
    item = page_item_from_response(response, site)
    if item is None:
        return {"url": url, "encoding": None, "article": None, "text": "", "method": "none",
                "reason": "not html", "seconds": 0.0, "outlinks": []}
    result = extract_page(item.url, item.html, site=site, metadata=metadata)
    return {
        "url": item.url,
        "encoding": item.encoding,
        "article": result.article,
        "text": result.article["text"] if result.article is not None else result.best_text,
        "method": result.method,
        "reason": result.reason,
        "seconds": result.seconds,
        "outlinks": result.outlinks,
    }


def _read(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    with open(name, "rb") as fh:
        return fh.read()


def run(args: argparse.Namespace) -> int:
    """Extract ``args.file`` and print its text (or JSON); see the module docstring."""
    try:
        body = _read(args.file)
    except OSError as exc:
        print(f"extract: {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    # the plain text needs no metadata: trafilatura's date search is skipped (the text is the
    # same); --json prints the metadata, so it computes it
    out = extract_bytes(args.url, body, content_type=args.content_type or None,
                        content_encoding=args.content_encoding, site=args.site,
                        metadata=args.json)
    article = out["article"]
    refused = article is None and (args.articles_only or not out["text"])
    if args.json:
        sys.stdout.buffer.write(
            (json.dumps(out, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    elif not refused:
        sys.stdout.buffer.write((out["text"] + "\n").encode("utf-8"))
    sys.stdout.flush()
    if refused:
        print(f"extract: not an article ({out['reason']}): {out['url']}", file=sys.stderr)
        return 1
    if article is None:
        print(f"extract: note: a crawl would not keep this page as an article "
              f"({out['reason']}); printed the text found anyway (--articles-only refuses "
              f"it): {out['url']}", file=sys.stderr)
    return 0
