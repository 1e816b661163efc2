"""Checks before a crawl fetches anything: the spider, its arguments, the settings, the output.

``scrapy crawl`` (:mod:`crawler.commands.crawl`) and ``python -m archive run`` both call
:func:`check_crawl` and refuse to start, with one line per problem and exit status 2, when it
finds any: an unknown spider (the known ones are named), an unknown or ill-typed spider
argument, a setting with a bad value or out of range (:mod:`crawler.settingspec`), a misspelt
setting name, an output root that cannot be created or written.
"""

from __future__ import annotations

import inspect
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from crawler.middlewares.warcreplay import preflight as warc_replay_problems
from crawler.settingspec import check_settings


def spider_names(settings: Any) -> list[str]:
    """The project's spiders."""
    from scrapy.spiderloader import get_spider_loader

    return sorted(get_spider_loader(settings).list())


def load_spider(settings: Any, name: str) -> type:
    """The spider class called ``name``, or ValueError naming the known ones."""
    from scrapy.spiderloader import get_spider_loader

    loader = get_spider_loader(settings)
    try:
        return loader.load(name)
    except KeyError:
        known = ", ".join(sorted(loader.list()))
        raise ValueError(f"unknown spider {name!r} (known: {known})") from None


def known_arguments(spidercls: type) -> set[str]:
    """The ``-a`` names a spider accepts: keyword parameters of the ``__init__`` of the class
    and its project bases, and their ``extra_arguments``."""
    import scrapy

    names: set[str] = set()
    for cls in spidercls.__mro__:
        if cls is scrapy.Spider or not issubclass(cls, scrapy.Spider):
            continue
        init = cls.__dict__.get("__init__")
        if init is not None:
            for param in inspect.signature(init).parameters.values():
                if param.kind in (param.KEYWORD_ONLY, param.POSITIONAL_OR_KEYWORD) \
                        and param.name != "self":
                    names.add(param.name)
        names.update(cls.__dict__.get("extra_arguments", ()))
    return names


def check_spider_arguments(spidercls: type, arguments: dict[str, Any]) -> list[str]:
    """Problems with ``arguments`` for ``spidercls``: unknown names, then the values (the
    spider is built once with them, as the crawl would build it; names starting with ``_``,
    such as scrapyd's ``_job``, are Scrapy's own and pass)."""
    known = known_arguments(spidercls)
    unknown = sorted(n for n in arguments if n not in known and not n.startswith("_"))
    name = getattr(spidercls, "name", spidercls.__name__)
    if unknown:
        return [f"spider {name}: unknown argument{'s' if len(unknown) > 1 else ''} "
                f"{', '.join(unknown)} (it accepts: {', '.join(sorted(known))})"]
    try:
        spidercls(**arguments)
    except (ValueError, OSError, TypeError) as exc:
        return [f"spider {name}: {exc}"]
    return []


def check_output_root(root: str | os.PathLike[str], create: bool = True) -> list[str]:
    """Problems with the output root: it must be (or become) a writable directory, and so
    must the sub-folders a crawl writes that already exist. ``create=False`` (a dry run)
    creates nothing: a missing root must have a writable folder above it."""
    path = Path(root).expanduser()
    if path.exists() and not path.is_dir():
        return [f"output root {path}: not a directory"]
    if not create and not path.exists():
        parent = path.parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
            return [f"output root {path}: cannot be created under {parent}"]
        return []
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return [f"output root {path}: cannot create it: {exc.strerror or exc}"]
    problems = []
    for folder in (path, *(path / sub for sub in ("warc", "text", "logs", "runs"))):
        if folder.exists() and not _writable(folder):
            problems.append(f"output folder {folder} is not writable")
    return problems


def _writable(folder: Path) -> bool:
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-"):
            pass
    except OSError:
        return False
    return True


def given_setting_names(pairs: list[str]) -> list[str]:
    """The names of ``NAME=VALUE`` pairs."""
    return [p.split("=", 1)[0].strip() for p in pairs if "=" in p]


def check_crawl(settings: Any, spider: str, arguments: dict[str, Any],
                given: list[str] | None = None, create: bool = True) -> list[str]:
    """Every problem that would make a crawl of ``spider`` fail or lose its outputs
    (``given``: the setting names the user set; ``create``: see :func:`check_output_root`)."""
    problems = list(check_settings(settings, given or []))
    try:
        spidercls = load_spider(settings, spider)
    except ValueError as exc:
        problems.append(str(exc))
    else:
        problems.extend(check_spider_arguments(spidercls, arguments))
    problems.extend(check_output_root(settings.get("OUTPUT_DIR") or "data", create))
    if not any(p.startswith("WARC_REPLAY") for p in problems):

        problems.extend(warc_replay_problems(settings))  # an archive with nothing to serve
    return problems


def one_line(text: str) -> str:
    """``text`` on one line (a message from a library may hold newlines)."""
    return re.sub(r"\s*\n\s*", " ", str(text)).strip()
