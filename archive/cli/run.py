"""``python -m archive run``: one command for a crontab line or a systemd timer.

Runs spiders one after another, each as its own ``scrapy crawl`` process, into one output
root, then writes a run summary and exits with a status a monitor can trust. What to run comes
from a run file (``--config newsarchive.toml``, :mod:`archive.cli.runfile`) and/or the command line.

Before anything is fetched, every spider, argument, setting and the output root are checked
(:func:`crawler.preflight.check_crawl`): a mistake is one line per problem and exit status 2,
and no spider starts. ``--dry-run`` does the same checks and says what would run.

More: docs/modules.md, ``archive/cli/run.py``.
"""

from __future__ import annotations

import argparse
import json
import logging
import logging.handlers
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from archive.cli.runfile import RunFileError, RunPlan, load_run_file
from archive.store.lock import LockedError, OutputLock

EX_USAGE = 2
EX_TEMPFAIL = 75
#: failed URLs printed per spider (all of them are in the JSON summary)
SHOWN_FAILURES = 3
logger = logging.getLogger("archive.run")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE",
                        help="run file (TOML): spiders, their arguments and settings, output")
    parser.add_argument("--spiders", help="comma-separated spider names, run in this order")
    parser.add_argument("--out", default=None,
                        help="output root (default: the run file's, else OUTPUT_DIR, ./data)")
    parser.add_argument("-s", "--set", dest="settings", action="append", default=[],
                        metavar="NAME=VALUE", help="Scrapy setting for every crawl")
    parser.add_argument("-a", "--arg", dest="spider_args", action="append", default=[],
                        metavar="[SPIDER:]NAME=VALUE",
                        help="spider argument, for every spider or for SPIDER only")
    parser.add_argument("--wait", type=float, default=None,
                        help="seconds to wait for a running run to finish (default: 0)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds after which a crawl is stopped (SIGTERM, then SIGKILL)")
    parser.add_argument("--dry-run", action="store_true",
                        help="check everything and say what would be done; fetch nothing")


def _pair(item: str, what: str) -> tuple[str, str]:
    name, sep, value = item.partition("=")
    if not sep or not name.strip():
        raise RunFileError(f"{what} {item!r}: give NAME=VALUE")
    return name.strip(), value


def build_plan(args: argparse.Namespace) -> RunPlan:
    """The run file (if any) with the command line's options over it."""
    plan = load_run_file(args.config) if args.config else RunPlan()
    if args.spiders:
        plan.spiders = [s.strip() for s in args.spiders.split(",") if s.strip()]
    for item in args.settings:
        name, value = _pair(item, "-s")
        plan.settings[name] = value
    for item in args.spider_args:
        name, value = _pair(item, "-a")
        spider, colon, arg = name.partition(":")
        targets = [spider] if colon else plan.spiders
        for target in targets:
            plan.arguments.setdefault(target, {})[arg if colon else name] = value
    if args.out:
        plan.output = Path(args.out)
    elif plan.output is None and "OUTPUT_DIR" in plan.settings:
        plan.output = Path(plan.settings["OUTPUT_DIR"])
    plan.output = (plan.output or Path("data")).expanduser().resolve()
    if args.wait is not None:
        plan.wait = args.wait
    if args.timeout is not None:
        plan.timeout = args.timeout
    if not plan.spiders:
        raise RunFileError("no spider to run: give --spiders a,b or a run file (--config)")
    unknown = sorted(set(plan.arguments) - set(plan.spiders))
    if unknown:
        raise RunFileError(f"arguments for {', '.join(unknown)}, which this run does not run")
    return plan


def check_plan(plan: RunPlan, create: bool = True) -> list[str]:
    """Every problem of the plan, each once (nothing is fetched)."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    from crawler.preflight import check_crawl

    assert plan.output is not None
    base = get_project_settings()
    problems: dict[str, None] = {}
    for spider in plan.spiders:
        settings = base.copy()
        overrides = plan.settings_for(spider)
        settings.setdict({**overrides, "OUTPUT_DIR": str(plan.output)}, priority="cmdline")
        for problem in check_crawl(settings, spider, plan.arguments.get(spider, {}),
                                   list(overrides), create=create):
            problems[problem] = None
    return list(problems)


def crawl_command(spider: str, plan: RunPlan) -> list[str]:
    """The ``scrapy crawl`` command line of one spider of the plan."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider, "-s", f"OUTPUT_DIR={plan.output}"]
    for name, value in plan.arguments.get(spider, {}).items():
        cmd += ["-a", f"{name}={value}"]
    for name, value in plan.settings_for(spider).items():
        if name != "OUTPUT_DIR":
            cmd += ["-s", f"{name}={value}"]
    return cmd


class _Interrupts:
    """SIGINT/SIGTERM: remember the first, pass it on to the running crawl (started in a
    session of its own, so a terminal's Ctrl-C reaches it once, through us)."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.child: subprocess.Popen[str] | None = None
        self._old: dict[int, Any] = {}

    def __enter__(self) -> _Interrupts:
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._old[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._old.items():
            signal.signal(signum, handler)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        first = self.signum is None
        self.signum = self.signum or signum
        logger.warning("received %s: stopping the run", signal.Signals(signum).name)
        child = self.child
        if child is not None and child.poll() is None:
            # the first signal asks Scrapy for a clean stop; a second one forces it
            child.send_signal(signum if first else signal.SIGKILL)


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
    try:
        return json.loads(runs[-1].read_text("utf-8")) | {"_file": runs[-1].name}
    except (OSError, ValueError):
        return {}


def _seen(summary: dict[str, Any]) -> int:
    from crawler.extensions.runreport import article_counts

    report = summary.get("report") or {}
    if "articles" in report:
        return int(report["articles"].get("seen", 0))
    return article_counts(summary.get("stats") or {}, [])["seen"]


def earlier_articles(root: Path, spider: str, exclude: str | None) -> tuple[int, str | None]:
    """(articles seen by the latest earlier crawl of ``spider`` that saw any, its start)."""
    best: tuple[int, str | None] = (0, None)
    for path in sorted((root / "runs").glob(f"{spider}-*.json")):
        if path.name == exclude:
            continue
        try:
            summary = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if summary.get("spider") != spider:
            continue
        seen = _seen(summary)
        if seen:
            best = (seen, summary.get("started"))
    return best


def judge(root: Path, spider: str, returncode: int, summary: dict[str, Any],
          interrupted: bool) -> dict[str, Any]:
    """The result of one crawl: status, reason, counts, failures."""
    from crawler.extensions.runreport import article_counts, crawl_status

    report = summary.get("report") or {
        "articles": article_counts(summary.get("stats") or {}, []),
        "failed_urls": [], "start_failed": []}
    reason = summary.get("finish_reason") or f"exit status {returncode}"
    notes: list[str] = []
    if interrupted:
        status = "interrupted"
    elif not summary or returncode not in (0, 1, 3, 130):
        status = "failed"
    else:
        status = crawl_status(summary.get("finish_reason"), report)
        if status == "interrupted":  # stopped by someone else's signal: the run goes on
            status = "failed"
        if report.get("start_failed"):
            notes.append(f"{len(report['start_failed'])} start URL(s) failed")
        if status == "ok" and not report["articles"].get("seen"):
            before, when = earlier_articles(root, spider, summary.get("_file"))
            if before:
                status = "degraded"
                notes.append(f"no articles this run; the run of {when} saw {before}: "
                             f"has the site changed?")
    return {"status": status, "finish_reason": reason, "returncode": returncode,
            "articles": report["articles"], "failed_urls": report.get("failed_urls", []),
            "start_failed": report.get("start_failed", []), "notes": notes}


def _line(result: dict[str, Any]) -> str:
    counts = result.get("articles") or {}
    stats = result.get("stats", {})
    text = (f"  {result['spider']:<14} {result['status']:<11} "
            + ", ".join(f"{counts.get(k, 0)} {k}" for k in
                        ("new", "changed", "unchanged", "incomplete", "failed"))
            + f"; {stats.get('warc/responses', 0)} responses, {result['seconds']:.0f} s")
    if result["status"] in ("failed", "interrupted"):
        text += f" ({result['finish_reason']})"
    return text


def _details(result: dict[str, Any]) -> list[str]:
    lines = [f"    {note}" for note in result.get("notes", [])]
    for entry in result.get("start_failed", [])[:SHOWN_FAILURES]:
        lines.append(f"    start URL failed: {entry['url']} ({entry['reason']})")
    failed = [f for f in result.get("failed_urls", []) if f["stage"] != "fetch"] + \
        [f for f in result.get("failed_urls", []) if f["stage"] == "fetch"]
    for entry in failed[:SHOWN_FAILURES]:
        lines.append(f"    failed ({entry['stage']}): {entry['url']}: {entry['reason']}")
    if len(failed) > SHOWN_FAILURES:
        lines.append(f"    ... {len(failed) - SHOWN_FAILURES} more in runs/last-run.json")
    if result.get("error"):
        lines.append("    " + result["error"].replace("\n", "\n    "))
    return lines


def run_status(results: list[dict[str, Any]], interrupted: int | None) -> tuple[str, int]:
    """The run's status and exit code from its crawls' results."""
    from crawler.extensions.runreport import EXIT_CODES

    if interrupted:
        return "interrupted", 128 + interrupted
    statuses = {r["status"] for r in results}
    for status in ("failed", "degraded"):
        if status in statuses:
            return status, EXIT_CODES[status]
    return "ok", 0


def _dry_run(plan: RunPlan, problems: list[str]) -> int:
    assert plan.output is not None
    holder = OutputLock(plan.output, "run.lock")
    print(f"output root: {plan.output}")
    print(f"lock: {holder.path} (last holder: {holder.holder() or 'none'})")
    warc = plan.output / "warc"
    for path in sorted(warc.glob("*.open")) if warc.exists() else []:
        print(f"would repair leftover {path.name} (first crawl does it)")
    for spider in plan.spiders:
        print("would run: " + " ".join(crawl_command(spider, plan)[2:]))
    for problem in problems:
        print(f"archive run: {problem}", file=sys.stderr)
    return EX_USAGE if problems else 0


def run(args: argparse.Namespace) -> int:
    try:
        plan = build_plan(args)
    except RunFileError as exc:
        print(f"archive run: {exc}", file=sys.stderr)
        return EX_USAGE
    assert plan.output is not None
    root = plan.output
    problems = check_plan(plan, create=not args.dry_run)
    if args.dry_run:
        return _dry_run(plan, problems)
    if problems:
        for problem in problems:
            print(f"archive run: {problem}", file=sys.stderr)
        print("archive run: nothing was started", file=sys.stderr)
        return EX_USAGE
    lock = OutputLock(root, "run.lock")
    try:
        lock.acquire(wait=plan.wait)
    except LockedError as exc:
        print(f"archive run: {exc}", file=sys.stderr)
        return EX_TEMPFAIL
    try:
        with _Interrupts() as interrupts:
            return _run_locked(plan, root, interrupts)
    finally:
        lock.release()


def _run_locked(plan: RunPlan, root: Path, interrupts: _Interrupts) -> int:
    _setup_log(root)
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    started = datetime.now(UTC)
    logger.info("run started: spiders %s into %s", ",".join(plan.spiders), root)
    results = []
    for spider in plan.spiders:
        if interrupts.signum:
            break
        cmd = crawl_command(spider, plan)
        t0 = time.time()
        logger.info("crawl %s: %s", spider, " ".join(cmd[2:]))
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        interrupts.child = proc
        try:
            _, stderr = proc.communicate(timeout=plan.timeout)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                _, stderr = proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, stderr = proc.communicate()
        finally:
            interrupts.child = None
        summary = _crawl_summary(root, spider, t0)
        result = {"spider": spider, "seconds": round(time.time() - t0, 1),
                  **judge(root, spider, proc.returncode, summary, bool(interrupts.signum)),
                  "stats": summary.get("stats", {}),
                  "log": summary.get("stats", {}).get("log_file")}
        if result["status"] == "failed" and not summary:
            tail = (stderr or "").strip().splitlines()[-15:]
            result["error"] = "\n".join(tail)
        logger.log(logging.INFO if result["status"] == "ok" else logging.ERROR,
                   "crawl %s: %s", spider, _line(result).strip())
        results.append(result)
    status, code = run_status(results, interrupts.signum)
    not_run = plan.spiders[len(results):]
    summary = {
        "started": started.isoformat(),
        "finished": datetime.now(UTC).isoformat(),
        "output_root": str(root),
        "status": status,
        "exit_code": code,
        "ok": status == "ok",
        "failed": [r["spider"] for r in results if r["status"] == "failed"],
        "degraded": [r["spider"] for r in results if r["status"] == "degraded"],
        "not_run": not_run,
        "spiders": results,
    }
    _write_summary(root, started, summary)
    print(f"newsarchive run {started.strftime('%Y-%m-%d %H:%M:%SZ')} into {root}: {status} "
          f"({sum(r['status'] == 'ok' for r in results)} ok, "
          f"{len(summary['degraded'])} degraded, {len(summary['failed'])} failed"
          + (f", {len(not_run)} not run" if not_run else "") + ")")
    for result in results:
        print(_line(result))
        for line in _details(result):
            print(line)
    print(f"summary: {root / 'runs' / 'last-run.json'}; logs: {root / 'logs'}")
    logger.info("run finished: %s (exit status %d)", status, code)
    return code


def _write_summary(root: Path, started: datetime, summary: dict[str, Any]) -> None:
    runs = root / "runs"
    try:
        runs.mkdir(exist_ok=True)
        text = json.dumps(summary, indent=1, ensure_ascii=False, default=str)
        (runs / f"run-{started.strftime('%Y%m%dT%H%M%SZ')}.json").write_text(text, "utf-8")
        tmp = runs / "last-run.json.tmp"
        tmp.write_text(text, "utf-8")
        os.replace(tmp, runs / "last-run.json")
    except OSError as exc:
        print(f"archive run: cannot write the run summary under {runs}: {exc}",
              file=sys.stderr)
