"""Every setting the project reads, declared once: name, default, type, range, one line of meaning.

``crawler/settings.py`` takes the project's defaults from :data:`PROJECT` (so a default is
written in one place), the README's settings table is checked against it by
``tests/test_readme.py``, ``tests/test_settingspec.py`` finds every setting the code reads
here or among Scrapy's defaults, and :func:`check_settings` refuses bad values before a crawl
fetches anything (``scrapy crawl`` and ``python -m archive run`` both call it). Scrapy's own
settings that a user commonly gives with ``-s`` are in :data:`SCRAPY` with Scrapy's types and
ranges (their defaults stay Scrapy's, or ``crawler/settings.py``'s where the project sets them).
"""

from __future__ import annotations

import difflib
import glob
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from scrapy.utils.misc import load_object

from archive.store.redisstate import RedisCrawlState
from archive.store.statebackend import missing_methods

#: what Scrapy's ``Settings.getbool`` accepts as text
_TRUE = ("1", "True", "true")
_FALSE = ("0", "False", "false")
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


@dataclass(frozen=True)
class Setting:
    """One setting: ``kind`` is bool, int, float, str, choice, workers, paths or dict."""

    name: str
    default: Any
    kind: str
    doc: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    optional: bool = False  #: None (unset) is a valid value

    def parse(self, value: Any) -> Any:
        """``value`` converted as Scrapy's ``getbool``/``getint``/``getfloat`` would, or
        ValueError with a message that names the setting and what it accepts."""
        if value is None and (self.optional or self.default is None):
            return None
        kind = self.kind
        try:
            if kind == "bool":
                return _as_bool(value)
            if kind == "int":
                number: float = _as_int(value)
            elif kind == "float":
                number = float(value)
                if number != number:  # NaN
                    raise ValueError
            elif kind == "workers":
                if str(value).strip().lower() in ("auto", ""):
                    return "auto"
                number = _as_int(value)
            elif kind == "choice":
                text = str(value)
                if text not in self.choices:
                    raise ValueError
                return text
            elif kind == "dict":
                if not isinstance(value, Mapping | str):
                    raise ValueError
                return value
            else:  # str, paths
                return str(value)
        except (TypeError, ValueError):
            raise ValueError(f"{self.name} must be {self.accepts()}, not {value!r}") from None
        if (self.minimum is not None and number < self.minimum) or (
                self.maximum is not None and number > self.maximum):
            raise ValueError(f"{self.name} must be {self.accepts()}, not {value!r}")
        return number

    def accepts(self) -> str:
        """What the setting accepts, in words."""
        if self.kind == "bool":
            return "True or False (1/0)"
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "dict":
            return "a dict"
        if self.kind in ("str", "paths"):
            return "a string"
        noun = {"int": "an integer", "float": "a number",
                "workers": "'auto' or an integer"}[self.kind]
        if self.minimum is not None and self.maximum is not None:
            return f"{noun} from {_num(self.minimum)} to {_num(self.maximum)}"
        if self.minimum is not None:
            return f"{noun} >= {_num(self.minimum)}"
        return noun


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = str(value).strip()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(value)


def _as_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        return int(value)
    return int(str(value).strip().replace("_", ""))


def _s(name: str, default: Any, kind: str, doc: str, **kw: Any) -> Setting:
    return Setting(name, default, kind, doc, **kw)


#: the project's own settings (their defaults are set from here in crawler/settings.py)
PROJECT: tuple[Setting, ...] = (
    # output root and archive
    _s("OUTPUT_DIR", "data", "str", "output root"),
    _s("WARC_ENABLED", True, "bool", "archive exchanges to WARC"),
    _s("WARC_PREFIX", None, "str", "first part of WARC file names (None: the spider's name)",
       optional=True),
    _s("WARC_MAX_SIZE", 1_000_000_000, "int", "rotate WARC files at this size (bytes)",
       minimum=1024),
    _s("WARC_VERSION", "1.1", "choice", "WARC version written", choices=("1.1", "1.0")),
    _s("WARC_GZIP", True, "bool", "one gzip member per record (.warc.gz); False: .warc"),
    _s("WARC_GZIP_LEVEL", 3, "int", "zlib-scale level of each record's gzip member",
       minimum=0, maximum=9),
    _s("WARC_GZIP_ENGINE", "isal", "choice", "what compresses the members",
       choices=("isal", "zlib")),
    _s("WARC_WRITE_THREAD", True, "bool", "compress, hash and write records in a thread"),
    _s("WARC_FSYNC", False, "bool", "fsync after every record (always flushed)"),
    _s("WARC_INDEX_ON_CLOSE", True, "bool", "write a .cdxj index beside each closed WARC"),
    _s("WARC_REPLAY", None, "paths",
       "WARC files, directories or globs to serve every response from (no network)",
       optional=True),
    _s("WARC_REPLAY_PICK", "last", "choice", "which capture of a URL WARC_REPLAY serves",
       choices=("last", "first")),
    # page requisites of articles (pipelines.crawl.requisitefetch)
    _s("REQUISITES_ENABLED", True, "bool",
       "archive the page requisites of article pages (stylesheets, scripts, images, fonts)"),
    _s("REQUISITES_MAX_PER_PAGE", 150, "int",
       "page requisites requested per page (and per stylesheet)", minimum=0),
    _s("REQUISITES_MAX_SIZE", 10 * 1024 * 1024, "int",
       "bytes a page requisite may have (0: DOWNLOAD_MAXSIZE)", minimum=0),
    # extraction and text
    _s("EXTRACTION_WORKERS", "auto", "workers", "extraction processes (auto: CPUs; 0: inline)",
       minimum=0, maximum=256),
    _s("EXTRACTION_TIMEOUT", 120, "float", "seconds per page before giving up on its text",
       minimum=0.001),
    _s("EXTRACTION_KILL_GRACE", 5, "float",
       "seconds past a page's time limit before its stuck worker is killed", minimum=0),
    _s("EXTRACTION_QUEUE", 2, "int", "pages handed to each extraction worker at once",
       minimum=1, maximum=1000),
    _s("TEXT_FSYNC", False, "bool", "fsync articles.jsonl after every row"),
    _s("CORPUS_INDEX_ENABLED", True, "bool",
       "bring OUTPUT_DIR/corpus.sqlite3 (archive search/serve) up to date at each crawl's end"),
    _s("CORPUS_INDEX_INTERVAL", 2.0, "float",
       "seconds between two syncs of the corpus index during the crawl (0: only at its end)",
       minimum=0),
    # logs
    _s("LOGFILE_ENABLED", True, "bool", "copy each crawl's log to OUTPUT_DIR/logs/"),
    _s("LOGFILE_KEEP", 50, "int", "crawl logs kept in OUTPUT_DIR/logs/ (oldest pruned; 0: all)",
       minimum=0),
    _s("LOGFILE_MAX_AGE_DAYS", 90, "float",
       "crawl logs older than this are pruned (0: no age limit)", minimum=0),
    # state and incremental runs
    _s("STATE_ENABLED", True, "bool", "keep the crawl state database"),
    _s("CRAWLSTATE_BACKEND", None, "str",
       "crawl state class (None: Redis's with REDIS_URL, else SQLite's)", optional=True),
    _s("INCREMENTAL_ENABLED", True, "bool", "skip/re-check archived articles, resume crawls"),
    _s("INCREMENTAL_RECHECK_DAYS", 7, "float",
       "days before an archived article is re-checked (0: always; negative: never)"),
    _s("LOCK_WAIT", 0, "float", "seconds a crawl waits for another crawl's crawl.lock",
       minimum=0),
    # politeness and safety
    _s("ALLOW_PRIVATE_ADDRESSES", False, "bool",
       "fetch private, loopback, link-local, multicast and reserved addresses"),
    _s("ADDRESS_GUARD_DNS_TIMEOUT", 5, "float", "seconds the address guard waits for DNS",
       minimum=0.001),
    _s("ADDRESS_GUARD_CACHE_SECONDS", 300, "float",
       "seconds the address guard keeps a host's addresses", minimum=0),
    _s("RETRY_AFTER_ENABLED", True, "bool", "pause a host for a 429/503's Retry-After"),
    _s("RETRY_AFTER_DEFAULT", 10, "float", "seconds a host is paused after a bare 429",
       minimum=0),
    _s("RETRY_AFTER_MAX", 300, "float", "longest Retry-After pause honoured (seconds)",
       minimum=0),
    _s("SELECTOR_RELEASE_ENABLED", True, "bool",
       "drop a response's parsed tree once its callback is done"),
    _s("URLS_SKIP_REQUESTED", True, "bool",
       "the urls spider does not request a link it already requested"),
    _s("SPILL_QUEUE_MEMORY", 4096, "int",
       "requests of one priority the scheduler keeps in memory before spilling the oldest "
       "to a temporary file (crawler.spillqueue)", minimum=1),
    # Wayback Machine
    _s("WAYBACK_CDX_DELAY", 1.25, "float", "seconds between Wayback CDX queries", minimum=0),
    _s("WAYBACK_CDX_CONCURRENCY", 1, "int", "Wayback CDX queries at a time", minimum=1),
    _s("WAYBACK_CAPTURE_DELAY", 0.125, "float", "seconds between Wayback captures", minimum=0),
    _s("WAYBACK_CAPTURE_CONCURRENCY", 4, "int", "Wayback captures at a time", minimum=1),
    _s("WAYBACK_RETRY_AFTER_DEFAULT", 60, "float",
       "seconds the Wayback slots pause after a bare 429", minimum=0),
    _s("WAYBACK_RETRY_AFTER_MAX", 600, "float", "longest Wayback Retry-After honoured",
       minimum=0),
    _s("WAYBACK_429_RETRIES", 3, "int", "retries of a Wayback request answered 429",
       minimum=0),
    # shared frontier
    _s("REDIS_URL", None, "str", "shared frontier and crawl state through Redis",
       optional=True),
    _s("REDIS_PREFIX", "newsarchive", "str", "prefix of the frontier's Redis keys"),
    _s("REDIS_JOB", None, "str", "frontier job name (None: the spider's name)", optional=True),
    _s("REDIS_LEASE", 60, "float", "seconds before a silent worker's requests are re-queued",
       minimum=1),
    _s("REDIS_HEARTBEAT", 5, "float", "seconds between a worker's heartbeats", minimum=0.1),
    _s("REDIS_POLL", 0.5, "float", "seconds between polls of an empty shared queue",
       minimum=0.01),
    _s("REDIS_RETRY_MAX", 10, "float", "longest back-off while Redis is unreachable",
       minimum=0.1),
    _s("REDIS_SOCKET_TIMEOUT", 5, "float", "Redis socket timeout (seconds)", minimum=0.1),
    # benchmarks
    _s("REACTORLAG_ENABLED", False, "bool", "reactor timer lateness into the stats"),
    _s("REACTORLAG_INTERVAL", 0.01, "float", "seconds between reactor-lag probes",
       minimum=0.001),
)

#: Scrapy's own settings checked before a crawl (defaults: Scrapy's or crawler/settings.py's)
SCRAPY: tuple[Setting, ...] = (
    _s("DOWNLOAD_DELAY", None, "float", "seconds between requests to one site", minimum=0),
    _s("RANDOMIZE_DOWNLOAD_DELAY", None, "bool", "vary DOWNLOAD_DELAY by 0.5-1.5x"),
    _s("CONCURRENT_REQUESTS", None, "int", "requests at a time", minimum=1),
    _s("CONCURRENT_REQUESTS_PER_DOMAIN", None, "int", "requests at a time per site", minimum=1),
    _s("CONCURRENT_ITEMS", None, "int", "items processed at a time per response", minimum=1),
    _s("DOWNLOAD_TIMEOUT", None, "float", "seconds before a download is given up",
       minimum=0.001),
    _s("DOWNLOAD_MAXSIZE", None, "int", "largest response body (bytes; 0: no limit)",
       minimum=0),
    _s("DOWNLOAD_WARNSIZE", None, "int", "response size that is logged (bytes)", minimum=0),
    _s("DOWNLOAD_FAIL_ON_DATALOSS", None, "bool", "fail a body cut short"),
    _s("AUTOTHROTTLE_ENABLED", None, "bool", "adapt the delay to the server's latency"),
    _s("AUTOTHROTTLE_START_DELAY", None, "float", "AutoThrottle's first delay", minimum=0),
    _s("AUTOTHROTTLE_MAX_DELAY", None, "float", "AutoThrottle's longest delay", minimum=0),
    _s("AUTOTHROTTLE_TARGET_CONCURRENCY", None, "float",
       "AutoThrottle's requests in flight per site", minimum=0.01),
    _s("RETRY_ENABLED", None, "bool", "retry failed downloads"),
    _s("RETRY_TIMES", None, "int", "retries of a failed download", minimum=0),
    _s("REDIRECT_ENABLED", None, "bool", "follow redirects"),
    _s("REDIRECT_MAX_TIMES", None, "int", "redirects followed per request", minimum=0),
    _s("ROBOTSTXT_OBEY", None, "bool", "obey robots.txt"),
    _s("COOKIES_ENABLED", None, "bool", "keep cookies"),
    _s("HTTPCACHE_ENABLED", None, "bool", "Scrapy's HTTP cache"),
    _s("DEPTH_LIMIT", None, "int", "link depth limit (0: none)", minimum=0),
    _s("CLOSESPIDER_TIMEOUT", None, "float", "seconds before the crawl closes (0: never)",
       minimum=0),
    _s("CLOSESPIDER_PAGECOUNT", None, "int", "responses before the crawl closes (0: never)",
       minimum=0),
    _s("CLOSESPIDER_ITEMCOUNT", None, "int", "items before the crawl closes (0: never)",
       minimum=0),
    _s("CLOSESPIDER_ERRORCOUNT", None, "int", "errors before the crawl closes (0: never)",
       minimum=0),
    _s("MEMUSAGE_LIMIT_MB", None, "int", "memory limit (0: none)", minimum=0),
    _s("LOG_ENABLED", None, "bool", "logging on"),
    _s("LOG_LEVEL", None, "choice", "lowest level logged", choices=LOG_LEVELS),
    _s("USER_AGENT", None, "str", "User-Agent header"),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in (*PROJECT, *SCRAPY)}


def project_defaults() -> dict[str, Any]:
    """``{name: default}`` of the project's settings, for ``crawler/settings.py``."""
    return {s.name: s.default for s in PROJECT}


def _level_name(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        import logging

        return logging.getLevelName(value)
    return str(value).upper() if isinstance(value, str) else value


def check_settings(settings: Any, given: Iterable[str] = ()) -> list[str]:
    """Problems with ``settings`` (a Scrapy ``Settings`` or a mapping), one message each.

    Every declared setting is parsed as the code will read it; ``given`` are the names a user
    set (``-s``, a run file): a name that is no setting of the project nor of Scrapy, but
    close to one, is reported as a typo (other unknown names are left to their extensions)."""
    problems: list[str] = []
    for spec in BY_NAME.values():
        value = settings.get(spec.name)
        if value is None:
            continue  # unset (Scrapy's default), or None where that means "off"
        if spec.name == "LOG_LEVEL":
            value = _level_name(value)
        try:
            spec.parse(value)
        except ValueError as exc:
            problems.append(str(exc))
    replay = settings.get("WARC_REPLAY")
    if replay:
        problems.extend(_check_replay_paths(str(replay)))
    problems.extend(_check_backend(settings))
    problems.extend(unknown_names(given))
    return problems


def _check_replay_paths(spec: str) -> list[str]:
    missing = [part for part in (p.strip() for p in spec.split(",")) if part
               and not glob.glob(os.path.expanduser(part))]
    return [f"WARC_REPLAY: no such file, directory or glob match: {part}" for part in missing]


def _check_backend(settings: Any) -> list[str]:
    """``CRAWLSTATE_BACKEND`` names a loadable class with every crawl-state method; the Redis
    state is built on the shared frontier's connection, which needs ``REDIS_URL``."""
    path = settings.get("CRAWLSTATE_BACKEND")
    if not path:
        return []
    try:
        backend = load_object(str(path))
    except Exception as exc:  # noqa: BLE001 - any import failure is the same message
        return [f"CRAWLSTATE_BACKEND: cannot load {path} ({type(exc).__name__}: {exc})"]
    if not isinstance(backend, type):
        return [f"CRAWLSTATE_BACKEND: {path} is not a class"]
    missing = missing_methods(backend)
    if missing:
        return [f"CRAWLSTATE_BACKEND: {path} lacks {', '.join(missing)} "
                "(archive.store.statebackend.CrawlStateBackend)"]
    if issubclass(backend, RedisCrawlState) and not (
            settings.get("REDIS_URL") and hasattr(backend, "from_crawler")):
        return [f"CRAWLSTATE_BACKEND: {path} needs REDIS_URL and is set as "
                "crawler.frontier.link.FrontierCrawlState"]
    return []


def unknown_names(given: Iterable[str]) -> list[str]:
    """Messages for names in ``given`` that look like misspelt settings."""
    from scrapy.settings import default_settings

    known = set(BY_NAME) | {n for n in dir(default_settings) if n.isupper()}
    problems = []
    for name in given:
        if name in known:
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.8)
        if close:
            problems.append(f"unknown setting {name} (did you mean {close[0]}?)")
    return problems
