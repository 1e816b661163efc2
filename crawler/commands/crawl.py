"""``scrapy crawl``, checked before anything is fetched, with an exit status a monitor can use.

Before the crawl starts, :func:`crawler.preflight.check_crawl` looks at the spider, its
arguments, the settings and the output root; each problem is one line on stderr and the exit
status is 2 (usage), with nothing fetched. After the crawl, the exit status is 1 when it did
not end normally (its finish reason) or a page's outputs could not be written or extracted,
3 when a start URL could not be fetched, 130 / 143 when SIGINT / SIGTERM stopped it cleanly,
else 0 (``crawler.extensions.runreport``).
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from crawler.extensions.runreport import EXIT_CODES, crawl_status, report_of
from crawler.preflight import check_crawl, given_setting_names, one_line


class Command(ScrapyCrawl):
    """Scrapy's ``crawl`` with checks first; see the module docstring."""

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        """Scrapy's options, then the checks (before Scrapy starts its logging and reactor,
        so a refusal is the only output)."""
        super().process_options(args, opts)
        if len(args) != 1:
            raise UsageError("give one spider name" if not args else
                             "running 'scrapy crawl' with more than one spider is not "
                             "supported")
        assert self.settings is not None
        problems = check_crawl(self.settings, args[0], opts.spargs,
                               given_setting_names(getattr(opts, "set", None) or []))
        if problems:
            for problem in problems:
                print(f"scrapy crawl: {one_line(problem)}", file=sys.stderr)
            sys.exit(2)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        signals = self._note_signals()
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return

        stats = crawler.stats.get_stats() if crawler.stats else {}
        status = crawl_status(stats.get("finish_reason"), report_of(crawler))
        # stopped by a signal: 128 + its number, as a shell reports it (130 SIGINT, 143 SIGTERM)
        self.exitcode = 128 + signals[0] if status == "interrupted" and signals \
            else EXIT_CODES[status]

    def _note_signals(self) -> list[int]:
        """The signals Scrapy's shutdown handler receives (Scrapy installs it at start-up)."""
        received: list[int] = []
        process = self.crawler_process
        handler = getattr(process, "_signal_shutdown", None)
        if handler is None:
            return received

        def noted(signum: int, frame: object) -> None:
            received.append(signum)
            handler(signum, frame)

        process._signal_shutdown = noted  # type: ignore[union-attr]
        return received
