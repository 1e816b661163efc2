"""``python -m archive show URL``: one article as archived: its text, metadata, page or edits.

``URL`` is the article's URL or canonical URL (or ``#id`` from list/search). ``--at DATE``
picks the version that was current then (the latest fetched on or before that day). What is
shown: ``--text`` (default: a header with title, source, dates, version and the record it
came from, then the text), ``--meta`` (the articles.jsonl row), ``--html`` (the archived HTML
payload, as the server sent it once decoded, from the WARC record), ``--diff`` (the edits
against the previous version: words, or characters for Japanese).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from archive.cli.reading import add_root, color_ok, open_corpus, root_of
from archive.store.corpus import Corpus, full_row, parse_when
from archive.store.textdiff import change_size, describe, diff, render_terminal


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", help="the article's URL, canonical URL or #id")
    add_root(parser)
    parser.add_argument("--at", help="the version current on this date (YYYY-MM-DD)")
    what = parser.add_mutually_exclusive_group()
    for flag, text in (("--text", "header and text (default)"), ("--meta", "metadata row"),
                       ("--html", "the archived HTML payload"),
                       ("--diff", "edits against the previous version")):
        what.add_argument(flag, dest="what", action="store_const", const=flag[2:], help=text)


def find_versions(corpus: Corpus, url: str) -> list[dict[str, Any]]:
    if url.lstrip("#").isdigit():
        row = corpus.get(int(url.lstrip("#")))
        return corpus.versions(row["key"]) if row else []
    return corpus.versions(url)


def pick(versions: list[dict[str, Any]], at: str | None) -> dict[str, Any] | None:
    if not at:
        return versions[-1]
    day = parse_when(at)
    end = day + "T23:59:59.999999Z" if len(day) == 10 else day
    current = [v for v in versions if (v["fetched_at"] or "") <= end]
    return current[-1] if current else None


def archived_payload(root: Any, row: dict[str, Any]) -> bytes:
    """The HTTP payload of the row's response record (content-decoded), or OSError/ValueError."""
    from archive.warc.inputs import find_warc
    from archive.warc.reader import record_at

    if not row.get("warc_filename") or row.get("warc_offset") is None:
        raise ValueError("this version has no WARC record")
    path = find_warc(root, row["warc_filename"])
    with record_at(path, int(row["warc_offset"])) as record:
        return record.content_stream().read()


def run(args: argparse.Namespace) -> int:
    corpus = open_corpus(args)
    if corpus is None:
        return 1
    with corpus:
        versions = find_versions(corpus, args.url)
    if not versions:
        print(f"archive show: no article at {args.url}", file=sys.stderr)
        return 1
    try:
        row = pick(versions, args.at)
    except ValueError as exc:
        print(f"archive show: {exc}", file=sys.stderr)
        return 2
    if row is None:
        print(f"archive show: {args.url} was first captured {versions[0]['fetched_at']}, "
              f"after {args.at}", file=sys.stderr)
        return 1
    what = args.what or "text"
    if what == "html":
        try:
            payload = archived_payload(root_of(args), row)
        except (OSError, ValueError) as exc:
            print(f"archive show: {exc}", file=sys.stderr)
            return 1
        sys.stdout.buffer.write(payload)
        return 0
    previous = next((v for v in versions if v["id"] == row.get("previous_id")), None)
    if previous is None and row["version"] > 1:
        earlier = [v for v in versions if v["version"] < row["version"]]
        previous = earlier[-1] if earlier else None
    if what == "meta" or args.json:
        data = full_row(row)
        data["versions"] = [{"version": v["version"], "fetched_at": v["fetched_at"],
                             "text_digest": v["text_digest"]} for v in versions]
        if what == "diff" and previous is not None:
            pieces = diff(previous["text"], row["text"])
            data["diff"] = {"size": change_size(pieces), "pieces": pieces}
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    if what == "diff":
        if previous is None:
            print(f"{row['url']}: one version only (fetched {row['fetched_at']})")
            return 0
        pieces = diff(previous["text"], row["text"])
        print(f"{row['title']}\n{row['url']}\n"
              f"v{previous['version']} ({previous['fetched_at']}) -> v{row['version']} "
              f"({row['fetched_at']}): {describe(change_size(pieces))}\n")
        print(render_terminal(pieces, color_ok()))
        return 0
    print(header(row, len(versions)))
    print(row["text"])
    return 0


def header(row: dict[str, Any], count: int) -> str:
    lines = [row.get("title") or "(no title)", row["url"]]
    if row.get("canonical_url") and row["canonical_url"] != row["url"]:
        lines.append(f"canonical: {row['canonical_url']}")
    facts = [f"source {row.get('site')}", f"published {row.get('published') or '?'}"]
    if row.get("author"):
        facts.append(f"by {row['author']}")
    lines.append(", ".join(facts))
    lines.append(f"version {row['version']} of {count}, fetched {row.get('fetched_at')}")
    lines.append(f"archived: {row.get('warc_filename')} @ {row.get('warc_offset')} "
                 f"({row.get('record_id')}, {row.get('payload_digest')})")
    return "\n".join(lines) + "\n" + "-" * 40
