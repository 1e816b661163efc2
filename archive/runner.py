"""``python -m archive run``: one command for a crontab line or a systemd timer.

Runs the given spiders one after another, each as its own ``scrapy crawl`` process, into one
output root, then writes a run summary and exits non-zero if any spider failed.

Why in sequence, one process each:

* one output root has one crawl state database and one set of WARC files; crawls into it take
  the root's ``crawl.lock`` one at a time, so spiders of one run never interleave their files;
* each spider in its own process: a crash, a memory blow-up or a hung reactor in one spider
  cannot take the others down, and Scrapy's reactor is never restarted in-process;
* the machine has two cores, which the extraction worker pool of the running crawl already uses;
  politeness limits are per site, so running sites in parallel would buy little.

A run holds ``<root>/run.lock`` for its whole duration: a second run started meanwhile waits
(``--wait SECONDS``) or exits with status 75 (EX_TEMPFAIL) and a clear message. The lock is an
``flock``, released by the kernel when the holder dies, so a lock left by a killed run is never
stale. Leftover ``.open`` WARCs of a dead crawl are repaired by the next crawl (see
:mod:`crawler.extensions.crawlstate`); ``--dry-run`` lists them.

Outputs: ``<root>/runs/run-<UTC timestamp>.json`` and ``<root>/runs/last-run.json`` (the
summary), a short table on stdout, and ``<root>/logs/run.log`` (rotated at 5 MB, 5 kept).
Each crawl's own log is ``<root>/logs/<spider>-<UTC timestamp>.log``.
"""

from __future__ import annotations

import argparse
import json
import logging
import logging.handlers
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archive.lock import LockedError, OutputLock

EX_TEMPFAIL = 75
OK_REASONS = ("finished", "max_pages", "closespider_pagecount", "closespider_itemcount",
              "closespider_timeout")
logger = logging.getLogger("archive.run")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--spiders", required=True,
                        help="comma-separated spider names, run in this order")
    parser.add_argument("--out", default=None,
                        help="output root (default: the OUTPUT_DIR setting, ./data)")
    parser.add_argument("-s", "--set", dest="settings", action="append", default=[],
                        metavar="NAME=VALUE", help="Scrapy setting for every crawl")
    parser.add_argument("-a", "--arg", dest="spider_args", action="append", default=[],
                        metavar="[SPIDER:]NAME=VALUE",
                        help="spider argument, for every spider or for SPIDER only")
    parser.add_argument("--wait", type=float, default=0.0,
                        help="seconds to wait for a running run to finish (default: 0)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds after which a crawl is stopped (SIGTERM, then SIGKILL)")
    parser.add_argument("--dry-run", action="store_true", help="say what would be done")


def _crawl_command(spider: str, root: Path, settings: list[str],
                   spider_args: list[str]) -> list[str]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider, "-s", f"OUTPUT_DIR={root}"]
    for item in spider_args:
        name, _, rest = item.partition(":")
        if "=" in name:  # no spider prefix
            cmd += ["-a", item]
        elif name == spider:
            cmd += ["-a", rest]
    for item in settings:
        cmd += ["-s", item]
    return cmd


def _output_root(args: argparse.Namespace) -> Path:
    if args.out:
        return Path(args.out).resolve()
    for item in args.settings:
        if item.startswith("OUTPUT_DIR="):
            return Path(item.split("=", 1)[1]).resolve()
    return Path("data").resolve()


def _setup_log(root: Path) -> None:
    (root / "logs").mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        root / "logs" / "run.log", maxBytes=5 * 1024 * 1024, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def _crawl_summary(root: Path, spider: str, since: float) -> dict[str, Any]:
    runs = sorted((root / "runs").glob(f"{spider}-*.json"), key=lambda p: p.stat().st_mtime)
    runs = [p for p in runs if p.stat().st_mtime >= since - 1]
    if not runs:
        return {}
    return json.loads(runs[-1].read_text("utf-8"))


def _line(result: dict[str, Any]) -> str:
    stats = result.get("stats", {})
    return (f"  {result['spider']:<15} {result['status']:<7} "
            f"{stats.get('text/articles_written', 0)} new articles, "
            f"{stats.get('warc/responses', 0)} responses, "
            f"{stats.get('warc/revisits', 0)} revisits, "
            f"{stats.get('incremental/skipped', 0)} skipped as archived, "
            f"{stats.get('log_count/ERROR', 0)} errors, {result['seconds']:.0f} s"
            + (f" ({result['finish_reason']})" if result["status"] != "ok" else ""))


def run(args: argparse.Namespace) -> int:
    root = _output_root(args)
    spiders = [s.strip() for s in args.spiders.split(",") if s.strip()]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    if args.dry_run:
        holder = OutputLock(root, "run.lock")
        print(f"output root: {root}")
        print(f"lock: {holder.path} (last holder: {holder.holder() or 'none'})")
        leftovers = sorted((root / "warc").glob("*.open")) if (root / "warc").exists() else []
        for path in leftovers:
            print(f"would repair leftover {path.name} (first crawl does it)")
        for spider in spiders:
            print("would run: " + " ".join(
                _crawl_command(spider, root, args.settings, args.spider_args)))
        return 0
    root.mkdir(parents=True, exist_ok=True)
    lock = OutputLock(root, "run.lock")
    try:
        lock.acquire(wait=args.wait)
    except LockedError as exc:
        print(f"archive run: {exc}", file=sys.stderr)
        return EX_TEMPFAIL
    _setup_log(root)
    started = datetime.now(UTC)
    logger.info("run started: spiders %s into %s", ",".join(spiders), root)
    results = []
    for spider in spiders:
        cmd = _crawl_command(spider, root, args.settings, args.spider_args)
        t0 = time.time()
        logger.info("crawl %s: %s", spider, " ".join(cmd[2:]))
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        try:
            _, stderr = proc.communicate(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                _, stderr = proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, stderr = proc.communicate()
        summary = _crawl_summary(root, spider, t0)
        reason = summary.get("finish_reason") or f"exit status {proc.returncode}"
        ok = proc.returncode == 0 and reason in OK_REASONS
        result = {
            "spider": spider,
            "status": "ok" if ok else "failed",
            "returncode": proc.returncode,
            "finish_reason": reason,
            "seconds": round(time.time() - t0, 1),
            "stats": summary.get("stats", {}),
            "log": summary.get("stats", {}).get("log_file"),
        }
        if not ok:
            tail = (stderr or "").strip().splitlines()[-15:]
            result["error"] = "\n".join(tail)
            logger.error("crawl %s failed (%s):\n%s", spider, reason, result["error"])
        else:
            logger.info("crawl %s finished: %s", spider, _line(result).strip())
        results.append(result)
    failed = [r["spider"] for r in results if r["status"] != "ok"]
    summary = {
        "started": started.isoformat(),
        "finished": datetime.now(UTC).isoformat(),
        "output_root": str(root),
        "ok": not failed,
        "failed": failed,
        "spiders": results,
    }
    runs = root / "runs"
    runs.mkdir(exist_ok=True)
    text = json.dumps(summary, indent=1, ensure_ascii=False, default=str)
    (runs / f"run-{started.strftime('%Y%m%dT%H%M%SZ')}.json").write_text(text, "utf-8")
    tmp = runs / "last-run.json.tmp"
    tmp.write_text(text, "utf-8")
    os.replace(tmp, runs / "last-run.json")
    print(f"newsarchive run {started.strftime('%Y-%m-%d %H:%M:%SZ')} into {root}: "
          f"{len(results) - len(failed)} ok, {len(failed)} failed")
    for result in results:
        print(_line(result))
        if result.get("error"):
            print("    " + result["error"].replace("\n", "\n    "))
    print(f"summary: {runs / 'last-run.json'}; logs: {root / 'logs'}")
    logger.info("run finished: %s", "ok" if not failed else "failed: " + ",".join(failed))
    lock.release()
    return 1 if failed else 0
