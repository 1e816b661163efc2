"""The reading room: a local, read-only web app over one output root (``archive serve``).

More: docs/modules.md, ``archive/webapp/__init__.py``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, render_template, request, url_for

from archive.store.corpus import RANK_WINDOW, READER_WAIT, Corpus, CorpusError, full_row
from archive.store.textdiff import change_size, describe, diff, render_html
from archive.warc.inputs import find_warc
from archive.webapp.archived import (
    SANDBOX_CSP,
    Captures,
    read_capture,
    rewrite_css,
    rewrite_html,
)
from crawler.decoding import page_text
from crawler.extensions.runreport import article_counts
from crawler.responses import build_response

PAGE_SIZE = 30


def create_app(root: str | Path) -> Flask:
    """The app for the output root ``root`` (its corpus index is brought up to date)."""
    root = Path(root).resolve()
    app = Flask(__name__)
    app.url_map.merge_slashes = False  # /replay/<stamp>/https://host/... keeps its //
    app.config["ROOT"] = root
    corpus = Corpus(root)
    corpus.sync(wait=READER_WAIT)
    captures = Captures(root)

    def fresh() -> Corpus:
        # a crawl may have added articles since the last request (while a replay holds the
        # index, the page is answered from it as it was)
        corpus.sync(wait=READER_WAIT)
        return corpus

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-src 'self'; "
            "script-src 'none'; object-src 'none'; base-uri 'none'")
        return response

    @app.context_processor
    def common() -> dict[str, Any]:
        return {"root": root, "sites": corpus.sites()}

    @app.route("/")
    def index() -> str:
        c = fresh()
        q = request.args.get("q", "").strip()
        site = request.args.get("site") or None
        since = request.args.get("since") or None
        until = request.args.get("until") or None
        page = max(1, request.args.get("page", 1, type=int))
        offset = (page - 1) * PAGE_SIZE
        total = None
        windowed = False
        if q:
            found = c.search_page(q, site=site, since=since, until=until,
                                  limit=PAGE_SIZE + 1, offset=offset)
            rows, total, windowed = found.rows, found.total, found.windowed
        else:
            rows = c.list(site=site, since=since, until=until, limit=PAGE_SIZE + 1,
                          offset=offset)
        more = len(rows) > PAGE_SIZE
        return render_template("index.html", rows=rows[:PAGE_SIZE], q=q, site=site or "",
                               since=since or "", until=until or "", page=page, more=more,
                               total=c.count() if total is None else total,
                               windowed=windowed, window=RANK_WINDOW)

    @app.route("/article/<int:article_id>")
    def article(article_id: int) -> str:
        c = fresh()
        row = c.get(article_id) or abort(404)
        versions = c.versions(row["key"])
        sizes = {}
        for before, after in zip(versions, versions[1:], strict=False):
            sizes[after["id"]] = describe(change_size(diff(before["text"], after["text"])))
        meta = full_row(row)
        return render_template("article.html", row=row, versions=versions, sizes=sizes,
                               meta=meta, paragraphs=[p for p in row["text"].split("\n") if p])

    @app.route("/diff/<int:article_id>")
    def show_diff(article_id: int) -> str:
        c = fresh()
        row = c.get(article_id) or abort(404)
        versions = c.versions(row["key"])
        against = request.args.get("against", type=int)
        older = [v for v in versions if v["version"] < row["version"]]
        before = next((v for v in versions if v["id"] == against), None) or \
            (older[-1] if older else None)
        if before is None:
            return render_template("diff.html", row=row, before=None, body="", size="")
        pieces = diff(before["text"], row["text"])
        return render_template("diff.html", row=row, before=before, body=render_html(pieces),
                               size=describe(change_size(pieces)))

    @app.route("/changes")
    def changes() -> str:
        rows = fresh().changes(site=request.args.get("site") or None, limit=200)
        for row in rows:
            before = row["previous"] or row["first"] or {}
            row["size"] = describe(change_size(diff(before.get("text", ""), row["text"])))
        return render_template("changes.html", rows=rows)

    @app.route("/health")
    def health() -> str:
        return render_template("health.html", sources=source_health(root))

    @app.route("/record/<int:article_id>")
    def record(article_id: int) -> Response:
        """The exact bytes of the version's response record, as stored in its WARC file."""

        row = fresh().get(article_id) or abort(404)
        if not row["warc_filename"] or row["warc_offset"] is None or not row["warc_length"]:
            abort(404)
        try:
            path = find_warc(root, row["warc_filename"])
            with path.open("rb") as fh:
                fh.seek(int(row["warc_offset"]))
                data = fh.read(int(row["warc_length"]))
        except OSError:
            abort(404)
        name = f"{row['warc_filename'].split('.warc')[0]}-{row['warc_offset']}.warc"
        name += ".gz" if row["warc_filename"].endswith(".gz") else ""
        return Response(data, mimetype="application/warc", headers={
            "Content-Disposition": f'attachment; filename="{name}"'})

    @app.route("/archived/<int:article_id>")
    def archived(article_id: int) -> str:
        row = fresh().get(article_id) or abort(404)
        stamp = timestamp14(row["warc_date"] or row["fetched_at"])
        return render_template("archived.html", row=row, stamp=stamp,
                               frame=url_for("replay", stamp=stamp, url=row["url"]))

    @app.route("/replay/<stamp>/<path:url>")
    def replay(stamp: str, url: str) -> Response:
        if request.query_string:
            url += "?" + request.query_string.decode("latin-1")
        url = url.replace(":/", "://", 1) if ":/" in url and "://" not in url else url
        capture = captures.find(url, stamp if stamp.isdigit() else "0")
        if capture is None:
            return _sandboxed(Response(f"not archived: {url}\n", status=404,
                                       mimetype="text/plain"))
        try:
            status, headers, body = read_capture(root, capture)
        except (OSError, ValueError):
            abort(404)
        if 300 <= status < 400 and headers.get("location"):
            target = url_for("replay", stamp=stamp, url=_join(url, headers["location"]))
            return _sandboxed(Response("", status=status, headers={"Location": target}))
        ctype = headers.get("content-type", capture.mime or "application/octet-stream")
        prefix = url_for("replay", stamp="0", url="x")[: -len("/0/x")]
        if "html" in ctype:
            text = decode(body, ctype)
            body = rewrite_html(text, url, prefix, stamp).encode("utf-8")
            ctype = "text/html; charset=utf-8"
        elif "css" in ctype:
            body = rewrite_css(decode(body, ctype), url, prefix, stamp).encode("utf-8")
            ctype = "text/css; charset=utf-8"
        return _sandboxed(Response(body, status=status, content_type=ctype))

    return app


def _join(base: str, ref: str) -> str:
    from urllib.parse import urljoin

    return urljoin(base, ref)


def _sandboxed(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = SANDBOX_CSP
    return response


def decode(body: bytes, content_type: str) -> str:
    """A replayed text body as the crawl decodes pages (HTTP charset, ``<meta>``, detection;
    Shift_JIS as cp932)."""
    from scrapy.http import TextResponse


    response = build_response("http://replay.invalid/", 200, [("Content-Type", content_type)],
                              body)
    if isinstance(response, TextResponse):
        return page_text(response)[0]
    return body.decode("utf-8", "replace")


def timestamp14(value: str | None) -> str:
    """``2026-12-07T00:58:15.38Z`` -> ``20261207005815``."""
    digits = "".join(ch for ch in (value or "") if ch.isdigit())
    return (digits + "0" * 14)[:14]


def source_health(root: Path) -> list[dict[str, Any]]:
    """Per spider, its crawls into ``root`` (from ``runs/<spider>-*.json``): when, and the
    articles each saw; ``quiet`` when the last crawl saw none and an earlier one did."""

    by_spider: dict[str, list[dict[str, Any]]] = {}
    for path in sorted((root / "runs").glob("*-*.json")):
        if path.name.startswith(("run-", "last-run")):
            continue
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        report = data.get("report") or {}
        counts = report.get("articles") or article_counts(data.get("stats") or {}, [])
        by_spider.setdefault(data.get("spider", path.name.split("-")[0]), []).append({
            "started": data.get("started"), "finish_reason": data.get("finish_reason"),
            "seen": counts.get("seen", 0), "new": counts.get("new", 0),
            "changed": counts.get("changed", 0), "failed": counts.get("failed", 0)})
    sources = []
    for spider, runs in sorted(by_spider.items()):
        runs.sort(key=lambda r: r["started"] or "")
        top = max([r["seen"] for r in runs] + [1])
        for run in runs:
            run["bar"] = round(100 * run["seen"] / top)
        last = runs[-1]
        quiet = last["seen"] == 0 and any(r["seen"] for r in runs[:-1])
        age = None
        if last["started"]:
            try:
                started = datetime.fromisoformat(last["started"])
                age = (datetime.now(UTC) - started).total_seconds() / 86400
            except ValueError:
                age = None
        sources.append({"spider": spider, "runs": runs[-30:], "quiet": quiet,
                        "last": last, "age_days": age})
    return sources


def check_root(root: Path) -> None:
    """Raise CorpusError when ``root`` holds no archive to read."""
    if not root.is_dir():
        raise CorpusError(f"no such folder: {root}")
    if not list(root.glob("articles*.jsonl")) and not (root / "corpus.sqlite3").exists():
        raise CorpusError(f"no articles under {root} (no articles.jsonl)")
