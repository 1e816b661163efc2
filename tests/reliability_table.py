"""Sum the raw figures the fault and crash tests record into the tables of
docs/reliability.md.

    NEWSARCHIVE_RELIABILITY_LOG=figures.jsonl python -m pytest --run-slow \\
        tests/test_fault_crawl.py tests/test_crashes.py tests/test_safety.py
    python -m tests.reliability_table figures.jsonl

Each test scenario appends one JSON line (``tests.hostile_sites.record_figure``); this prints one
markdown row per scenario kind: how many times it ran and what was lost.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any


def load(path: str | Path) -> list[dict[str, Any]]:
    """The recorded figures, one dict per scenario run."""
    return [json.loads(line) for line in Path(path).read_text("utf-8").splitlines() if line]


def crash_rows(figures: list[dict[str, Any]]) -> list[str]:
    """Markdown rows for the crash scenarios: kind, runs, records read, partial tails, lost."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for fig in figures:
        if not fig["scenario"].startswith(("fault", "fault-crawl")):
            groups[fig["scenario"].split(":")[0] + (
                ":" + fig["scenario"].split(":")[1] if fig["scenario"].startswith("sigkill")
                else "")].append(fig)
    out = []
    for name, runs in sorted(groups.items()):
        records = sum(r.get("complete_records", 0) for r in runs)
        tails = sum(r.get("partial_tails", 0) for r in runs)
        rows_cut = sum(r.get("partial_row", 0) for r in runs)
        lost = sum(r.get("lost", 0) for r in runs)
        left_open = sum(r.get("open_files", 0) for r in runs)
        out.append(f"| {name} | {len(runs)} | {records} | {left_open} | {tails} | {rows_cut} "
                   f"| {lost} |")
    return out


def fault_rows(figures: list[dict[str, Any]]) -> list[str]:
    """Markdown rows for the fault pages: runs, attempts, records, truncated, notes, rows."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for fig in figures:
        if fig["scenario"].startswith("fault:"):
            groups[fig["scenario"][6:]].append(fig)
    out = []
    for page, runs in sorted(groups.items()):
        total = {k: sum(r[k] for r in runs) for k in
                 ("attempts", "responses", "truncated", "notes", "rows")}
        out.append(f"| {page} | {len(runs)} | {total['attempts']} | {total['responses']} | "
                   f"{total['truncated']} | {total['notes']} | {total['rows']} |")
    return out


def main() -> None:
    figures = load(sys.argv[1])
    print("| fault page | crawls | requests | response records | WARC-Truncated | "
          "fetch-error notes | text rows |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(fault_rows(figures)))
    crawls = [f for f in figures if f["scenario"] == "fault-crawl"]
    good = sum(f["good_rows"] for f in crawls)
    print(f"\nfault crawls: {len(crawls)}; good pages extracted: {good} of "
          f"{sum(f['good'] for f in crawls)}\n")
    print("| crash scenario | runs | complete records read | .open files left | "
          "partial records cut | partial rows cut | complete records lost |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(crash_rows(figures)))


if __name__ == "__main__":
    main()
