"""Crawl benchmark: our crawl against bare Scrapy and wget on the same loopback news site.

Over 400 lines on purpose: one benchmark, read as one file (variants run side by side, profile).

More: docs/modules.md, ``bench/crawl.py``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
from bench.measure import Measured, run_measured  # noqa: E402
from bench.site import Server, SiteInfo, generate, server_throughput  # noqa: E402

#: the concurrency settings every Scrapy variant gets
SCRAPY_SETTINGS: dict[str, str] = {
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "ROBOTSTXT_OBEY": "True",
    "LOG_LEVEL": "INFO",
    "TELNETCONSOLE_ENABLED": "False",
}
ALL_VARIANTS = ("warc", "full", "full0", "bare", "wget")
DESCRIPTIONS = {
    "warc": "ours, WARC only",
    "full": "ours, full (workers)",
    "full0": "ours, full (EXTRACTION_WORKERS=0)",
    "bare": "bare Scrapy",
    "wget": "wget --warc-file",
}


@dataclass
class Run:
    """One measured crawl."""

    variant: str
    pages: int
    delay: float
    rep: int
    responses: int
    measured: Measured
    server_cpu: float
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        """Responses per second of wall time (start-up included)."""
        return self.responses / self.measured.wall if self.measured.wall else 0.0

    @property
    def cpu_ms_per_page(self) -> float:
        """CPU milliseconds of the crawler's process tree per response."""
        return 1000 * self.measured.cpu / self.responses if self.responses else 0.0

    @property
    def main_cpu_ms_per_page(self) -> float:
        """CPU milliseconds per response of the crawler's own process (for our crawl: the
        reactor process, extraction workers excluded)."""
        return 1000 * self.measured.main_cpu / self.responses if self.responses else 0.0

    @property
    def server_ms_per_page(self) -> float:
        """The fixture web's CPU milliseconds per response."""
        return 1000 * self.server_cpu / self.responses if self.responses else 0.0


_STAT = re.compile(r"'([a-z_/0-9.]+)': ([0-9.]+)")


def scrapy_stats(log: str) -> dict[str, float]:
    """Numeric values of Scrapy's final stats dump (the last one in the log)."""
    start = log.rfind("Dumping Scrapy stats")
    return {k: float(v) for k, v in _STAT.findall(log[start:] if start >= 0 else "")}


def _settings_args(settings: dict[str, str]) -> list[str]:
    out: list[str] = []
    for key, value in settings.items():
        out += ["-s", f"{key}={value}"]
    return out


def split_variant(variant: str) -> tuple[str, dict[str, str]]:
    """``warc+WARC_ENABLED=False+...`` -> (``warc``, the extra Scrapy settings): an ablation of
    one of the Scrapy variants, measured beside the others."""
    base, *extra = variant.split("+")
    settings = {}
    for item in extra:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"variant {variant!r}: {item!r} is not KEY=VALUE")
        settings[key] = value
    if base not in ALL_VARIANTS or (settings and base == "wget"):
        raise ValueError(f"unknown variant {variant!r}")
    return base, settings


def describe(variant: str) -> str:
    """The table label of a variant."""
    base, extra = split_variant(variant)
    return DESCRIPTIONS[base] + "".join(f", {k}={v}" for k, v in extra.items())


def command(variant: str, site: SiteInfo, out: Path) -> tuple[list[str], Path]:
    """(argv, cwd) of one variant writing under ``out``."""
    variant, extra = split_variant(variant)
    if variant == "wget":
        return ([
            "wget", "--recursive", "--level=inf", "--no-verbose", "-e", "robots=on",
            "--delete-after", "--directory-prefix", str(out / "files"),
            f"--warc-file={out / 'wget'}", site.start_url,
        ], out)
    if variant == "bare":
        return ([PYTHON, "-m", "scrapy", "runspider", str(ROOT / "bench" / "barespider.py"),
                 "-a", f"url={site.start_url}", *_settings_args({**SCRAPY_SETTINGS, **extra})],
                out)
    settings = {**SCRAPY_SETTINGS, "OUTPUT_DIR": str(out / "data"), "REACTORLAG_ENABLED": "1"}
    if variant == "warc":
        settings["ITEM_PIPELINES"] = "{}"
    elif variant == "full":
        settings["EXTRACTION_WORKERS"] = "auto"
    elif variant == "full0":
        settings["EXTRACTION_WORKERS"] = "0"
    else:
        raise ValueError(variant)
    return ([PYTHON, "-m", "scrapy", "crawl", "urls", "-a", f"urls={site.start_url}",
             "-a", "depth=1000", *_settings_args({**settings, **extra})], ROOT)


def run_one(variant: str, site: SiteInfo, server: Server, delay: float, rep: int,
            work: Path, keep: bool = False) -> Run:
    """Run and measure one variant once."""
    out = work / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', variant)}-{site.pages}-{delay:g}ms-{rep}"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    argv, cwd = command(variant, site, out)
    env = server.env()
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    cpu0 = server.cpu_seconds()
    measured = run_measured(argv, env=env, cwd=cwd, timeout=3600)
    server_cpu = server.cpu_seconds() - cpu0
    if measured.returncode != 0:
        tail = "\n".join(measured.stderr.splitlines()[-15:])
        raise RuntimeError(f"{variant} failed ({measured.returncode}):\n{tail}")
    stats: dict[str, Any] = {}
    if variant == "wget":  # (ablations of wget are refused by split_variant)
        responses = len(re.findall(r" URL: ?\S+ \[", measured.stderr))
    else:
        stats = scrapy_stats(measured.stderr)
        responses = int(stats.get("response_received_count", 0))
    if not keep:
        shutil.rmtree(out, ignore_errors=True)
    return Run(variant, site.pages, delay, rep, responses, measured, server_cpu, stats)


def _lag(run: Run, key: str) -> float | None:
    value = run.stats.get(f"reactorlag/{key}")
    return float(value) if value is not None else None


def summarise(runs: list[Run], variants: Sequence[str], pages: int, delay: float) -> list[str]:
    """Table and ratio lines of one (size, latency) cell."""
    lines = [f"\n### {pages} pages, {delay:g} ms latency\n"]
    rows = []
    by: dict[str, list[Run]] = {}
    for v in variants:
        mine = [r for r in runs if r.variant == v and r.pages == pages and r.delay == delay]
        if not mine:
            continue
        by[v] = mine
        lag = [(_lag(r, "p50_ms"), _lag(r, "p99_ms"), _lag(r, "max_ms")) for r in mine]
        lag_text = "-"
        if lag and lag[0][0] is not None:
            lag_text = "/".join(f"{median(x[i] for x in lag):.1f}" for i in range(3))
        rows.append([
            describe(v),
            median(r.responses for r in mine),
            median(r.per_second for r in mine),
            median(r.measured.wall for r in mine),
            median(r.cpu_ms_per_page for r in mine),
            median(r.main_cpu_ms_per_page for r in mine),
            median(r.measured.tree_rss_mb for r in mine),
            median(r.measured.maxrss_mb for r in mine),
            median(r.server_ms_per_page for r in mine),
            lag_text,
        ])
    lines.append(table(["variant", "responses", "pages/s", "wall s", "CPU ms/page",
                        "main process CPU ms/page", "peak RSS MB (tree)",
                        "peak RSS MB (largest process)",
                        "server CPU ms/page", "reactor lag p50/p99/max ms"], rows))
    lines.append("")

    def ratios(a: str, b: str, how: str = "pps") -> list[float]:
        out = []
        for ra, rb in zip(by.get(a, []), by.get(b, []), strict=False):
            if how == "pps" and rb.per_second:
                out.append(ra.per_second / rb.per_second)
            elif how == "cpu" and ra.cpu_ms_per_page:
                out.append(rb.cpu_ms_per_page / ra.cpu_ms_per_page)
        return out

    tag = f"@{pages}p/{delay:g}ms"
    if "warc" in by and "bare" in by:
        lines.append(ratio_line(f"warc_vs_bare_scrapy pages/s {tag}", ratios("warc", "bare"),
                                ">= 0.85"))
    if "warc" in by and "bare" in by:
        # pages per CPU second: what the wall-clock ratio tends to on an idle machine when
        # both are CPU-bound (less disturbed by other load than wall time)
        lines.append(ratio_line(f"warc_vs_bare_scrapy pages_per_cpu_second {tag}",
                                ratios("warc", "bare", "cpu")))
    if "warc" in by and "wget" in by:
        target = ">= 8" if delay >= 100 else ""
        lines.append(ratio_line(f"warc_vs_wget pages/s {tag}", ratios("warc", "wget"), target))
    if "full" in by and "full0" in by:
        lines.append(ratio_line(f"full_workers_vs_inline pages/s {tag}",
                                ratios("full", "full0"), ">= 1.6"))
    if "full" in by and "warc" in by:
        lines.append(ratio_line(f"full_vs_warc pages/s {tag}", ratios("full", "warc")))
    if "bare" in by and "wget" in by:
        lines.append(ratio_line(f"bare_scrapy_vs_wget pages/s {tag}", ratios("bare", "wget")))
    for v in by:
        base = split_variant(v)[0]
        if v != base and base in by:
            lines.append(ratio_line(f"{v}_vs_{base} pages/s {tag}", ratios(v, base)))
            if "bare" in by and base != "bare":
                lines.append(ratio_line(f"{v}_vs_bare_scrapy pages/s {tag}", ratios(v, "bare")))
            if base == "bare" and "warc" in by:
                # e.g. bare+URLS_SKIP_REQUESTED=True: ours against bare Scrapy given the same
                # spider-side saving, i.e. the archiving's own cost like for like
                lines.append(ratio_line(f"warc_vs_{v} pages/s {tag}", ratios("warc", v)))
    return lines


def memory_lines(runs: list[Run], sizes: Sequence[int], delays: Sequence[float]) -> list[str]:
    """Peak RSS growth of the WARC-only crawl between sizes (largest / each smaller size)."""
    lines = []
    if len(sizes) < 2:
        return lines
    big = max(sizes)
    for delay in delays:
        for small in sizes:
            if small == big:
                continue
            a = [r for r in runs if r.variant == "warc" and r.pages == big and r.delay == delay]
            b = [r for r in runs if r.variant == "warc" and r.pages == small and r.delay == delay]
            vals = [x.measured.tree_rss_mb / y.measured.tree_rss_mb
                    for x, y in zip(a, b, strict=False) if y.measured.tree_rss_mb]
            if vals:
                target = "<= 1.3" if (small, big) == (2000, 8000) else ""
                lines.append(ratio_line(f"warc_peak_rss {big}p_vs_{small}p @{delay:g}ms", vals,
                                        target))
    return lines


PYSPY_RATE = 250  #: samples per second: each sample stands for 4 ms of a busy thread
#: the like-for-like baseline profiled beside ours (bare Scrapy given the same spider-side
#: saving and CONCURRENT_ITEMS as ours)
LIKE_FOR_LIKE = "bare+URLS_SKIP_REQUESTED=True+CONCURRENT_ITEMS=16"


def _pyspy(variant: str, site: SiteInfo, work: Path) -> str | None:
    """py-spy's collapsed stacks (``--threads``: each stack starts with its thread) of one
    crawl of ``variant`` at 0 ms, or None without py-spy."""
    pyspy = shutil.which("py-spy") or str(Path(PYTHON).with_name("py-spy"))
    if not Path(pyspy).exists():
        return None
    out = work / f"profile-{re.sub(r'[^A-Za-z0-9_.-]+', '_', variant)}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    argv, cwd = command(variant, site, out)
    raw = out / "pyspy.txt"
    with Server(site.root, 0) as server:
        env = server.env()
        env.pop("SCRAPY_SETTINGS_MODULE", None)
        cmd = [pyspy, "record", "--format", "raw", "--rate", str(PYSPY_RATE), "--nonblocking",
               "--threads", "--output", str(raw), "--", *argv]
        proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0 or not raw.exists():
        return None
    return raw.read_text(encoding="utf-8", errors="replace")


def thread_of(stack: str) -> str:
    """``reactor``, ``writer`` (the capture's writer thread) or ``other``, from the first frame
    of a ``--threads`` stack (``thread (123): MainThread``)."""
    first = stack.split(";", 1)[0]
    if "warc-writer" in first:
        return "writer"
    if "MainThread" in first:
        return "reactor"
    return "other"


def cpu_split(runs: list[Run], variant: str, pages: int) -> dict[str, float]:
    """Measured CPU ms per page of ``variant``'s timed runs at 0 ms (medians): the whole
    process, and the writer thread's own (its ``time.thread_time``, stat
    ``warc/thread_cpu_ms``), the reactor thread's being the rest."""
    mine = [r for r in runs if r.variant == variant and r.pages == pages and r.delay == 0]
    total = median(r.main_cpu_ms_per_page for r in mine)
    writer = median(r.stats.get("warc/thread_cpu_ms", 0) / max(1, r.responses) for r in mine)
    return {"total": total, "writer": writer, "reactor": max(0.0, total - writer)}


def profile(site: SiteInfo, work: Path, runs: list[Run] | None = None,
            baseline: str = LIKE_FOR_LIKE, top: int = 25) -> list[str]:
    """Where each page's CPU goes, ours (WARC only) beside ``baseline`` (bare Scrapy like for
    like), on the ``site`` at 0 ms.

    Method: one py-spy profile of each (all threads, ``--threads``) gives each thread's share
    of samples per category; those shares split the thread's CPU time measured in the timed
    runs of the same invocation (``runs``, medians): the writer thread's own
    ``time.thread_time`` and the rest of the process for the reactor thread. Sampling alone
    counts a thread that waits for a core or for the GIL as busy, so on a loaded machine its
    milliseconds overstate the CPU; the shares are what it is good for. Without timed runs of
    both variants at this size, the profile's own samples are shown as milliseconds (at
    :data:`PYSPY_RATE` Hz). Falls back to cProfile's top functions when py-spy is missing."""
    ours = _pyspy("warc", site, work)
    bare = _pyspy(baseline, site, work)
    if ours is not None and bare is not None:
        return _breakdown(ours, bare, site.pages, runs or [], baseline, top)
    out = work / "profile"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    argv, cwd = command("warc", site, out)
    prof = out / "crawl.prof"
    with Server(site.root, 0) as server:
        env = server.env()
        env.pop("SCRAPY_SETTINGS_MODULE", None)
        cmd = [PYTHON, "-m", "cProfile", "-o", str(prof), *argv[1:]]
        subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=True)
    import io
    import pstats

    buf = io.StringIO()
    pstats.Stats(str(prof), stream=buf).sort_stats("tottime").print_stats(top)
    return ["cProfile (py-spy not available), top functions by own time:", buf.getvalue()]


def _breakdown(ours: str, bare: str, pages: int, runs: list[Run], baseline: str,
               top: int) -> list[str]:
    mine = thread_categories(ours)
    theirs = thread_categories(bare)
    ours_cpu = cpu_split(runs, "warc", pages)
    bare_cpu = cpu_split(runs, baseline, pages)
    measured = ours_cpu["total"] > 0 and bare_cpu["total"] > 0
    per_sample = 1000 / PYSPY_RATE / max(1, pages)

    def ms(cats: dict[tuple[str, str], int], cpu: dict[str, float]) -> dict[tuple[str, str],
                                                                               float]:
        out: dict[tuple[str, str], float] = {}
        if measured and cpu["writer"] <= 0:
            # no writer-thread CPU stat (a build before it, or bare Scrapy): the process's
            # CPU split by the shares of all its reactor and writer samples together
            busy = sum(v for (t, _), v in cats.items() if t != "other")
            return {k: cpu["total"] * v / busy for k, v in cats.items() if k[0] != "other"}
        for thread in ("reactor", "writer", "other"):
            samples = sum(v for (t, _), v in cats.items() if t == thread)
            for (t, name), v in cats.items():
                if t != thread:
                    continue
                if not measured:
                    out[(t, name)] = v * per_sample
                elif thread == "writer" and cpu["writer"] > 0:
                    out[(t, name)] = cpu["writer"] * v / samples
                elif thread == "reactor":
                    out[(t, name)] = cpu["reactor"] * v / samples
                else:  # other threads (start-up, DNS): small; their samples at face value
                    out[(t, name)] = 0.0
        return out

    a, b = ms(mine, ours_cpu), ms(theirs, bare_cpu)
    keys = sorted(set(a) | set(b), key=lambda k: (k[0] != "reactor", -a.get(k, 0)))
    keys = [k for k in keys if k[0] != "other"]
    how = ("CPU ms per page measured in the timed runs above (medians; the writer thread's "
           "own time.thread_time, the reactor thread the rest of the process), split by each "
           "thread's py-spy sample shares" if measured else
           f"py-spy samples at {PYSPY_RATE} Hz as ms per page (no timed runs at this size: "
           "busy time, not CPU)")
    lines = [f"{pages}-page site, 0 ms, ours WARC only against {describe(baseline)}: {how}; "
             "a sample counts for the first category its stack matches", ""]
    rows = [[t, n, f"{a.get((t, n), 0):.3f}", f"{b.get((t, n), 0):.3f}",
             f"{a.get((t, n), 0) - b.get((t, n), 0):+.3f}"] for t, n in keys]
    if measured:
        split = ours_cpu["writer"] > 0  # else: a build without the writer-thread CPU stat
        for label, key in (("writer thread, all", "writer"), ("reactor thread, all", "reactor"),
                           ("process, all", "total")):
            if split or key == "total":
                rows.append(["", label, f"{ours_cpu[key]:.3f}", f"{bare_cpu[key]:.3f}",
                             f"{ours_cpu[key] - bare_cpu[key]:+.3f}"])
    lines.append(table(["thread", "category", "ours ms/page", "baseline ms/page",
                        "difference"], rows))
    return lines + [""] + _collapsed_top(ours, top)


#: (category, frame substrings): a sample counts for the first category one of whose
#: substrings appears in its stack (checked in this order)
CATEGORIES: list[tuple[str, tuple[str, ...]]] = [
    ("start-up: imports", ("_find_and_load",)),
    ("WARC: CDXJ index written at close", ("write_index_for", "write_index_lines",
                                           "WarcWriter.close")),
    ("crawl state: commit of a batch", ("CrawlState.transaction",)),
    ("crawl state: rows written", ("CrawlState.record_fetch",)),
    ("crawl state: revisit look-up", ("CrawlState.original_for",)),
    ("WARC: CDXJ line of each record", ("cdxj_line",)),
    ("WARC: record writing (gzip, SHA-1, write)", ("WarcWriter.write_exchange",
                                                   "WarcWriter.write_revisit")),
    ("WARC capture: payload digest", ("sha1_digest",)),
    ("WARC capture: HTTP heads", ("request_head", "response_headers", "http_head")),
    ("WARC capture: hand-over to the writer thread and back", (
        "ArchiveThread.", "archivethread.py", "ThreadPoolExecutor.", "run_in_executor",
        "_chain_future", "concurrent/futures")),
    ("WARC capture: the rest", ("WarcCaptureMiddleware.",)),
    ("crawl state: incremental check (a look-up per request)", ("IncrementalMiddleware.",
                                                                "CrawlState.")),
    ("link extraction", ("LinkExtractor.", "page_links")),
    ("page item: decoding the text", ("page_item", "page_text", "decoding.py")),
    ("our spider: the rest (strip_tracking, scope)", ("UrlsSpider.", "strip_tracking",
                                                      "may_follow")),
    ("items: Scrapy's item handling and our pipelines", (
        "Scraper.start_itemproc", "Scraper._start_itemproc", "_itemproc_finished",
        "item_scraped", "QuietLogFormatter.",
        "pipelines/crawl/", "ItemPipelineManager")),
    ("our other middlewares and extensions", (
        "responsecheck.py", "contentcheck.py", "fetchfailure.py", "addressguard.py",
        "compression.py", "retryafter.py", "selectorrelease.py", "startmark.py", "redo.py",
        "crawler/extensions/", "PartialResponse")),
    ("HTTP download (Twisted, handler)", ("twisted/web", "http11.py", "handler.py")),
]


def thread_categories(text: str) -> dict[tuple[str, str], int]:
    """Sample counts per (thread, :data:`CATEGORIES` entry) of a ``--threads`` profile."""
    counts: dict[tuple[str, str], int] = {}
    for stack, count in _collapsed(text):
        key = (thread_of(stack), _category(stack))
        counts[key] = counts.get(key, 0) + count
    return counts


def _category(stack: str) -> str:
    for cat, needles in CATEGORIES:
        if any(n in stack for n in needles):
            return cat
    return "Scrapy, Twisted, asyncio: the rest"


def _collapsed(text: str) -> Iterator[tuple[str, int]]:
    """``(stack, sample count)`` of each line of py-spy's collapsed ("raw") output."""
    for line in text.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if stack and count_text.isdigit():
            yield stack, int(count_text)


def categories(text: str, absolute: bool = False) -> list[tuple[str, float]]:
    """Share of samples (per cent; sample counts with ``absolute``) per :data:`CATEGORIES`
    entry (the rest: Scrapy, Twisted, asyncio)."""
    counts: dict[str, int] = {}
    samples = 0
    for stack, count in _collapsed(text):
        samples += count
        name = _category(stack)
        counts[name] = counts.get(name, 0) + count
    scale = 1.0 if absolute else 100 / max(1, samples)
    return [(k, v * scale) for k, v in sorted(counts.items(), key=lambda kv: -kv[1])]


def _collapsed_top(text: str, top: int) -> list[str]:
    own: dict[str, int] = {}
    total: dict[str, int] = {}
    samples = 0
    for stack, count in _collapsed(text):
        samples += count
        frames = [re.sub(r":\d+\)$", ")", f.strip()) for f in stack.split(";") if f.strip()]
        if not frames:
            continue
        own[frames[-1]] = own.get(frames[-1], 0) + count
        for frame in set(frames):
            total[frame] = total.get(frame, 0) + count
    lines = [f"py-spy: {samples} samples of the WARC-only crawl (main thread and others)",
             "", "where the time goes (a sample counts for the first category it matches):", ""]
    lines.append(table(["% of samples", "category"],
                       [[f"{share:.1f}", name] for name, share in categories(text)]))
    lines += ["", "top functions by own time:", ""]
    lines.append(table(["own %", "function (file)"], [
        [f"{100 * c / samples:.1f}", _short(f)]
        for f, c in sorted(own.items(), key=lambda kv: -kv[1])[:top]]))
    lines += ["", "top functions by total time (callees included):", ""]
    lines.append(table(["total %", "function (file)"], [
        [f"{100 * c / samples:.1f}", _short(f)]
        for f, c in sorted(total.items(), key=lambda kv: -kv[1])[:top]]))
    return lines


def _short(frame: str) -> str:
    frame = re.sub(r"/[^ ()]*/site-packages/", "", frame)
    frame = frame.replace(str(ROOT) + "/", "")
    return re.sub(r"/root/\.pyenv/versions/[^/]+/lib/python3\.\d+/", "", frame)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m bench.crawl",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default="300", help="site sizes, comma-separated "
                        "(default 300; the documented run: 500,2000,8000)")
    parser.add_argument("--delay-ms", default="0,100", help="server latencies (default 0,100)")
    parser.add_argument("--reps", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument("--variants", default=",".join(ALL_VARIANTS),
                        help=f"which of {','.join(ALL_VARIANTS)} (default all); a Scrapy "
                        "variant with +KEY=VALUE settings appended is an ablation measured "
                        "beside the others (warc+WARC_WRITE_THREAD=False)")
    parser.add_argument("--full-max-pages", type=int, default=500,
                        help="run full/full0 only at sizes up to this (default 500: the "
                             "in-thread extraction is slow)")
    parser.add_argument("--wget-max-pages-slow", type=int, default=500,
                        help="at latencies >= 50 ms run wget only at sizes up to this (it "
                             "fetches one page at a time; default 500)")
    parser.add_argument("--throughput", action="store_true",
                        help="also measure the fixture web alone with a concurrent client")
    parser.add_argument("--profile", action="store_true",
                        help="also profile one WARC-only and one bare Scrapy crawl at 0 ms "
                        "(largest size)")
    parser.add_argument("--profile-baseline", default=LIKE_FOR_LIKE,
                        help=f"the bare Scrapy variant profiled beside ours (default "
                        f"{LIKE_FOR_LIKE}: like for like)")
    parser.add_argument("--work", default=str(DEFAULT_WORK), help="scratch directory")
    parser.add_argument("--keep", action="store_true", help="keep the crawl outputs")
    args = parser.parse_args(argv)

    sizes = [int(x) for x in args.pages.split(",") if x]
    delays = [float(x) for x in args.delay_ms.split(",") if x]
    variants = [v for v in args.variants.split(",") if v]
    for v in variants:
        split_variant(v)  # refuse a mistyped variant before anything runs
    if "wget" in variants and shutil.which("wget") is None:
        print("wget not found: skipping it", flush=True)
        variants.remove("wget")
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    runs_dir = Path(tempfile.mkdtemp(prefix="crawl-", dir=work))

    print(machine())
    print(versions())
    print("command: python -m bench.crawl " + " ".join(sys.argv[1:] if argv is None else argv))
    print("Scrapy settings of warc/full/full0/bare: " + ", ".join(
        f"{k}={v}" for k, v in SCRAPY_SETTINGS.items()))
    print("ours: scrapy crawl urls -a urls=<home> -a depth=1000 (+ OUTPUT_DIR, "
          "REACTORLAG_ENABLED=1; warc: ITEM_PIPELINES={}; full: EXTRACTION_WORKERS=auto; "
          "full0: EXTRACTION_WORKERS=0)")
    print("wget: wget --recursive --level=inf --no-verbose -e robots=on --delete-after "
          "--warc-file=<out>/wget <home> (http_proxy = the fixture web)")
    print(f"repetitions: {args.reps}, interleaved; figures are medians", flush=True)

    all_runs: list[Run] = []
    started = time.monotonic()
    sites: dict[int, SiteInfo] = {}
    for pages in sizes:
        sites[pages] = generate(work / f"site-{pages}", pages)
        print(sites[pages].summary(), flush=True)
    if args.throughput:
        biggest = sites[max(sizes)]
        with Server(biggest.root, 0) as server:
            server_throughput(server, biggest.urls[:200])  # warm the server's file cache
            result = server_throughput(server, biggest.urls, rounds=1)
        print(f"fixture web alone: {result.requests} pages in {result.seconds:.2f} s = "
              f"{result.per_second:.0f} pages/s ({result.megabytes / result.seconds:.0f} MB/s) "
              f"with 2 client processes x 16 keep-alive connections; server CPU "
              f"{result.cpu_ms_per_page:.2f} ms/page (one core would serve "
              f"{1000 / max(result.cpu_ms_per_page, 1e-9):.0f} pages/s)", flush=True)
    for delay in delays:
        for pages in sizes:
            site = sites[pages]
            todo = [v for v in variants
                    if not (split_variant(v)[0] in ("full", "full0")
                            and pages > args.full_max_pages)
                    and not (v == "wget" and delay >= 50 and pages > args.wget_max_pages_slow)]
            with Server(site.root, delay) as server:
                for rep in range(args.reps):
                    for variant in todo:
                        run = run_one(variant, site, server, delay, rep, runs_dir, args.keep)
                        all_runs.append(run)
                        print(f"  {delay:g} ms {pages} pages rep {rep + 1}: {variant:5} "
                              f"{run.responses} responses {run.measured.wall:6.2f} s "
                              f"{run.per_second:7.1f} pages/s cpu {run.measured.cpu:6.2f} s "
                              f"rss {run.measured.tree_rss_mb:5.0f} MB", flush=True)
            for line in summarise(all_runs, variants, pages, delay):
                print(line, flush=True)
    for line in memory_lines(all_runs, sizes, delays):
        print(line)
    if args.profile:
        print("\n### profile\n")
        for line in profile(sites[max(sizes)], runs_dir, all_runs, args.profile_baseline):
            print(line)
    print(f"\n{load_line()}; total {time.monotonic() - started:.0f} s")
    if not args.keep:
        shutil.rmtree(runs_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
