"""``python -m archive demo``: the whole pipeline offline, on the bundled sample pages.

Starts the fixture web (a loopback proxy serving ``fixtureweb/web``) and runs the project's
real spiders, unchanged, through it as ``scrapy crawl`` subprocesses, exactly as a user would
against the internet; then prints what was written: WARC files and records, articles per site,
and where the texts are. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

#: (spider, arguments) run in this order; spiders whose module is missing are skipped
DEMO_CRAWLS: list[tuple[str, dict[str, str]]] = [
    ("urls", {"urls": "https://news.example/", "depth": "2"}),
    ("asyura", {"urls": "http://www.asyura2.com/13/warb12/msg/111.html"}),
    ("rt", {"urls": "https://www.rt.com/news/"}),
    ("ruvr", {"urls": "http://japanese.ruvr.ru/2013_11_02/123810289/"}),
    ("newsweekjapan", {"urls": "https://www.newsweekjapan.jp/stories/world/"}),
]
DEMO_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "0",
    "LOG_LEVEL": "WARNING",
    "WAYBACK_CDX_DELAY": "0",
    "WAYBACK_CAPTURE_DELAY": "0",
}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="demo-output", help="output root (default: %(default)s)")
    parser.add_argument("--spiders", help="comma-separated subset of: "
                        + ", ".join(name for name, _ in DEMO_CRAWLS))


def _available(spider: str) -> bool:
    return importlib.util.find_spec(f"crawler.spiders.{spider}") is not None


def run(args: argparse.Namespace) -> int:
    import logging

    from fixtureweb import FixtureWeb

    # the fixture web warns about hosts it does not serve (the dead japanese.ruvr.ru, by
    # design); the crawl logs say the same in context
    logging.getLogger("fixtureweb").setLevel(logging.ERROR)
    out = Path(args.out).resolve()
    wanted = set(args.spiders.split(",")) if args.spiders else None
    crawls = [(s, a) for s, a in DEMO_CRAWLS if _available(s) and (not wanted or s in wanted)]
    if not crawls:
        print("no spider to run", file=sys.stderr)
        return 2
    failures = 0
    started = time.monotonic()
    with FixtureWeb(roots=[FixtureWeb.default_root()]) as web:
        print(f"fixture web on {web.proxy_url} (serving {FixtureWeb.default_root()})")
        env = {**os.environ, **web.env(), "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
        for spider, spider_args in crawls:
            cmd = [sys.executable, "-m", "scrapy", "crawl", spider]
            for key, value in spider_args.items():
                cmd += ["-a", f"{key}={value}"]
            for key, value in {**DEMO_SETTINGS, "OUTPUT_DIR": str(out)}.items():
                cmd += ["-s", f"{key}={value}"]
            print(f"$ scrapy crawl {spider} " + " ".join(f"-a {k}={v}" for k, v in
                                                        spider_args.items()))
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
            if proc.returncode != 0:
                failures += 1
                print(f"  FAILED ({proc.returncode}):\n{proc.stderr[-2000:]}", file=sys.stderr)
        fetched = sum(1 for r in web.requests if r.method != "CONNECT")
    print(f"\n{fetched} HTTP exchanges in {time.monotonic() - started:.1f} s")
    summarise(out)
    return 1 if failures else 0


def requisites_archived(out: Path) -> Counter[str]:
    """Page requisites archived by the crawls under ``out`` (their ``runs/`` summaries):
    ``""`` -> the total, ``"<kind>"`` -> per kind (stylesheet, image, font, icon, script)."""
    found: Counter[str] = Counter()
    for path in sorted((out / "runs").glob("*.json")):
        try:
            stats = json.loads(path.read_text("utf-8")).get("stats") or {}
        except (OSError, ValueError, AttributeError):
            continue
        for key, value in stats.items():
            if key.startswith("requisites/archived") and isinstance(value, int):
                found[key.removeprefix("requisites/archived").lstrip("/")] += value
    return found


def summarise(out: Path) -> None:
    """Print what a crawl wrote under ``out``."""
    from warcio.archiveiterator import ArchiveIterator

    warcs = sorted((out / "warc").glob("*.warc.gz"))
    types: Counter[str] = Counter()
    size = 0
    for path in warcs:
        size += path.stat().st_size
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                types[record.rec_type] += 1
    print(f"WARC: {len(warcs)} files, {size / 1024:.0f} KiB in {out / 'warc'}")
    print("  records: " + ", ".join(f"{n} {t}" for t, n in sorted(types.items())))
    requisites = requisites_archived(out)
    if requisites:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(requisites.items()) if kind)
        print(f"  page requisites archived: {requisites.get('', 0)} ({kinds})")
    leftovers = list((out / "warc").glob("*.open"))
    if leftovers:
        print(f"  WARNING: {len(leftovers)} unclosed .open files")
    rows = []
    jsonl = out / "articles.jsonl"
    if jsonl.exists():
        rows = [json.loads(line) for line in jsonl.read_text("utf-8").splitlines() if line]
    print(f"articles: {len(rows)} in {jsonl}, texts under {out / 'text'}")
    by_site: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        by_site.setdefault(str(row.get("site")), []).append(row)
    for site, items in sorted(by_site.items()):
        print(f"  {site}: {len(items)}")
        for row in items[:6]:
            title = str(row.get("title") or "")[:70]
            print(f"    - {title} ({row.get('published') or 'no date'}, "
                  f"{row.get('word_count')} words, {row.get('method')})")
    logs = sorted((out / "logs").glob("*.log"))
    if logs:
        print(f"logs: {out / 'logs'} ({len(logs)} files)")
    if rows:
        here = os.path.relpath(out)
        venv = ".venv/bin/" if Path(".venv/bin/python").exists() else ""
        print(f"\nRead it: {venv}python -m archive serve --root {here}   "
              f"(then open http://127.0.0.1:8765/)")
        print(f"     or: {venv}python -m archive search 北方領土 --root {here}")
