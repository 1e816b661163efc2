"""Every setting is declared once: each name the code reads or sets is in
``crawler/settingspec.py`` or is one of Scrapy's own (``scrapy.settings.default_settings``).

The project's code (``crawler/``, ``pipelines/``, ``archive/``, ``sites/``) is parsed and every
``<...>settings.get*("NAME")``, ``.set*("NAME", ...)``, ``<...>settings["NAME"]`` and every key
of a ``custom_settings`` dict is collected.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from scrapy.settings import default_settings

from crawler.settingspec import BY_NAME, PROJECT, check_settings
from tests.conftest import ROOT

PACKAGES = ("crawler", "pipelines", "archive", "sites")
SCRAPY_NAMES = {name for name in dir(default_settings) if name.isupper()}
#: Settings methods whose first argument is a setting's name
METHODS = {"get", "getbool", "getint", "getfloat", "getlist", "getdict", "getdictorlist",
           "getwithbase", "getpriority", "set", "setdefault", "add_to_list",
           "remove_from_list", "setdefault_in_component_priority_dict",
           "replace_in_component_priority_dict"}


def _is_settings(node: ast.expr) -> bool:
    """Does ``node`` name a settings object (``settings``, ``crawler.settings``, ...)?"""
    if isinstance(node, ast.Name):
        return node.id.lower().endswith("settings")
    if isinstance(node, ast.Attribute):
        return node.attr.lower().endswith("settings")
    return False


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isupper():
        return node.value
    return None


def settings_used(source: str) -> set[str]:
    """The setting names ``source`` reads or sets (see the module docstring)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        found: list[str | None] = []
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in METHODS and _is_settings(node.func.value) and node.args):
            found.append(_name(node.args[0]))
        elif isinstance(node, ast.Subscript) and _is_settings(node.value):
            found.append(_name(node.slice))
        elif isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Dict):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "custom_settings" for t in targets):
                found.extend(_name(k) for k in node.value.keys if k is not None)
        names.update(n for n in found if n)
    return names


def project_sources() -> dict[Path, str]:
    return {path: path.read_text("utf-8") for package in PACKAGES
            for path in sorted((ROOT / package).rglob("*.py"))}


def test_the_scan_finds_reads_of_every_form():
    source = (
        "x = crawler.settings.getfloat('EXTRACTION_KILL_GRACE', 5)\n"
        "y = settings['RETRY_AFTER_MAX']\n"
        "z = self.settings.get('NOT_A_SETTING_X')\n"
        "spider_settings.set('ADDRESS_GUARD_DNS_TIMEOUT', 1)\n"
        "class S:\n    custom_settings = {'REACTORLAG_INTERVAL': 1}\n"
        "w = other.get('IGNORED_NOT_SETTINGS')\n"
    )
    assert settings_used(source) == {"EXTRACTION_KILL_GRACE", "RETRY_AFTER_MAX",
                                     "NOT_A_SETTING_X", "ADDRESS_GUARD_DNS_TIMEOUT",
                                     "REACTORLAG_INTERVAL"}


def test_every_setting_the_code_reads_is_declared():
    used: dict[str, list[str]] = {}
    for path, source in project_sources().items():
        for name in settings_used(source):
            used.setdefault(name, []).append(str(path.relative_to(ROOT)))
    # the scan sees the reads issue 17 found undeclared, and the project's own settings
    for name in ("EXTRACTION_KILL_GRACE", "RETRY_AFTER_DEFAULT", "RETRY_AFTER_MAX",
                 "ADDRESS_GUARD_DNS_TIMEOUT", "ADDRESS_GUARD_CACHE_SECONDS",
                 "REACTORLAG_INTERVAL", "OUTPUT_DIR", "CRAWLSTATE_BACKEND"):
        assert name in used, name
    undeclared = {name: files for name, files in used.items()
                  if name not in BY_NAME and name not in SCRAPY_NAMES}
    assert undeclared == {}, f"read by the code, declared nowhere: {undeclared}"
    unread = [s.name for s in PROJECT if s.name not in used]
    assert unread == [], f"declared, read nowhere: {unread}"


def test_no_project_setting_shadows_a_scrapy_default():
    assert [s.name for s in PROJECT if s.name in SCRAPY_NAMES] == []


@pytest.mark.parametrize(("value", "message"), [
    ("archive.store.nothing.Here", "CRAWLSTATE_BACKEND: cannot load archive.store.nothing.Here"),
    ("archive.store.statebackend.UrlState",
     "CRAWLSTATE_BACKEND: archive.store.statebackend.UrlState lacks close, start_run"),
    ("crawler.frontier.link.FrontierCrawlState", "needs REDIS_URL"),
    ("archive.store.redisstate.RedisCrawlState", "needs REDIS_URL"),
])
def test_a_bad_crawl_state_backend_is_refused(value, message):
    [problem] = check_settings({"CRAWLSTATE_BACKEND": value})
    assert message in problem, problem


def test_the_crawl_state_backends_pass_the_check():
    assert check_settings({"CRAWLSTATE_BACKEND": "archive.store.state.CrawlState"}) == []
    assert check_settings({"CRAWLSTATE_BACKEND": "crawler.frontier.link.FrontierCrawlState",
                           "REDIS_URL": "redis://127.0.0.1:1/0"}) == []
    # the bare Redis state cannot build itself from a crawler: even with REDIS_URL
    [problem] = check_settings({"CRAWLSTATE_BACKEND": "archive.store.redisstate.RedisCrawlState",
                                "REDIS_URL": "redis://127.0.0.1:1/0"})
    assert "FrontierCrawlState" in problem
