"""``archive extract`` run once per page, against bare trafilatura run once per page.

    python -m bench.cli_extract [--reps 5]

More: docs/modules.md, ``bench/cli_extract.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

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

TARGET = ">= 0.9"


def page_list(work: Path) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(URL, file, Content-Type) of every page measured, and notes on what was left out."""
    from bench import quality

    pages: list[tuple[str, str, str]] = []
    notes: list[str] = []
    store = quality._store(quality.WEB_ROOT)
    out = work / "cli-pages"
    out.mkdir(parents=True, exist_ok=True)
    for site in quality.expected_sites():
        for case in quality.load_cases(site):
            if case.get("path"):
                file = quality.REAL_PAGES / case["path"]
                if file.is_file():
                    pages.append((case["url"], str(file),
                                  case.get("content_type", "text/html")))
                else:
                    notes.append(f"{site}/{case['_name']}: {file} absent")
                continue
            parts = urlsplit(case["url"])
            answer = store.resolve("GET", parts.scheme, parts.hostname or "", parts.path,
                                   parts.query, {})
            if answer.status != 200:
                notes.append(f"{site}/{case['_name']}: fixture answers {answer.status}")
                continue
            file = out / f"{site}--{case['_name']}.html"
            file.write_bytes(answer.body)
            pages.append((case["url"], str(file), answer.header("Content-Type") or "text/html"))
    return pages, notes


def _runners():  # noqa: ANN202 - name -> callable(url, file, content_type)
    import trafilatura

    from archive.cli import main

    sink = io.TextIOWrapper(open(os.devnull, "wb"), encoding="utf-8")  # noqa: SIM115

    def ours(url: str, file: str, ctype: str) -> None:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            main(["extract", "--url", url, "--content-type", ctype, file])

    def bare(url: str, file: str, ctype: str) -> None:
        with open(file, "rb") as fh:
            data = fh.read()
        sink.write((trafilatura.extract(data, url=url) or "") + "\n")

    return {"ours": ours, "bare": bare}


def group(url: str) -> str:
    """``rules`` for a page of a site with rules, ``generic`` for the trafilatura path."""
    import sites

    return "rules" if sites.site_for_url(url) else "generic"


def child(listing: Path, passes: int) -> None:
    """Print JSON timings of ``passes`` interleaved passes (see the module docstring), per
    variant and per group of pages (:func:`group`) and in all."""
    pages = [tuple(p) for p in json.loads(listing.read_text("utf-8"))]
    groups = [group(p[0]) for p in pages]
    runners = _runners()
    for run in runners.values():
        run(*pages[0])  # imports, caches
    clock = time.process_time
    variants = list(runners)
    out = []
    for n in range(passes):
        spent = {f"{v}_{g}": 0.0 for v in variants for g in ("all", *groups)}
        for i, page in enumerate(pages):
            for v in (variants if (i + n) % 2 == 0 else variants[::-1]):
                t0 = clock()
                runners[v](*page)
                took = clock() - t0
                spent[f"{v}_all"] += took
                spent[f"{v}_{groups[i]}"] += took
        out.append(spent)
    counts = {g: groups.count(g) for g in set(groups)}
    print(json.dumps({"pages": len(pages), "groups": counts, "passes": out}))


def main(argv: Sequence[str] | None = None) -> int:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m bench.cli_extract",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=5, help="passes (default 5)")
    parser.add_argument("--work", default=str(DEFAULT_WORK), help="scratch directory")
    parser.add_argument("--child", metavar="LISTING", help=argparse.SUPPRESS)
    parser.add_argument("--passes", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(Path(args.child), args.passes)
        return 0

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    pages, notes = page_list(work)
    listing = work / "cli-extract.json"
    listing.write_text(json.dumps(pages), "utf-8")
    print(machine())
    print(versions())
    print("command: python -m bench.cli_extract " + " ".join(
        sys.argv[1:] if argv is None else argv))
    print("ours: archive.cli.main(['extract', '--url', URL, '--content-type', TYPE, FILE]); "
          "bare: trafilatura.extract(<file bytes>, url=URL); one process, one warm-up page "
          f"each, then {args.reps} passes, every page by both one after the other (order "
          "alternating); CPU time; medians")
    for note in notes:
        print(f"left out: {note}")
    started = time.monotonic()
    m = run_measured([PYTHON, "-m", "bench.cli_extract", "--child", str(listing),
                      "--passes", str(args.reps)], cwd=ROOT, timeout=3600)
    if m.returncode != 0:
        print(f"bench.cli_extract: the measuring process failed:\n{m.stderr[-2000:]}",
              file=sys.stderr)
        return 1
    result = json.loads(m.stdout.strip().splitlines()[-1])
    passes, counts = result["passes"], result["groups"]
    counts["all"] = len(pages)
    labels = {"all": "all pages", "generic": "pages without site rules (trafilatura path)",
              "rules": "pages of sites with rules"}
    rows = []
    for g in ("all", "generic", "rules"):
        n = counts.get(g, 0)
        if not n:
            continue
        for variant, name in (("ours", "ours: archive extract"), ("bare", "bare trafilatura")):
            secs = [p[f"{variant}_{g}"] for p in passes]
            rows.append([labels[g], name, n, median(n / s for s in secs),
                         median(1000 * s / n for s in secs)])
    print(f"\n### archive extract per page: {len(pages)} pages (real-page dev set and fixture "
          "cases)\n")
    print(table(["pages", "variant", "pages", "pages/s", "ms/page"], rows))
    print()
    for g in ("all", "generic", "rules"):
        if counts.get(g):
            ratios = [p[f"bare_{g}"] / p[f"ours_{g}"] for p in passes]
            print(ratio_line(f"archive_extract_cli_vs_bare_trafilatura pages/s @{g}", ratios,
                             TARGET if g != "rules" else ""), flush=True)
    print(f"\n{load_line()}; total {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
