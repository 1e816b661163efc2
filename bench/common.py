"""Helpers shared by the benchmarks: the machine, the load, medians, ratio lines, tables."""

from __future__ import annotations

import os
import platform
import statistics
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DEFAULT_WORK = Path(os.environ.get("BENCH_WORK", "/tmp/newsarchive-bench"))


def machine() -> str:
    """``nproc``, CPU model, RAM and load average, one line."""
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    return (f"machine: nproc {os.cpu_count()}, {model}, RAM {mem}, load average "
            f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} (at start)")


def versions() -> str:
    """Versions of Python and the libraries that matter here, one line."""
    import importlib.metadata as md

    parts = [f"Python {platform.python_version()}"]
    for name in ("scrapy", "twisted", "trafilatura", "lxml", "warcio", "fastwarc", "isal"):
        try:
            parts.append(f"{name} {md.version(name)}")
        except md.PackageNotFoundError:
            parts.append(f"{name} -")
    return "versions: " + ", ".join(parts)


def load_line() -> str:
    """The load average now (other work on the machine makes absolute numbers noisy)."""
    return "load average now: " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def median(values: Iterable[float]) -> float:
    """Median, 0.0 for nothing."""
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else 0.0


def ratio_line(name: str, ratios: Sequence[float], target: str = "", digits: int = 2) -> str:
    """``ratio <name> = <median> [r1, r2, ...] (target ...)``: the lines the smoke test reads.
    ``digits``: decimals shown (the verdict is on the unrounded median)."""
    reps = ", ".join(f"{r:.{digits}f}" for r in ratios)
    tail = f" (target {target}: {'met' if _meets(median(ratios), target) else 'MISSED'})" \
        if target else ""
    return f"ratio {name} = {median(ratios):.{digits}f} [{reps}]{tail}"


def _meets(value: float, target: str) -> bool:
    op, _, num = target.partition(" ")
    limit = float(num.rstrip("x×"))
    return value >= limit if op == ">=" else value <= limit


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table (pasteable into docs/benchmarks.md)."""
    def cell(v: object) -> str:
        if isinstance(v, float):
            return f"{v:.3g}" if abs(v) < 10 else f"{v:.0f}"
        return str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
