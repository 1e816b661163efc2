"""Replay benchmark: ``python -m archive replay`` with one job and with every core, the share of
replay time spent reading WARC, and warcio against FastWARC on our own files.

More: docs/modules.md, ``bench/replay.py``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Sequence
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
from bench.measure import run_measured  # noqa: E402


def make_warcs(work: Path, pages: int) -> list[Path]:
    """WARC files of a full crawl of the bench site (responses, requests and the article
    ``metadata`` records), made once per size."""
    from bench.crawl import command
    from bench.site import Server, generate

    out = work / f"replay-input-{pages}"
    warcs = sorted((out / "data" / "warc").glob("*.warc.gz"))
    if warcs and (out / "done").exists():
        return warcs
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    site = generate(work / f"site-{pages}", pages)
    argv, cwd = command("full", site, out)
    with Server(site.root, 0) as server:
        env = server.env()
        env.pop("SCRAPY_SETTINGS_MODULE", None)
        m = run_measured(argv, env=env, cwd=cwd, timeout=3600)
    if m.returncode != 0:
        raise RuntimeError("crawl for the replay input failed:\n" + m.stderr[-3000:])
    (out / "done").write_text("ok")
    return sorted((out / "data" / "warc").glob("*.warc.gz"))


def read_like_replay(files: Sequence[Path]) -> tuple[int, float, int, float]:
    """``(records, CPU s, responses, CPU s)``: replay's scan (every record read as its first
    pass reads it: :mod:`archive.warc.fastread` where it applies, else warcio), then its second
    pass (every ``200`` response read again by seeking to it, as a worker does)."""
    from warcio.archiveiterator import ArchiveIterator

    from archive.warc import fastread
    from archive.warc.records import WarcRecords
    from crawler.pages import http_status

    def wanted(rec_type: str | None, _headers: Any) -> bool:
        return rec_type in ("warcinfo", "metadata")  # the bench site has no multi-page rules

    fast = fastread.enabled()
    started = time.process_time()
    count = 0
    where: list[tuple[Path, int]] = []
    for path in files:
        try:
            if not fast:
                raise fastread.FallBack("off")
            records: Any = fastread.scan(path, wanted)
        except fastread.FallBack:
            records = WarcRecords(path)
        for offset, _length, record in records:
            count += 1
            if record.rec_type == "response" and http_status(record) == 200:
                where.append((path, offset))
            if wanted(record.rec_type, None):
                record.raw_stream.read()
    scan = time.process_time() - started
    started = time.process_time()
    for path, offset in where:
        try:
            if not fast:
                raise fastread.FallBack("off")
            fastread.record_at(path, offset).raw_stream.read()
        except fastread.FallBack:
            with open(path, "rb") as fh:
                fh.seek(offset)
                record = next(iter(ArchiveIterator(fh, arc2warc=True)))
                record.http_headers  # noqa: B018 - parsed already; as replay touches it
                record.raw_stream.read()
    return count, scan, len(where), time.process_time() - started


def record_facts(rec: Any) -> tuple[Any, ...]:
    """What the reader comparison compares of a record read by warcio or by
    :mod:`archive.warc.fastread` (same interface): type, id, target URI, payload digest, HTTP status
    of a response, SHA-1 of the payload bytes (its content read here)."""
    payload = rec.raw_stream.read()
    status = (rec.http_headers.get_statuscode()
              if rec.http_headers is not None and rec.rec_type == "response" else None)
    return (rec.rec_type, rec.rec_headers.get_header("WARC-Record-ID"),
            rec.rec_headers.get_header("WARC-Target-URI"),
            rec.rec_headers.get_header("WARC-Payload-Digest"),
            int(status) if status else None, hashlib.sha1(payload).hexdigest())


def read_warcio(files: Sequence[Path]) -> tuple[int, float, list[tuple[Any, ...]]]:
    """warcio: every record, HTTP headers parsed, payload read. Returns facts for comparison."""
    from warcio.archiveiterator import ArchiveIterator

    facts = []
    started = time.process_time()
    for path in files:
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                facts.append(record_facts(rec))
    return len(facts), time.process_time() - started, facts


def read_fastwarc(files: Sequence[Path]) -> tuple[int, float, list[tuple[Any, ...]], int, int]:
    """FastWARC: every record, HTTP parsed, payload read; digests verified afterwards."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    facts = []
    started = time.process_time()
    for path in files:
        for rec in ArchiveIterator(str(path), record_types=WarcRecordType.any_type,
                                   parse_http=True, fsspec_args=False):
            payload = rec.reader.read()
            kind = str(rec.record_type)
            status = rec.http_headers.status_code if (
                rec.http_headers is not None and kind == "response") else None
            facts.append((kind, rec.record_id, rec.headers.get("WARC-Target-URI"),
                          rec.headers.get("WARC-Payload-Digest"), status,
                          hashlib.sha1(payload).hexdigest()))
    seconds = time.process_time() - started
    bad_block = bad_payload = 0
    for path in files:
        for rec in ArchiveIterator(str(path), record_types=WarcRecordType.any_type,
                                   parse_http=False, fsspec_args=False):
            if not rec.verify_block_digest(consume=False):
                bad_block += 1
            if rec.headers.get("WARC-Payload-Digest") and rec.is_http:
                rec.parse_http()
                if not rec.verify_payload_digest(consume=True):
                    bad_payload += 1
    return len(facts), seconds, facts, bad_block, bad_payload


def read_plain(files: Sequence[Path]) -> tuple[int, float, list[tuple[Any, ...]]]:
    """Replay's own reader (:mod:`archive.warc.fastread`: plain WARC heads parsed there, members
    inflated by ISA-L, FastWARC for anything else): every record read whole, member by member,
    as its scan reads the records it keeps and as :func:`archive.warc.fastread.record_at` reads one.
    """
    from archive.warc import fastread

    facts = []
    started = time.process_time()
    for path in files:
        for _offset, _length, rec in fastread.scan_members(path):
            facts.append(record_facts(rec))
    return len(facts), time.process_time() - started, facts


def main(argv: Sequence[str] | None = None) -> int:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m bench.replay",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300, help="bench site size (default 300)")
    parser.add_argument("--reps", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="the 'all cores' job count (default: nproc)")
    parser.add_argument("--work", default=str(DEFAULT_WORK), help="scratch directory")
    parser.add_argument("--warcs", help="replay these WARC files (a folder: its *.warc.gz, "
                        "e.g. a kept bench.crawl output's data/warc) instead of crawling the "
                        "bench site first; --pages only names the site in the output")
    parser.add_argument("--no-readers", action="store_true",
                        help="skip the WARC readers' comparison (warcio, FastWARC)")
    args = parser.parse_args(argv)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    print(machine())
    print(versions())
    print("command: python -m bench.replay " + " ".join(sys.argv[1:] if argv is None else argv))
    started = time.monotonic()
    if args.warcs:
        given = Path(args.warcs)
        files = sorted(given.glob("*.warc.gz")) if given.is_dir() else [given]
        if not files:
            parser.error(f"--warcs {args.warcs}: no *.warc.gz there")
    else:
        files = make_warcs(work, args.pages)
    size = sum(f.stat().st_size for f in files)
    made = f"given (--warcs {args.warcs})" if args.warcs else \
        f"from a full crawl of the {args.pages}-page bench site"
    print(f"input: {len(files)} WARC file(s), {size / 1e6:.1f} MB, {made}", flush=True)
    # the folder the crawl wrote (replay finds its files), or the one file --warcs named
    inputs = [str(files[0])] if args.warcs and Path(args.warcs).is_file() else \
        [str(files[0].parent)]
    results: dict[int, list[dict[str, float]]] = {1: [], args.jobs: []}
    for rep in range(args.reps):
        for jobs in (1, args.jobs):
            out = work / f"replay-out-{jobs}"
            shutil.rmtree(out, ignore_errors=True)
            cmd = [PYTHON, "-m", "archive", "replay", *inputs, "--out", str(out),
                   "--jobs", str(jobs), "--no-progress", "--json"]
            m = run_measured(cmd, cwd=ROOT, timeout=3600)
            if m.returncode not in (0, 1):
                raise RuntimeError(f"replay --jobs {jobs} failed:\n{m.stderr[-3000:]}")
            summary = json.loads(m.stdout[m.stdout.index("{"):])
            pages = summary["html_pages"] + summary["continuations"]
            results[jobs].append({"pages": pages, "articles": summary["articles"],
                                  "wall": m.wall, "pps": pages / m.wall, "cpu": m.cpu,
                                  "main_cpu": m.main_cpu,
                                  "rss": m.tree_rss_mb, "own_seconds": summary["seconds"]})
            print(f"  rep {rep + 1}: --jobs {jobs}: {pages} pages, {summary['articles']} "
                  f"articles, {m.wall:.2f} s, {pages / m.wall:.1f} pages/s", flush=True)
            shutil.rmtree(out, ignore_errors=True)
    records, scan_cpu, responses, second_cpu = read_like_replay(files)
    rows = []
    for jobs, res in results.items():
        rows.append([f"archive replay --jobs {jobs}", median(r["pages"] for r in res),
                     median(r["articles"] for r in res), median(r["pps"] for r in res),
                     median(r["wall"] for r in res), median(r["cpu"] for r in res),
                     median(r["main_cpu"] for r in res), median(r["rss"] for r in res)])
    print(f"\n### replay, {args.pages}-page bench site\n")
    print(table(["run", "HTML pages", "articles", "pages/s", "wall s", "CPU s (tree)",
                 "CPU s (parent process)", "peak RSS MB (tree)"], rows))
    print()
    ratios = [b["pps"] / a["pps"] for a, b in zip(results[1], results[args.jobs], strict=False)]
    print(ratio_line(f"replay_jobs{args.jobs}_vs_jobs1 pages/s", ratios, ">= 1.8"))
    for jobs, res in results.items():
        shares = [(scan_cpu + second_cpu / jobs) / r["wall"] for r in res]
        print(ratio_line(f"warc_read_share_of_replay_time --jobs {jobs}", shares, "<= 0.05",
                         digits=3))
    for jobs, res in results.items():
        shares = [(scan_cpu + second_cpu) / r["cpu"] for r in res]
        print(ratio_line(f"warc_read_share_of_replay_cpu --jobs {jobs}", shares, digits=3))
    print(f"(reading: scan of {records} records {scan_cpu:.2f} s CPU in the parent; second "
          f"pass over {responses} responses {second_cpu:.2f} s CPU, spread over the jobs)")
    if args.no_readers:
        print(f"\n{load_line()}; total {time.monotonic() - started:.0f} s")
        return 0
    print("\n### reading our WARC files: warcio vs FastWARC\n")
    try:
        import fastwarc  # noqa: F401
    except ImportError:
        print("FastWARC is not installed (pip install fastwarc): comparison skipped")
        print(f"\n{load_line()}; total {time.monotonic() - started:.0f} s")
        return 0
    w_times, f_times, p_times = [], [], []
    w_facts: list[tuple[Any, ...]] = []
    f_facts: list[tuple[Any, ...]] = []
    p_facts: list[tuple[Any, ...]] = []
    bad_block = bad_payload = 0
    for _ in range(args.reps):
        n_w, t_w, w_facts = read_warcio(files)
        n_f, t_f, f_facts, bad_block, bad_payload = read_fastwarc(files)
        n_p, t_p, p_facts = read_plain(files)
        w_times.append(t_w)
        f_times.append(t_f)
        p_times.append(t_p)
    mb = size / 1e6
    print(table(["reader", "records", "s (CPU)", "MB/s (compressed)", "records/s"], [
        ["warcio ArchiveIterator", len(w_facts), median(w_times), mb / median(w_times),
         len(w_facts) / median(w_times)],
        ["FastWARC ArchiveIterator", len(f_facts), median(f_times), mb / median(f_times),
         len(f_facts) / median(f_times)],
        ["archive.warc.fastread, member by member (plain heads, ISA-L)", len(p_facts),
         median(p_times), mb / median(p_times), len(p_facts) / median(p_times)],
    ]))
    print()
    print(ratio_line("fastwarc_vs_warcio read speed", [w / f for w, f in
                                                        zip(w_times, f_times, strict=False)]))
    same = w_facts == f_facts
    diffs = sum(1 for a, b in zip(w_facts, f_facts, strict=False) if a != b)
    verdict = "yes" if same and not bad_block and not bad_payload else "NO"
    print(f"FastWARC reads everything we write: {verdict} ({len(f_facts)} records vs "
          f"warcio's {len(w_facts)}, {diffs} differing in type, id, "
          f"target URI, payload digest, status or payload bytes; block digest failures "
          f"{bad_block}, payload digest failures {bad_payload})")
    print(ratio_line("plain_reader_vs_warcio read speed", [w / p for w, p in
                                                           zip(w_times, p_times, strict=False)]))
    p_diffs = sum(1 for a, b in zip(w_facts, p_facts, strict=False) if a != b)
    print(f"archive.warc.fastread's own reader reads everything we write: "
          f"{'yes' if w_facts == p_facts else 'NO'} ({len(p_facts)} records vs warcio's "
          f"{len(w_facts)}, {p_diffs} differing)")
    print(f"\n{load_line()}; total {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
