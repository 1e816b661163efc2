"""Run one command and measure its whole process tree: wall time, CPU time, peak memory.

``python -m bench.measure --json OUT -- CMD ARGS...`` runs ``CMD`` as a child of this small
wrapper, which makes itself a *child subreaper* (``prctl(PR_SET_CHILD_SUBREAPER)``): processes
that the command leaves behind (a forkserver, pool workers, a resource tracker) are re-parented
to the wrapper instead of to init, so the wrapper reaps every one of them, and its
``getrusage(RUSAGE_CHILDREN)`` then holds the CPU time of the **whole tree** and the largest
single process's peak RSS (``ru_maxrss``). While the command runs, a thread samples the tree's
summed RSS every ``--interval`` seconds by walking ``/proc/<pid>/task/<tid>/children`` (cheap:
only the tree is read, never all of ``/proc``).

More: docs/modules.md, ``bench/measure.py``.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PR_SET_CHILD_SUBREAPER = 36
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Measured:
    """What one measured command cost."""

    returncode: int
    wall: float  #: seconds, start to exit of the command
    cpu: float  #: user + system seconds of every process of the tree
    maxrss_mb: float  #: peak RSS of the largest single process (ru_maxrss)
    tree_rss_mb: float  #: peak of the summed RSS of the tree (sampled)
    main_cpu: float = 0.0  #: CPU seconds of the command's own process (sampled)
    stdout: str = ""
    stderr: str = ""

    @classmethod
    def from_json(cls, data: Mapping[str, Any], stdout: str = "", stderr: str = "") -> Measured:
        """Build from the wrapper's JSON."""
        return cls(int(data["returncode"]), float(data["wall"]), float(data["cpu"]),
                   float(data["maxrss_mb"]), float(data["tree_rss_mb"]),
                   float(data.get("main_cpu", 0.0)), stdout, stderr)


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out.extend(int(x) for x in fh.read().split())
        except OSError:
            continue
    return out


def tree_pids(root: int) -> list[int]:
    """``root`` and all its descendants (by the kernel's children lists)."""
    seen, todo = [], [root]
    while todo:
        pid = todo.pop()
        seen.append(pid)
        todo.extend(_children(pid))
    return seen


def tree_rss(root: int) -> int:
    """Summed resident set size (bytes) of ``root``'s descendants (``root`` excluded)."""
    total = 0
    for pid in tree_pids(root)[1:]:
        try:
            with open(f"/proc/{pid}/statm") as fh:
                total += int(fh.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


def process_cpu(pid: int) -> float | None:
    """User + system CPU seconds of one process (its threads included, children not)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wrapper(argv: Sequence[str], out: str, interval: float) -> int:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    me = os.getpid()
    peak = 0
    samples = 0
    main_cpu = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, samples, main_cpu
        while not done.wait(interval):
            peak = max(peak, tree_rss(me))
            samples += 1
            cpu = process_cpu(proc.pid)
            if cpu is not None:
                main_cpu = max(main_cpu, cpu)

    started = time.monotonic()
    proc = subprocess.Popen(list(argv))
    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    returncode = proc.wait()
    wall = time.monotonic() - started
    # reap what the command left behind (re-parented to us), for at most 30 s
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            peak = max(peak, tree_rss(me))
            time.sleep(0.05)
    done.set()
    thread.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {
        "returncode": returncode,
        "wall": wall,
        "user": usage.ru_utime,
        "sys": usage.ru_stime,
        "cpu": usage.ru_utime + usage.ru_stime,
        "maxrss_mb": usage.ru_maxrss / 1024,
        "tree_rss_mb": max(peak, usage.ru_maxrss * 1024) / 2**20,
        "samples": samples,
        "main_cpu": main_cpu,
    }
    Path(out).write_text(json.dumps(result), encoding="utf-8")
    return returncode


def run_measured(
    cmd: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    interval: float = 0.1,
    timeout: float | None = None,
    capture: bool = True,
) -> Measured:
    """Run ``cmd`` under the measuring wrapper; return what it cost (and its output)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = fh.name
    try:
        wrapper = [sys.executable, "-m", "bench.measure", "--json", out,
                   "--interval", str(interval), "--", *cmd]
        wrapper_env = dict(env if env is not None else os.environ)
        root = str(Path(__file__).resolve().parents[1])
        wrapper_env["PYTHONPATH"] = root + (
            os.pathsep + wrapper_env["PYTHONPATH"] if wrapper_env.get("PYTHONPATH") else "")
        proc = subprocess.run(wrapper, env=wrapper_env, cwd=cwd, timeout=timeout,
                              capture_output=capture, text=True, errors="replace")
        data = json.loads(Path(out).read_text(encoding="utf-8"))
        return Measured.from_json(data, proc.stdout or "", proc.stderr or "")
    finally:
        os.unlink(out)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line of the wrapper (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m bench.measure")
    parser.add_argument("--json", required=True, help="where to write the measurements")
    parser.add_argument("--interval", type=float, default=0.1, help="RSS sampling period (s)")
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        parser.error("no command given")
    return _wrapper(cmd, args.json, args.interval)


if __name__ == "__main__":
    sys.exit(main())
