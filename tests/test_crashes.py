"""Crashes (issue: reliability under faults, crashes and hostile input).

More: docs/modules.md, ``tests/test_crashes.py``.
"""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from archive.warc.records import WarcRecords
from fixtureweb import FixtureWeb
from tests.conftest import ROOT, run_crawl
from tests.hostile_sites import (
    Site,
    assert_rows_point_to_records,
    build_crash_site,
    check,
    crawl_command,
    crawl_env,
    hook_env,
    record_figure,
    rows,
    run_summary,
    warc_files,
)

WARC_MAX = "60000"
CRAWL_SETTINGS = {"WARC_MAX_SIZE": WARC_MAX, "CONCURRENT_REQUESTS_PER_DOMAIN": "2"}


@dataclass(frozen=True)
class KillPoint:
    """When to kill: after ``value`` proxy requests, at the ``value``-th paused WARC write
    (``midwrite``) or ``articles.jsonl`` row (``jsonl``), or after ``value`` seconds."""

    kind: str
    value: float

    def __str__(self) -> str:
        return f"{self.kind}-{self.value:g}"


def _full_kill_points() -> list[KillPoint]:
    rnd = random.Random(20240501)
    points = [KillPoint("requests", rnd.randint(2, 28)) for _ in range(7)]
    points += [KillPoint("midwrite", rnd.randint(1, 14)) for _ in range(7)]
    points += [KillPoint("jsonl", rnd.randint(1, 10)) for _ in range(5)]
    points += [KillPoint("time", round(rnd.uniform(1.0, 4.5), 2)) for _ in range(5)]
    return points


FULL_KILLS = _full_kill_points()
CI_KILLS = [KillPoint("requests", 9), KillPoint("midwrite", 5), KillPoint("jsonl", 2)]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    return build_crash_site(tmp_path_factory.mktemp("crashweb"))


@pytest.fixture(scope="module")
def web(site):
    with FixtureWeb(roots=[site.root]) as server:
        yield server


# -- helpers -------------------------------------------------------------------------------------


def _written(hook_dir: Path) -> dict[str, int]:
    """Ground truth from the hook: WARC file name -> end of its last completed write."""
    ends: dict[str, int] = {}
    path = hook_dir / "written.log"
    if path.exists():
        for line in path.read_text().splitlines():
            name, _, end = line.rpartition(" ")
            ends[name] = max(ends.get(name, 0), int(end))
    return ends


def _midwrites(hook_dir: Path, jsonl: bool) -> int:
    path = hook_dir / "midwrite.log"
    if not path.exists():
        return 0
    return sum(1 for line in path.read_text().splitlines() if line.startswith("jsonl") == jsonl)


class Crawl:
    """A crawl subprocess in its own process group, its log in a file (children that outlive
    a killed crawl cannot hold a pipe open)."""

    def __init__(self, cmd: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("w") as fh:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                         stderr=fh, start_new_session=True)

    def poll(self) -> int | None:
        return self.proc.poll()

    def send_signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def finish(self, timeout: float = 120) -> str:
        """Wait for the crawl, then end what is left of its process group (extraction
        workers orphaned by a SIGKILL); return its log."""
        try:
            self.proc.wait(timeout=timeout)
        finally:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        return self.log.read_text("utf-8", "replace")

    @property
    def returncode(self) -> int | None:
        return self.proc.returncode


def start_crawl(web: FixtureWeb, site: Site, out: Path, hook_dir: Path, **hooks: str) -> Crawl:
    cmd = crawl_command("urls", out, {"urls": site.start[0], "depth": "1"}, CRAWL_SETTINGS,
                        hooked=True)
    hook_dir.mkdir(parents=True, exist_ok=True)
    return Crawl(cmd, crawl_env(web, hook_env(hook_dir, **hooks)), hook_dir / "crawl.log")


def wait_for(proc: Crawl, condition: Any, timeout: float = 60) -> bool:
    """Poll ``condition()`` until true; False if the crawl ended first."""
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            return False
        assert time.monotonic() < deadline, "kill point never reached"
        time.sleep(0.005)
    return True


def kill_at(web: FixtureWeb, site: Site, out: Path, hook_dir: Path, point: KillPoint) -> bool:
    """Run a hooked crawl and SIGKILL it at ``point``; True if it was killed mid-crawl."""
    hooks = {}
    if point.kind == "midwrite":
        hooks = {"split_ms": "250", "split_every": "2"}
    elif point.kind == "jsonl":
        hooks = {"jsonl_split_ms": "250"}
    elif point.kind == "time":  # every write a little slower, so the crawl lasts ~6 s
        hooks = {"split_ms": "80", "split_every": "1"}
    first = len(web.requests)
    started = time.monotonic()
    proc = start_crawl(web, site, out, hook_dir, **hooks)
    conditions = {
        "requests": lambda: sum(1 for r in web.requests[first:] if r.method != "CONNECT")
        >= point.value,
        "midwrite": lambda: _midwrites(hook_dir, jsonl=False) >= point.value,
        "jsonl": lambda: _midwrites(hook_dir, jsonl=True) >= point.value,
        "time": lambda: time.monotonic() - started >= point.value,
    }
    killed = wait_for(proc, conditions[point.kind])
    proc.send_signal(signal.SIGKILL)
    proc.finish(timeout=30)
    return killed


def verify_readable_and_repairable(out: Path, hook_dir: Path | None) -> dict[str, int]:
    """After a crash: read, check and repair every WARC; returns counts for the figures.

    "Complete" is judged twice: the reader (warcio underneath) yields a record whose block is
    all there even when the gzip trailer after it is cut off, while ``check`` and the repair
    want the whole gzip member. Either way every record the writer had *completely* written
    (the hook's ``written.log``) must be read, kept and copied byte for byte.
    """
    written = _written(hook_dir) if hook_dir is not None else {}
    facts = {"files": 0, "open_files": 0, "complete_records": 0, "lost": 0, "partial_tails": 0}
    opened: dict[Path, tuple[int, int, list[int], bytes]] = {}
    for path in warc_files(out, open_too=True):
        facts["files"] += 1
        reader = WarcRecords(path)
        offsets = [rec.offset for rec in reader]
        facts["complete_records"] += len(offsets)
        truth = written.get(path.name.removesuffix(".open"), 0)
        assert reader.good_end >= truth, (path.name, reader.good_end, truth)  # nothing lost
        if not path.name.endswith(".open"):
            assert reader.problem is None, (path.name, reader.problem)
            continue
        facts["open_files"] += 1
        size = path.stat().st_size
        assert reader.problem is None or "truncated" in reader.problem, reader.problem
        assert (size > reader.good_end) == (reader.problem is not None)
        opened[path] = (reader.good_end, truth, offsets, path.read_bytes())
    res = check("--json", str(out / "warc"))
    problems = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    assert (res.returncode != 0) == bool(opened) or not warc_files(out, open_too=True)
    cut_at: dict[Path, int] = {}
    for path, (good_end, truth, offsets, data) in opened.items():
        mine = [p for p in problems if p["file"] == str(path)]
        assert any(p["kind"] == "file" and "not closed" in p["message"] for p in mine)
        tail = [p["offset"] for p in mine if p["kind"] in ("gzip", "framing")]
        if len(data) > truth and tail:  # check names the offset of the partial record:
            facts["partial_tails"] += 1  # the reader's end, or the last record it read whose
            cut_at[path] = min(tail)  # gzip trailer is missing
            assert cut_at[path] in (good_end, *offsets[-1:]) and cut_at[path] >= truth, mine
    for p in problems:  # closed files are clean
        assert p["file"].endswith(".open"), p
    res = check("--repair", str(out / "warc"))
    for path, (_, truth, _, data) in opened.items():
        # the original is moved aside, unchanged, as the crawl's own recovery does
        original = out / "damaged" / path.name
        assert not path.exists() and original.read_bytes() == data, res.stdout
        repaired = Path(str(path).removesuffix(".open"))
        if not repaired.exists():
            assert truth == 0, res.stdout  # nothing was completely written: nothing to keep
            continue
        kept = repaired.read_bytes()
        assert data.startswith(kept) and len(kept) >= truth, res.stdout  # verbatim prefix
        assert len(kept) == cut_at.get(path, len(data))
        before = sum(1 for rec in WarcRecords(original) if rec.offset + rec.length <= truth)
        after = sum(1 for rec in WarcRecords(repaired) if rec.offset + rec.length <= truth)
        facts["lost"] += before - after
    assert facts["lost"] == 0
    return facts


def verify_next_run_completes(web: FixtureWeb, site: Site, out: Path) -> Any:
    """The next (normal) crawl finishes the job; the archive and the rows are consistent."""
    run = run_crawl(web, "urls", out, args={"urls": site.start[0], "depth": "1"},
                    settings=CRAWL_SETTINGS)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run_summary(out)["finish_reason"] == "finished"
    assert not list((out / "warc").glob("*.open"))
    found = rows(out)  # asserts there is no partial line
    by_url: dict[str, int] = {}
    for row in found:
        by_url[row["url"]] = by_url.get(row["url"], 0) + 1
    assert set(by_url) == set(site.good), set(site.good) ^ set(by_url)
    assert all(n == 1 for n in by_url.values()), {u: n for u, n in by_url.items() if n > 1}
    assert_rows_point_to_records(out)
    res = check("--json", str(out / "warc"))
    for line in res.stdout.splitlines():
        if not line.startswith("{"):
            continue
        problem = json.loads(line)
        # a kill between a response and its request record leaves a lone response at the
        # end of the repaired file: reported, never a framing problem
        assert problem["kind"] == "reference" and problem["message"].startswith(
            "response without its request"), problem
        assert _is_last_record(Path(problem["file"]), problem["offset"]), problem
    return run


def _is_last_record(path: Path, offset: int) -> bool:
    last = None
    for rec in WarcRecords(path):
        last = rec.offset
    return last == offset


# -- SIGKILL ------------------------------------------------------------------------------------


def _kill_scenario(web, site, tmp_path, point: KillPoint) -> dict[str, int]:
    out, hooks = tmp_path / "out", tmp_path / "hooks"
    assert kill_at(web, site, out, hooks, point), "the crawl ended before the kill point"
    facts = verify_readable_and_repairable(out, hooks)
    partial_row = (out / "articles.jsonl").exists() and not (
        out / "articles.jsonl").read_bytes().endswith(b"\n") and (
        out / "articles.jsonl").stat().st_size > 0
    run = verify_next_run_completes(web, site, out)
    if partial_row:
        assert "ended with a partial row" in run.stderr
    facts["partial_row"] = int(partial_row)
    record_figure(f"sigkill:{point.kind}", point=str(point), **facts)
    return facts


@pytest.mark.parametrize("point", CI_KILLS, ids=str)
def test_sigkill(web, site, tmp_path, point):
    facts = _kill_scenario(web, site, tmp_path, point)
    if point.kind == "midwrite":
        assert facts["partial_tails"] >= 1  # the kill did land in the middle of a record
    if point.kind == "jsonl":
        assert facts["partial_row"] == 1  # ... and in the middle of a row


@pytest.mark.slow
@pytest.mark.parametrize("point", FULL_KILLS, ids=str)
def test_sigkill_full(web, site, tmp_path, point):
    _kill_scenario(web, site, tmp_path, point)


def test_manual_repair_then_resume_does_not_duplicate_records(web, site, tmp_path):
    """`archive check --repair` on a dead crawl's .open file, then the next crawl: the repair
    moved the original to damaged/ as the crawl's recovery would, so the crawl finds nothing
    left to recover and never writes a second copy of any record."""
    out, hooks = tmp_path / "out", tmp_path / "hooks"
    assert kill_at(web, site, out, hooks, KillPoint("midwrite", 3))
    facts = verify_readable_and_repairable(out, hooks)  # this runs check --repair
    assert list((out / "damaged").glob("*.open"))
    run = verify_next_run_completes(web, site, out)
    assert "left by a crawl that died" not in run.stderr  # nothing left to recover
    res = check(str(out))  # the whole output root: damaged/ is not searched
    assert res.returncode == 0, res.stdout
    assert "duplicate WARC-Record-ID" not in res.stdout
    record_figure("manual-repair-then-resume", **facts)


def test_pages_left_unprocessed_by_a_stopped_crawl_get_their_text(web, site, tmp_path):
    """A crawl that stops early on purpose (``max_pages``: pages in flight are archived but
    never processed) is resumed like one that died: the next run writes every text once."""
    out = tmp_path / "out"
    first = run_crawl(web, "urls", out, args={"urls": site.start[0], "depth": "1",
                                             "max_pages": "6"}, settings=CRAWL_SETTINGS)
    assert first.returncode == 0 and run_summary(out)["finish_reason"] == "max_pages"
    assert len(rows(out)) < len(site.good)
    run = verify_next_run_completes(web, site, out)
    assert "resumed from the archive" in run.stderr


# -- signals ------------------------------------------------------------------------------------


@pytest.mark.parametrize("sig,times", [(signal.SIGTERM, 1), (signal.SIGINT, 2)],
                         ids=["SIGTERM-once", "SIGINT-twice"])
def test_signals(web, site, tmp_path, sig, times):
    _signal_scenario(web, site, tmp_path, sig, times)


@pytest.mark.slow
@pytest.mark.parametrize("sig,times", [(signal.SIGINT, 1), (signal.SIGTERM, 2)] * 3,
                         ids=["SIGINT-once", "SIGTERM-twice"] * 3)
def test_signals_full(web, site, tmp_path, sig, times):
    _signal_scenario(web, site, tmp_path, sig, times)


def _signal_scenario(web, site, tmp_path, sig: int, times: int) -> None:
    out, hooks = tmp_path / "out", tmp_path / "hooks"
    first = len(web.requests)
    # slow writes, so the second signal can arrive while records are being written
    proc = start_crawl(web, site, out, hooks, split_ms="150", split_every="3")
    assert wait_for(proc, lambda: sum(1 for r in web.requests[first:]
                                      if r.method != "CONNECT") >= 8)
    proc.send_signal(sig)
    if times == 2:
        time.sleep(0.3)
        if proc.poll() is None:
            proc.send_signal(sig)
    stderr = proc.finish(timeout=120)
    if times == 1:
        assert proc.returncode == 128 + sig, stderr[-3000:]  # stopped cleanly by a signal
        assert "shutting down gracefully" in stderr
        assert not list((out / "warc").glob("*.open"))  # closed and renamed
        assert run_summary(out)["finish_reason"] == "shutdown"
        assert check(str(out / "warc")).returncode == 0
        rows(out)  # whole lines only
        assert_rows_point_to_records(out)
        facts: dict[str, int] = {"open_files": 0, "lost": 0, "complete_records": sum(
            1 for path in warc_files(out) for _ in WarcRecords(path))}
    else:
        assert "forcing unclean shutdown" in stderr or proc.returncode != 0 or \
            "shutting down gracefully" in stderr
        facts = verify_readable_and_repairable(out, hooks)
    verify_next_run_completes(web, site, out)
    record_figure(f"{signal.Signals(sig).name}x{times}", **facts)


# -- the disk fills up --------------------------------------------------------------------------


def _limited(limit: int) -> Any:
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


def _disk_full_then_resume(web, site, out: Path, run_full: Any, scenario: str,
                           hook_dir: Path) -> str:
    proc = run_full()
    stderr = proc.stderr
    assert "output disk is full" in stderr and "CRITICAL" in stderr, stderr[-3000:]
    assert "Traceback" not in stderr, stderr[stderr.find("Traceback"):][:3000]
    assert "Logging error" not in stderr
    assert "Spider closed (disk_full)" in stderr
    assert not list((out / "warc").glob("*.open"))  # stopped cleanly: files closed
    records_kept = 0
    if (out / "warc").exists():  # (a tiny limit stops the crawl before any WARC)
        res = check(str(out / "warc"))
        assert res.returncode == 0, res.stdout[-3000:]  # nothing written is corrupted
        # every completed write is there, and the failed one was cut off: each file ends
        # exactly where its last complete write ended
        for name, end in _written(hook_dir).items():
            path = out / "warc" / name
            assert path.exists() and path.stat().st_size == end, (name, end)
            records_kept += sum(1 for _ in WarcRecords(path))
    found = rows(out)  # no partial row
    assert len(found) < len(site.good)
    assert_rows_point_to_records(out)
    verify_next_run_completes(web, site, out)
    record_figure(scenario, rows_before=len(found), complete_records=records_kept, lost=0)
    return stderr


@pytest.mark.parametrize("limit", [300_000])
def test_file_size_limit(web, site, tmp_path, limit):
    _file_size_limit(web, site, tmp_path, limit)


@pytest.mark.slow
@pytest.mark.parametrize("limit", [40_000, 120_000, 200_000, 450_000, 700_000])
def test_file_size_limit_full(web, site, tmp_path, limit):
    _file_size_limit(web, site, tmp_path, limit)


def _file_size_limit(web, site, tmp_path, limit: int) -> None:
    out, hooks = tmp_path / "out", tmp_path / "hooks"
    settings = {"WARC_MAX_SIZE": "100000000"}  # one growing WARC

    def run_full() -> subprocess.CompletedProcess[str]:
        cmd = crawl_command("urls", out, {"urls": site.start[0], "depth": "1"}, settings,
                            hooked=True)
        return subprocess.run(cmd, cwd=ROOT, env=crawl_env(web, hook_env(hooks)),
                              capture_output=True, text=True, timeout=180,
                              preexec_fn=_limited(limit))

    _disk_full_then_resume(web, site, out, run_full, f"rlimit-fsize:{limit}", hooks)


def _mount_tmpfs(path: Path, size: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return False
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                         capture_output=True, text=True)
    return res.returncode == 0


@pytest.mark.parametrize("size", ["900k"])
def test_small_filesystem_fills_up(web, site, tmp_path, size):
    _small_filesystem(web, site, tmp_path, size)


@pytest.mark.slow
@pytest.mark.parametrize("size", ["150k", "250k", "400k", "600k"])
def test_small_filesystem_fills_up_full(web, site, tmp_path, size):
    _small_filesystem(web, site, tmp_path, size)


def _small_filesystem(web, site, tmp_path, size: str) -> None:
    """A real ENOSPC on every file of the output root (needs to be able to mount tmpfs)."""
    mnt = tmp_path / "mnt"
    if not _mount_tmpfs(mnt, size):
        pytest.skip("cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)")
    try:
        out, hooks = mnt / "out", tmp_path / "hooks"

        def run_full() -> subprocess.CompletedProcess[str]:
            cmd = crawl_command("urls", out, {"urls": site.start[0], "depth": "1"},
                                {"WARC_MAX_SIZE": "100000000"}, hooked=True)
            proc = subprocess.run(cmd, cwd=ROOT, env=crawl_env(web, hook_env(hooks)),
                                  capture_output=True, text=True, timeout=180)
            # room again for the next run
            subprocess.run(["mount", "-o", "remount,size=64m", str(mnt)], check=True)
            return proc

        _disk_full_then_resume(web, site, out, run_full, f"tmpfs:{size}", hooks)
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)
