"""The README keeps its word: its scheduled-run lines work as written, its settings table is
the settings the code declares.

The cron and systemd lines are taken from README.md itself and run through ``sh -c`` against
the fixture web, with only the deployment paths put in a temporary folder (``/opt/newsarchive``
is this checkout, ``/srv/newsarchive`` a temporary output root). The run file they name is
the README's own block, which must also be ``newsarchive.toml`` at the repository root.
"""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from crawler.settingspec import PROJECT
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def fenced(kind: str) -> list[str]:
    """The README's ```kind blocks."""
    return re.findall(rf"```{kind}\n(.*?)```", README, re.S)


def scheduled_lines() -> tuple[str, str, str]:
    """(run file, crontab command, systemd ExecStart command) as the README shows them."""
    [toml] = [b for b in fenced("toml") if b.startswith("# newsarchive.toml")]
    [cron] = [line for b in fenced("cron") for line in b.splitlines() if line.strip()]
    command = re.split(r"\s+", cron.strip(), maxsplit=5)[5]  # after the five time fields
    [unit] = [b for b in fenced("ini") if "ExecStart=" in b]
    workdir = re.search(r"^WorkingDirectory=(.+)$", unit, re.M).group(1)
    execstart = re.search(r"^ExecStart=(.+)$", unit, re.M).group(1)
    return toml, command, f"cd {workdir} && {execstart}"


def test_the_run_file_in_the_readme_is_the_one_in_the_repository():
    toml, _, _ = scheduled_lines()
    assert (ROOT / "newsarchive.toml").read_text("utf-8") == toml


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "python").exists(),
                    reason="the README's lines use .venv/bin/python (make demo / make test)")
def test_scheduled_run_lines_work_as_written(web, tmp_path):
    toml, cron, systemd = scheduled_lines()
    deploy = tmp_path / "opt"
    out = tmp_path / "srv"

    def local(text: str) -> str:
        return text.replace("/opt/newsarchive", str(deploy)).replace(
            "/srv/newsarchive", str(out))

    # the deployment: this checkout's entries (symlinked) with the README's run file, its
    # output root pointed at the temporary folder
    deploy.mkdir()
    for entry in ROOT.iterdir():
        if entry.name != "newsarchive.toml":
            (deploy / entry.name).symlink_to(entry)
    (deploy / "newsarchive.toml").write_text(local(toml), "utf-8")
    env = {**os.environ, **web.env()}
    env.pop("SCRAPY_SETTINGS_MODULE", None)

    def run(command: str) -> subprocess.CompletedProcess:
        return subprocess.run(["sh", "-c", local(command)], env=env, capture_output=True,
                              text=True, timeout=600)

    first = run(cron)
    # cron mails whatever a run prints: a run that went well prints nothing
    assert first.returncode == 0 and first.stdout == "", first.stdout + first.stderr
    summary = json.loads((out / "runs" / "last-run.json").read_text())
    assert summary["status"] == "ok", summary
    assert [s["spider"] for s in summary["spiders"]] == [
        "asyura", "rt", "ruvr", "newsweekjapan"]
    for spider in summary["spiders"]:
        assert spider["articles"]["new"] > 0, spider["spider"]
    second = run(systemd)
    assert second.returncode == 0, second.stdout + second.stderr
    summary = json.loads((out / "runs" / "last-run.json").read_text())
    assert summary["status"] == "ok"
    for spider in summary["spiders"]:
        counts = spider["articles"]
        assert counts["new"] == counts["changed"] == counts["failed"] == 0, spider
        assert counts["unchanged"] > 0, spider


def table_rows(text: str) -> dict[str, str]:
    """``{setting: default}`` from markdown table rows ``| `NAME` | default | ... |``
    (rows naming two settings, ``A`` / ``B``, give two entries)."""
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        names = re.findall(r"`([A-Z][A-Z0-9_]+)`", cells[0])
        defaults = re.findall(r"`([^`]*)`", cells[1]) or [
            d.strip() for d in cells[1].split(" / ")]
        for i, name in enumerate(names):
            rows[name] = defaults[i] if i < len(defaults) else defaults[-1]
    return rows


def _same(documented: str, default: object) -> bool:
    if default is None:
        return documented.lower() in ("none", "") or not documented[:1].isdigit()
    if isinstance(default, bool):
        return documented == str(default)
    if isinstance(default, int | float):
        try:
            return float(documented.replace("_", "").split()[0]) == float(default)
        except ValueError:
            return False
    return documented.split()[0] == str(default)


@pytest.mark.parametrize("spec", PROJECT, ids=lambda s: s.name)
def test_every_setting_is_documented_with_its_default(spec):
    docs = README + "".join(p.read_text("utf-8") for p in (ROOT / "docs").glob("*.md"))
    rows = table_rows(docs)
    assert spec.name in rows, f"{spec.name} is in no settings table of README.md or docs/"
    assert _same(rows[spec.name], spec.default), (spec.name, rows[spec.name], spec.default)
