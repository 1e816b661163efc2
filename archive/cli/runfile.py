"""The run file of ``python -m archive run --config newsarchive.toml``: what a scheduled run does.

A TOML file (read with the standard library's ``tomllib``)::

    output = "/srv/newsarchive"            # output root (relative: to the file's folder)
    spiders = ["asyura", "rt", "ruvr", "newsweekjapan"]   # run in this order
    wait = 600                             # seconds to wait for a run still going (default 0)
    timeout = 7200                         # seconds after which one crawl is stopped

    [settings]                             # Scrapy settings of every crawl
    LOGFILE_KEEP = 100

More: docs/modules.md, ``archive/cli/runfile.py``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TOP_KEYS = {"output", "spiders", "wait", "timeout", "settings", "spider"}


class RunFileError(ValueError):
    """A run file that cannot be used (the message names the file and the key)."""


@dataclass
class RunPlan:
    """What a run does: spiders in order, their arguments and settings, the output root."""

    spiders: list[str] = field(default_factory=list)
    output: Path | None = None
    settings: dict[str, str] = field(default_factory=dict)  #: for every crawl
    arguments: dict[str, dict[str, str]] = field(default_factory=dict)  #: per spider
    spider_settings: dict[str, dict[str, str]] = field(default_factory=dict)  #: per spider
    wait: float = 0.0
    timeout: float | None = None

    def settings_for(self, spider: str) -> dict[str, str]:
        """Settings of ``spider``'s crawl: the run's, then the spider's own."""
        return {**self.settings, **self.spider_settings.get(spider, {})}


def _text(value: Any) -> str:
    """A TOML value as a ``-s``/``-a`` string (booleans as Scrapy reads them)."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, list):
        return ",".join(_text(v) for v in value)
    return str(value)


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RunFileError(f"{where} must be a table")
    for key, item in value.items():
        if isinstance(item, dict) and key != "settings":
            raise RunFileError(f"{where}.{key}: a value, not a table")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise RunFileError(f"{where} must be a number of seconds >= 0, not {value!r}")
    return float(value)


def load_run_file(path: str | Path) -> RunPlan:
    """Read a run file; :class:`RunFileError` with a one-line reason when it cannot be used."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise RunFileError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RunFileError(f"{path}: not valid TOML: {exc}") from None
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise RunFileError(f"{path}: unknown key(s) {', '.join(unknown)} "
                           f"(known: {', '.join(sorted(TOP_KEYS))})")
    plan = RunPlan()
    spiders = data.get("spiders", [])
    if isinstance(spiders, str):
        spiders = [s.strip() for s in spiders.split(",") if s.strip()]
    if not isinstance(spiders, list) or not all(isinstance(s, str) for s in spiders):
        raise RunFileError(f"{path}: spiders must be a list of spider names")
    plan.spiders = spiders
    if "output" in data:
        if not isinstance(data["output"], str) or not data["output"]:
            raise RunFileError(f"{path}: output must be a folder path")
        output = Path(data["output"]).expanduser()
        plan.output = output if output.is_absolute() else (path.parent / output)
    if "wait" in data:
        plan.wait = _number(data["wait"], f"{path}: wait")
    if "timeout" in data:
        plan.timeout = _number(data["timeout"], f"{path}: timeout")
    plan.settings = {k: _text(v) for k, v in
                     _table(data.get("settings", {}), f"{path}: [settings]").items()}
    for name, table in _table_of_tables(data.get("spider", {}), path).items():
        own = table.pop("settings", {})
        plan.arguments[name] = {k: _text(v) for k, v in
                                _table(table, f"{path}: [spider.{name}]").items()}
        plan.spider_settings[name] = {
            k: _text(v) for k, v in _table(own, f"{path}: [spider.{name}.settings]").items()}
    return plan


def _table_of_tables(value: Any, path: Path) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise RunFileError(f"{path}: [spider.NAME] tables hold each spider's arguments")
    return {name: dict(table) for name, table in value.items()}
