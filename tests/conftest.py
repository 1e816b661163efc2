"""Shared test harness: the fixture web and a runner for real ``scrapy crawl`` subprocesses.

Every end-to-end test runs the project's real spiders, unchanged, as ``python -m scrapy crawl``
in a subprocess whose ``http_proxy``/``https_proxy`` point at the fixture web on 127.0.0.1, so
no traffic leaves the machine. ``run_crawl`` returns a :class:`CrawlRun` with the outputs read
back (articles.jsonl rows, WARC files, records) and the proxy's request log.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from fixtureweb import FixtureWeb


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true",
                     help="also run the full (slow) fault, crash and scale suites")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with `make test-full` (pytest --run-slow)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


ROOT = Path(__file__).resolve().parents[1]
BUNDLED_WEB = ROOT / "fixtureweb" / "web"
EXPECTED = ROOT / "tests" / "expected"

#: settings every test crawl uses: no politeness delays, one extraction worker
TEST_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "0",
    "EXTRACTION_WORKERS": "1",
    "LOG_LEVEL": "INFO",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "RETRY_TIMES": "1",
    "DOWNLOAD_TIMEOUT": "20",
}


@dataclass
class CrawlRun:
    """What one ``scrapy crawl`` subprocess did."""

    returncode: int
    stdout: str
    stderr: str
    out: Path
    requests: list[Any] = field(default_factory=list)

    @property
    def log(self) -> str:
        return self.stderr

    @property
    def articles(self) -> list[dict[str, Any]]:
        path = self.out / "articles.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]

    def article(self, url_part: str) -> dict[str, Any]:
        """The one article whose url or canonical_url contains ``url_part``."""
        found = [
            a for a in self.articles
            if url_part in a["url"] or url_part in (a.get("canonical_url") or "")
        ]
        assert len(found) == 1, f"{len(found)} articles match {url_part!r}: " + ", ".join(
            a["url"] for a in self.articles
        )
        return found[0]

    @property
    def warc_files(self) -> list[Path]:
        return sorted((self.out / "warc").glob("*.warc*"))

    def records(self) -> list[dict[str, Any]]:
        """Every record of every closed WARC: type, uri, headers, http status, payload bytes."""
        out = []
        for path in self.warc_files:
            if path.suffix in (".cdxj", ".open"):
                continue
            with path.open("rb") as fh:
                it = ArchiveIterator(fh)
                for rec in it:
                    payload = rec.raw_stream.read()  # as stored: still content-encoded
                    out.append(
                        {
                            "file": path.name,
                            "offset": it.get_record_offset(),
                            "type": rec.rec_type,
                            "uri": rec.rec_headers.get_header("WARC-Target-URI"),
                            "id": rec.rec_headers.get_header("WARC-Record-ID"),
                            "headers": rec.rec_headers,
                            "http": rec.http_headers,
                            "status": rec.http_headers.get_statuscode()
                            if rec.http_headers and rec.rec_type in ("response", "revisit")
                            else None,
                            "payload": payload,
                        }
                    )
        return out

    def stats_value(self, key: str) -> Any:
        """A value from Scrapy's stats dump in the log ('key': value), or None."""
        import re

        m = re.search(rf"'{re.escape(key)}': ([^,\n]+)", self.stderr)
        return m.group(1) if m else None


def is_requisite(request: Any) -> bool:
    """Was this fixture-web request made for a page requisite
    (:mod:`pipelines.crawl.requisitefetch`)? Those send a browser's ``Accept`` for their kind
    (``text/css,...``, ``image/...``, ``*/*``), never Scrapy's default ``text/html,...``, which
    pages, feeds and robots.txt get."""
    return not request.headers.get("Accept", "text/html").startswith("text/html")


def run_crawl(
    web: FixtureWeb,
    spider: str,
    out: Path,
    args: dict[str, str] | None = None,
    settings: dict[str, str] | None = None,
    timeout: float = 180,
    extra_env: dict[str, str] | None = None,
) -> CrawlRun:
    """Run ``python -m scrapy crawl spider`` against the fixture web; outputs under ``out``
    (a setting given as None is left out: the project's default applies)."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider]
    for key, value in (args or {}).items():
        cmd += ["-a", f"{key}={value}"]
    merged = {**TEST_SETTINGS, "OUTPUT_DIR": str(out), **(settings or {})}
    for key, value in merged.items():
        if value is not None:
            cmd += ["-s", f"{key}={value}"]
    env = {**os.environ, **web.env(), **(extra_env or {})}
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    start = len(web.requests)
    proc = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    return CrawlRun(proc.returncode, proc.stdout, proc.stderr, out, list(web.requests[start:]))


@pytest.fixture(scope="session")
def web() -> Iterator[FixtureWeb]:
    """The fixture web over the bundled pages, for the whole test session."""
    with FixtureWeb(roots=[BUNDLED_WEB]) as server:
        yield server


@pytest.fixture
def crawl(web: FixtureWeb, tmp_path: Path):
    """``crawl(spider, **args)`` -> CrawlRun, outputs in a fresh tmp dir per call."""
    counter = iter(range(1000))

    def _crawl(spider: str, settings: dict[str, str] | None = None, **args: str) -> CrawlRun:
        out = tmp_path / f"out{next(counter)}"
        return run_crawl(web, spider, out, args=args, settings=settings)

    return _crawl


def load_expected(site: str) -> list[dict[str, Any]]:
    """Every ``tests/expected/<site>/*.json`` case, with ``_name`` set to its file stem and
    ``text`` read from the ``.txt`` beside it (one loader for the tests and the quality
    report: :func:`bench.quality.load_cases`)."""
    from bench.quality import load_cases

    return load_cases(site, EXPECTED)
