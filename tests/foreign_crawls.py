"""Run the ``urls`` spider under ``WARC_REPLAY`` once per archive, one crawl after another in
one process, and print what each crawl did as JSON (``tests/test_foreign_outcomes.py``).

    python -m tests.foreign_crawls JOBS.json

``JOBS.json`` is a list of ``{"warc": path, "urls": file of start URLs, "out": OUTPUT_DIR}``.
Each crawl is the project's own spider with the project's settings, started by Scrapy's
``CrawlerRunner`` as ``scrapy crawl urls -a urls=… -a depth=0 -s WARC_REPLAY=… -s
OUTPUT_DIR=…`` would start it; running them in one process spares the interpreter and
Scrapy start-up of each (a second or two, times some seventy archives). For each archive the
output says how the crawl finished (or the error that refused its start: an archive with no
HTTP response to serve), how many items the spider handed to the pipelines, how many rows
``articles.jsonl`` got, and the ERROR lines and tracebacks of its log file.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any


def _log_problems(out: Path) -> dict[str, Any]:
    """ERROR lines and tracebacks in the crawl's log file(s) under ``out/logs``."""
    errors: list[str] = []
    tracebacks = 0
    for log in sorted((out / "logs").glob("*.log")) if (out / "logs").is_dir() else []:
        for line in log.read_text("utf-8", "replace").splitlines():
            if "Traceback (most recent call last)" in line:
                tracebacks += 1
            elif "] ERROR: " in line:
                errors.append(line.split("] ERROR: ", 1)[1][:300])
    return {"errors": errors, "tracebacks": tracebacks}


def main(argv: list[str]) -> int:
    """Run every job of the JSON file ``argv[0]``; print ``{warc: outcome}`` as JSON."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.crawler import Crawler, CrawlerRunner
    from scrapy.utils.log import configure_logging
    from scrapy.utils.project import get_project_settings
    from scrapy.utils.reactor import install_reactor

    jobs = json.loads(Path(argv[0]).read_text("utf-8"))
    base = get_project_settings()
    install_reactor(base.get("TWISTED_REACTOR")
                    or "twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    from twisted.internet import defer, reactor

    base.set("LOG_LEVEL", "WARNING", priority="cmdline")
    configure_logging(base)
    runner = CrawlerRunner(base)
    spidercls = runner.spider_loader.load("urls")
    results: dict[str, Any] = {}

    @defer.inlineCallbacks
    def run_all() -> Any:
        try:
            for job in jobs:
                settings = base.copy()
                settings.setdict({
                    "WARC_REPLAY": job["warc"], "OUTPUT_DIR": job["out"],
                    "EXTRACTION_WORKERS": "0", "LOG_LEVEL": "INFO",
                    "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "0",
                }, priority="cmdline")
                crawler = Crawler(spidercls, settings)
                outcome: dict[str, Any] = {}
                try:
                    yield runner.crawl(crawler, urls=job["urls"], depth="0")
                except Exception as exc:  # noqa: BLE001 - the start-up refusal is the outcome
                    outcome["refused"] = f"{type(exc).__name__}: {exc}"
                else:
                    stats = crawler.stats.get_stats() if crawler.stats else {}
                    outcome["finish"] = stats.get("finish_reason")
                    outcome["items"] = stats.get("item_scraped_count", 0)
                    outcome["hits"] = stats.get("warc_replay/hit", 0)
                    outcome["network_requests"] = stats.get("warc_replay/network_requests", 0)
                    articles = Path(job["out"]) / "articles.jsonl"
                    outcome["rows"] = (len(articles.read_text("utf-8").splitlines())
                                       if articles.exists() else 0)
                outcome.update(_log_problems(Path(job["out"])))
                results[job["warc"]] = outcome
        finally:
            reactor.stop()

    reactor.callWhenRunning(run_all)
    reactor.run()
    sys.stdout.write(json.dumps(results) + "\n")
    return 0 if len(results) == len(jobs) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
