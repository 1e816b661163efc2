"""Other tools' archives in every command: the table of expected outcomes, checked file by file.

More: docs/modules.md, ``tests/test_foreign_outcomes.py``.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import io
import json
import logging
import os
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "tests" / "warcs" / "foreign_outcomes.json"
SHARED = ROOT.parent / "shared" / "real" / "warcs"
LOCAL = ROOT / "tests" / "warcs" / "foreign"
#: files of those folders that are not archives: the table says what becomes of them too
COMMAND_TIMEOUT = 300


def _key(path: Path) -> str:
    return os.path.relpath(path, ROOT)


def _files() -> list[Path]:
    found = []
    for folder in (SHARED, LOCAL):
        if folder.is_dir():
            found += [p for p in sorted(folder.rglob("*")) if p.is_file()
                      and p.suffix != ".py" and not p.name.startswith(".")
                      and "licenses" not in p.parts]
    return found


@cache
def table() -> dict[str, dict[str, Any]]:
    return json.loads(TABLE.read_text("utf-8"))


def _expected(path: Path) -> dict[str, Any] | None:
    return table().get(_key(path))


# -- running a command ------------------------------------------------------------------------


def _main(args: list[str]) -> tuple[int, str, str]:
    """``python -m archive ARGS`` through the command line's own ``main``, in a thread with a
    timeout: (exit status, stdout, stderr)."""
    from archive.cli import main

    out, err = io.StringIO(), io.StringIO()

    def call() -> int:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            return main(args)

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        future = pool.submit(call)
        try:
            status = future.result(timeout=COMMAND_TIMEOUT)
        except concurrent.futures.TimeoutError:
            pytest.fail(f"{' '.join(args)}: no answer in {COMMAND_TIMEOUT} s (a hang)")
    return status, out.getvalue(), err.getvalue()


def _cdxj_indexer(path: Path, tmp: Path) -> list[str] | None:
    """cdxj-indexer's default-set index of ``path``, normalised as in
    tests/test_indexer_interop.py; None when it cannot read the file."""
    pytest.importorskip("cdxj_indexer", reason="cdxj-indexer (the wacz test extra) is missing")
    from cdxj_indexer.main import main as cdxj_main

    from archive.warc.inputs import expand

    # cdxj-indexer reads no WACZ: it indexes the WARCs inside, as the package's index would
    found = expand([path])
    if any(item.problem for item in found):
        return None
    out = tmp / "cdxj-indexer.cdxj"
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            # its default record set, which is ours (response, revisit, resource, metadata)
            cdxj_main(["--sort", "-o", str(out), *(str(item.path) for item in found)])
    except BaseException:  # noqa: BLE001 - it raises anything, or exits, on what it cannot read
        return None
    lines = []
    for line in out.read_text("utf-8").splitlines():
        if not line.strip() or '"mime": "application/warc-fields"' in line:
            continue
        key, ts, fields = line.split(" ", 2)
        data = json.loads(fields)
        if data.get("digest", "").startswith("sha1:"):
            data["digest"] = data["digest"][len("sha1:"):]
        lines.append(f"{key} {ts} {json.dumps(data)}")
    return lines


def observe(path: Path, tmp: Path, *, replay: bool = True) -> dict[str, Any]:
    """What check, index, stats and replay do with ``path`` (see the module docstring)."""
    seen: dict[str, Any] = {}
    status, out, _err = _main(["check", "--json", str(path)])
    problems = [json.loads(line) for line in out.splitlines() if line.strip()]
    seen["check"] = {
        "exit": status,
        "errors": sum(p["severity"] == "error" for p in problems),
        "warnings": sum(p["severity"] == "warning" for p in problems),
        "_messages": [p["message"] for p in problems],
    }
    status, out, _err = _main(["index", str(path)])
    seen["index"] = {"exit": status, "lines": len(out.splitlines()), "_lines": out.splitlines()}
    status, out, _err = _main(["stats", "--json", str(path)])
    seen["stats"] = {"exit": status,
                     "records": json.loads(out)["total"]["records"] if out.strip() else 0}
    if replay:
        status, out, _err = _main(["replay", str(path), "--out", str(tmp / "replay"),
                                   "--jobs", "1", "--json", "--no-progress"])
        summary = json.loads(out) if out.strip() else {}
        seen["replay"] = {"exit": status, "rows": summary.get("articles", 0),
                          "errors": summary.get("errors", 0)}
    return seen


# -- the spider, once per file, in one subprocess ---------------------------------------------


def _start_urls(path: Path) -> list[str]:
    """Every http(s) URL the file captured (responses and revisits), as warcio reads it."""
    from archive.warc.inputs import expand
    from archive.warc.records import WarcRecords

    urls: list[str] = []
    try:
        found = expand([path])
    except OSError:
        return urls
    for item in found:
        if item.problem:
            continue
        for _offset, _length, record in WarcRecords(item.path):
            if record.rec_type in ("response", "revisit"):
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                if url.startswith(("http:", "https:")) and url not in urls:
                    urls.append(url)
    return urls


def _slow(path: Path) -> bool:
    return bool((_expected(path) or {}).get("slow"))


@pytest.fixture(scope="module")
def crawls(request, tmp_path_factory) -> dict[str, Any]:
    """The outcome of a WARC_REPLAY crawl of every file (tests/foreign_crawls.py)."""
    slow = request.config.getoption("--run-slow")
    tmp = tmp_path_factory.mktemp("foreign-crawls")
    jobs = []
    logging.getLogger("archive.warc.records").disabled = True  # files read for their URLs only
    try:
        for i, path in enumerate(_files()):
            if _slow(path) and not slow:
                continue
            urls = _start_urls(path) or ["http://example.com/"]  # nothing to ask: any URL
            start = tmp / f"urls-{i}.txt"
            start.write_text("".join(f"{u}\n" for u in urls), encoding="utf-8")
            jobs.append({"warc": str(path), "urls": str(start), "out": str(tmp / f"out-{i}")})
    finally:
        logging.getLogger("archive.warc.records").disabled = False
    spec = tmp / "jobs.json"
    spec.write_text(json.dumps(jobs), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    proc = subprocess.run([sys.executable, "-m", "tests.foreign_crawls", str(spec)], cwd=ROOT,
                          env=env, capture_output=True, text=True,
                          timeout=COMMAND_TIMEOUT * 2 + 30 * len(jobs))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.splitlines()[-1])


# -- the tests --------------------------------------------------------------------------------


def test_every_entry_names_a_file_and_says_what_it_is():
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not there (the shared real files)")
    keys = {_key(p) for p in _files()}
    assert sorted(set(table()) - keys) == []  # no entry for a file that is gone
    assert all(entry.get("what") for entry in table().values())


FILES = _files()


@pytest.mark.parametrize("path", FILES, ids=[_key(p) for p in FILES])
def test_commands(path: Path, tmp_path: Path, request, caplog):
    want = _expected(path)
    replay = not _slow(path) or request.config.getoption("--run-slow")
    with caplog.at_level(logging.WARNING):
        seen = observe(path, tmp_path, replay=replay)
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert tracebacks == [], [r.getMessage() for r in tracebacks]
    for command in ("check", "index", "stats", "replay"):
        if command in seen:
            assert seen[command]["exit"] in (0, 1, 2), (command, seen[command])
    if want is None:
        return  # not in the table: the general rules only
    got_check = {k: v for k, v in seen["check"].items() if not k.startswith("_")}
    assert got_check == {k: want["check"][k] for k in ("exit", "errors", "warnings")}, \
        seen["check"]["_messages"]
    for words in want["check"].get("messages", []):
        assert any(words in m for m in seen["check"]["_messages"]), \
            (words, seen["check"]["_messages"])
    assert {k: seen["index"][k] for k in ("exit", "lines")} == \
        {k: want["index"][k] for k in ("exit", "lines")}
    theirs = _cdxj_indexer(path, tmp_path)
    relation = want["index"]["cdxj_indexer"]
    if relation == "fails":
        assert theirs is None
    elif relation == "same":
        assert theirs is not None and seen["index"]["_lines"] == theirs
    else:  # a documented difference: cdxj-indexer also indexes what we leave out
        assert theirs is not None and set(seen["index"]["_lines"]) < set(theirs), relation
    assert seen["stats"] == want["stats"]
    if "replay" in seen:
        assert seen["replay"] == want["replay"]


@pytest.mark.parametrize("path", FILES, ids=[_key(p) for p in FILES])
def test_warc_replay(path: Path, crawls: dict[str, Any]):
    if str(path) not in crawls:
        pytest.skip("slow: run with `make test-full` (pytest --run-slow)")
    got = crawls[str(path)]
    assert got["tracebacks"] == 0 and got.get("network_requests", 0) == 0, got
    want = (_expected(path) or {}).get("warc_replay")
    if want is None:
        return
    if "refused" in want:
        assert want["refused"] in got.get("refused", ""), got
        return
    assert got.get("finish") == "finished", got
    assert {k: got[k] for k in ("items", "rows")} == want, got
    assert got["errors"] == [], got["errors"]


if __name__ == "__main__":  # draft entries for files the table lacks (review them by hand!)
    with tempfile.TemporaryDirectory() as tmp:
        for path in _files():
            if _expected(path) is None:
                seen = observe(path, Path(tmp) / path.name)
                print(_key(path), json.dumps({k: {kk: vv for kk, vv in v.items()
                                                  if not kk.startswith("_")}
                                              for k, v in seen.items()}))
