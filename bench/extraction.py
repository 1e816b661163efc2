"""Extraction benchmark: our extractor against bare trafilatura on the same pages, one process.

* ``ours`` -- :func:`pipelines.extract.page.extract_page` (site rules included: the rules for the
  page's host when there are some, else trafilatura with our settings, plus the article test,
  metadata and outlinks: everything the crawl's workers do per page);
* ``bare`` -- ``trafilatura.extract(html, url=url)`` with its defaults.

Page sets: ``site`` -- pages of the generated bench site (:mod:`bench.site`; no site rules: the
trafilatura path), and ``rules`` -- the bundled fixture pages of the sites that have rules
(asyura, rt, newsweekjapan, ruvr under ``fixtureweb/web``), for the record. Pages are decoded
as the crawl decodes them (Scrapy's ``HtmlResponse.text``) before timing.

More: docs/modules.md, ``bench/extraction.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (  # noqa: E402
    DEFAULT_WORK,
    PYTHON,
    ROOT,
    load_line,
    machine,
    median,
    ratio_line,
    table,
    versions,
)
from bench.measure import run_measured  # noqa: E402

RULE_HOSTS = ("www.asyura2.com", "asyura2.com", "www.rt.com", "rt.com", "www.newsweekjapan.jp",
              "newsweekjapan.jp", "web.archive.org")


def page_files(kind: str, work: Path, pages: int) -> list[tuple[str, Path]]:
    """(URL, file) of the pages of one set."""
    out: list[tuple[str, Path]] = []
    if kind == "site":
        from bench.site import generate

        size = max(pages, 20)
        info = generate(work / f"site-{size}", size)
        root = Path(info.root)
        for url in info.urls[:pages]:
            path = url.split("/", 3)[3] if url.count("/") > 3 else ""
            file = root / info.host / (path or "index.html")
            out.append((url, file))
        return out
    web = ROOT / "fixtureweb" / "web"
    for host in RULE_HOSTS:
        base = web / host
        if not base.is_dir():
            continue
        for file in sorted(base.rglob("*")):
            if not file.is_file() or file.name.startswith("_") or file.suffix in (
                    ".json", ".xml", ".rss", ".txt", ".md", ".gz"):
                continue
            head = file.read_bytes()[:2048].lower()
            if b"<html" not in head and b"<!doctype" not in head:
                continue
            out.append((f"http://{host}/{file.relative_to(base).as_posix()}", file))
    return out[:pages] if pages else out


def _decode(url: str, file: Path) -> str:
    from scrapy.http import HtmlResponse

    headers = {}
    sidecar = file.with_name(file.name + ".meta.json")
    if sidecar.exists():
        meta = json.loads(sidecar.read_text("utf-8"))
        ctype = (meta.get("headers") or {}).get("Content-Type")
        if ctype:
            headers["Content-Type"] = ctype
    return HtmlResponse(url, body=file.read_bytes(), headers=headers).text


def _runner(variant: str):  # noqa: ANN202 - a callable (url, html) -> bool
    if variant == "ours":
        from pipelines.extract.page import extract_page

        def run(url: str, html: str) -> bool:
            return extract_page(url, html).article is not None
    else:
        import trafilatura

        def run(url: str, html: str) -> bool:
            return trafilatura.extract(html, url=url) is not None
    return run


def _clear_url_caches() -> None:
    """Forget the URL-keyed caches of :mod:`sites.urls` (link resolution, hosts), so
    that every pass sees each page's links as a crawl would, once: links repeated across the
    pages of a pass (navigation, footer) still hit the cache, the same page's links seen in an
    earlier pass do not."""
    from sites import urls as urlutils

    for name in ("fast_link", "host_of", "_roundtrip"):
        getattr(urlutils, name).cache_clear()


def child(mode: str, listing: Path, passes: int) -> None:
    """Print JSON timings. ``mode`` ``ours``/``bare``: one pass of that variant (for its peak
    RSS); ``interleaved``: ``passes`` passes in which every page is extracted by both, one after
    the other (the order alternating), so both see the same load."""
    pairs = [(u, Path(f)) for u, f in json.loads(listing.read_text("utf-8"))]
    pages = [(u, _decode(u, f)) for u, f in pairs]
    variants = ["ours", "bare"] if mode == "interleaved" else [mode]
    runners = {v: _runner(v) for v in variants}
    for run in runners.values():
        run(*pages[0])  # imports, caches
    clock = time.process_time  # CPU time of this process: what other load does not change
    out: list[dict[str, float]] = []
    for n in range(passes if mode == "interleaved" else 1):
        _clear_url_caches()
        spent = dict.fromkeys(variants, 0.0)
        found = dict.fromkeys(variants, 0)
        for i, (url, html) in enumerate(pages):
            order = variants if (i + n) % 2 == 0 else variants[::-1]
            for v in order:
                t0 = clock()
                found[v] += runners[v](url, html)
                spent[v] += clock() - t0
        out.append({f"{v}_{k}": val for v in variants
                    for k, val in (("seconds", spent[v]), ("with_text", found[v]))})
    print(json.dumps({"pages": len(pages), "passes": out}))


def main(argv: Sequence[str] | None = None) -> int:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m bench.extraction",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200,
                        help="pages of the bench site (default 200)")
    parser.add_argument("--reps", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument("--sets", default="site,rules", help="page sets (default site,rules)")
    parser.add_argument("--work", default=str(DEFAULT_WORK), help="scratch directory")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "LISTING"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--passes", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], Path(args.child[1]), args.passes)
        return 0

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    print(machine())
    print(versions())
    print("command: python -m bench.extraction " + " ".join(
        sys.argv[1:] if argv is None else argv))
    print("ours: pipelines.extract.page.extract_page(url, html); bare: trafilatura.extract(html, "
          f"url=url); one process, one warm-up page each, then {args.reps} passes, every page "
          "by both one after the other (order alternating); medians", flush=True)
    started = time.monotonic()
    for kind in [k for k in args.sets.split(",") if k]:
        pages = page_files(kind, work, args.pages if kind == "site" else 0)
        if not pages:
            continue
        listing = work / f"extraction-{kind}.json"
        listing.write_text(json.dumps([(u, str(f)) for u, f in pages]), "utf-8")
        m = run_measured([PYTHON, "-m", "bench.extraction", "--child", "interleaved",
                          str(listing), "--passes", str(args.reps)], cwd=ROOT, timeout=3600)
        if m.returncode != 0:
            raise RuntimeError(f"interleaved run failed:\n{m.stderr[-2000:]}")
        passes = json.loads(m.stdout.strip().splitlines()[-1])["passes"]
        rss = {}
        for variant in ("ours", "bare"):
            single = run_measured([PYTHON, "-m", "bench.extraction", "--child", variant,
                                   str(listing)], cwd=ROOT, timeout=3600)
            if single.returncode != 0:
                raise RuntimeError(f"{variant} failed:\n{single.stderr[-2000:]}")
            rss[variant] = single.maxrss_mb
        label = ("bench site (no site rules: trafilatura path)" if kind == "site"
                 else "fixture pages of sites with rules")
        print(f"\n### extraction, {label}: {len(pages)} pages\n")
        rows = []
        for variant, name in (("ours", "ours: extract_page"), ("bare", "bare trafilatura.extract")):
            secs = [p[f"{variant}_seconds"] for p in passes]
            rows.append([name, len(pages), median(len(pages) / s for s in secs),
                         median(1000 * s / len(pages) for s in secs),
                         median(p[f"{variant}_with_text"] for p in passes), rss[variant]])
        print(table(["variant", "pages", "pages/s", "ms/page", "pages with text/article",
                     "peak RSS MB (own process)"], rows))
        print()
        ratios = [p["bare_seconds"] / p["ours_seconds"] for p in passes]
        print(ratio_line(f"extractor_vs_bare_trafilatura pages/s @{kind}", ratios,
                         ">= 0.9" if kind == "site" else ""), flush=True)
    print(f"\n{load_line()}; total {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
