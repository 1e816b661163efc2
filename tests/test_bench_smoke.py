"""Smoke test of the benchmarks: each script runs at a tiny size and prints its ratio lines.

No timing is asserted (the machine is shared and the sizes are tiny); only that the scripts
work end to end and print what docs/benchmarks.md is made from.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RATIO = re.compile(r"^ratio (\S+) .*= \d+\.\d{2,3} \[", re.M)


def _run(args: list[str], work: Path, timeout: float = 120) -> str:
    proc = subprocess.run([sys.executable, "-m", *args, "--work", str(work)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


def _ratios(out: str) -> set[str]:
    return set(RATIO.findall(out))


def test_site_is_deterministic_and_realistic(tmp_path: Path) -> None:
    from bench.site import generate

    a = generate(tmp_path / "a", 20, seed=3)
    b = generate(tmp_path / "b", 20, seed=3)
    assert a.pages == 20 and a.urls == b.urls
    files = sorted((Path(a.root) / a.host).rglob("*.html"))
    assert len(files) == 20
    for f in files:
        assert f.read_bytes() == (Path(b.root) / a.host / f.relative_to(
            Path(a.root) / a.host)).read_bytes()
        assert 50_000 <= f.stat().st_size <= 150_000
    text = "".join(f.read_text("utf-8") for f in files)
    for marker in ("most-read", "share-bar", "ad-slot", "site-footer", "main-nav", "。"):
        assert marker in text


def test_crawl_bench_prints_ratios(tmp_path: Path) -> None:
    variants = "warc,full,full0,bare" + (",wget" if shutil.which("wget") else "")
    out = _run(["bench.crawl", "--pages", "20", "--delay-ms", "0", "--reps", "1",
                "--variants", variants], tmp_path)
    assert "| ours, WARC only | 21 |" in out  # 20 pages + robots.txt
    names = _ratios(out)
    assert "warc_vs_bare_scrapy" in names and "full_workers_vs_inline" in names
    if shutil.which("wget"):
        assert "warc_vs_wget" in names
    assert re.search(r"reactor lag p50/p99/max ms", out)


def test_crawl_bench_measures_an_ablation_beside_the_variant(tmp_path: Path) -> None:
    out = _run(["bench.crawl", "--pages", "20", "--delay-ms", "0", "--reps", "1", "--keep",
                "--variants", "warc,warc+WARC_ENABLED=False"], tmp_path)
    assert "| ours, WARC only, WARC_ENABLED=False | 21 |" in out
    assert "warc+WARC_ENABLED=False_vs_warc" in _ratios(out)
    kept = {p.parent.parent.parent.name.split("-20-")[0]
            for p in tmp_path.glob("crawl-*/*/data/warc/*.warc.gz")}
    assert kept == {"warc"}  # the ablation ran with its setting: no WARC written
    # bare with the spider-side saving ours has: the like-for-like ratio is printed
    out = _run(["bench.crawl", "--pages", "20", "--delay-ms", "0", "--reps", "1",
                "--variants", "warc,bare,bare+URLS_SKIP_REQUESTED=True"], tmp_path)
    assert "| bare Scrapy, URLS_SKIP_REQUESTED=True | 21 |" in out
    assert "warc_vs_bare+URLS_SKIP_REQUESTED=True" in _ratios(out)
    bad = subprocess.run([sys.executable, "-m", "bench.crawl", "--variants", "warc+NOEQUALS",
                          "--work", str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode != 0 and "is not KEY=VALUE" in bad.stderr


def test_extraction_bench_prints_ratio(tmp_path: Path) -> None:
    out = _run(["bench.extraction", "--pages", "20", "--reps", "1", "--sets", "site"],
               tmp_path)
    assert "extractor_vs_bare_trafilatura" in _ratios(out)


def test_replay_bench_prints_ratios(tmp_path: Path) -> None:
    out = _run(["bench.replay", "--pages", "20", "--reps", "1", "--jobs", "2"], tmp_path)
    names = _ratios(out)
    assert "replay_jobs2_vs_jobs1" in names and "warc_read_share_of_replay_time" in names
    if importlib.util.find_spec("fastwarc") is None:
        assert "FastWARC is not installed" in out
    else:
        assert "fastwarc_vs_warcio" in names
        assert "FastWARC reads everything we write: yes" in out
        assert "archive.warc.fastread's own reader reads everything we write: yes" in out


def test_compression_bench_prints_engines_and_ratios(tmp_path: Path) -> None:
    out = _run(["bench.compression", "--pages", "20", "--reps", "1"], tmp_path)
    assert re.search(r"\| zlib \| 3 \| [0-9.]+ \| 0\.\d+ \| yes \|", out)
    if importlib.util.find_spec("isal") is not None:
        assert re.search(r"\| isal \| 2 \| [0-9.]+ \| 0\.\d+ \| yes \|", out)
        assert "isal2_vs_zlib3" in _ratios(out)


def test_cli_extract_bench_prints_ratios(tmp_path: Path) -> None:
    out = _run(["bench.cli_extract", "--reps", "1"], tmp_path, timeout=300)
    assert "archive_extract_cli_vs_bare_trafilatura" in _ratios(out)
    assert re.search(r"@all = .*\n.*@generic = .*\n.*@rules = ", out)
