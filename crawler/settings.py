"""Scrapy settings of the newsarchive project.

The project's own settings (``OUTPUT_DIR``, ``WARC_*``, ``EXTRACTION_*``...) are declared once,
with type, range, default and meaning, in :mod:`crawler.settingspec`; their defaults are set
from there at the end of this file. Here: Scrapy's settings as the project sets them, and the
components (middlewares, pipelines, extensions) that make up the crawl.
"""

from crawler.settingspec import project_defaults

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Identify ourselves honestly; site spiders may override where a site needs a browser UA.
USER_AGENT = "newsarchive/0.1 (research web archive; +https://example.org/newsarchive)"
ROBOTSTXT_OBEY = True

# Politeness for live crawls. Tests and the demo pass -s overrides.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
# Keep (and archive, marked WARC-Truncated) what arrived when a server cuts a body short.
DOWNLOAD_FAIL_ON_DATALOSS = False
REDIRECT_MAX_TIMES = 10
RETRY_TIMES = 2
TELNETCONSOLE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"

DOWNLOAD_HANDLERS = {
    "http": "crawler.handler.CapturingHTTP11DownloadHandler",
    "https": "crawler.handler.CapturingHTTP11DownloadHandler",
    # only http(s) is ever fetched (see crawler.middlewares.addressguard): no local files,
    # no FTP, no S3, no data: URIs named by a page, a sitemap or a redirect
    "file": None,
    "ftp": None,
    "s3": None,
    "data": None,
}
DOWNLOADER_MIDDLEWARES = {
    # fetch only what is new; finish what a dead crawl left (before capture: see its docstring)
    "crawler.middlewares.incremental.IncrementalMiddleware": 920,
    # only http(s), never private/loopback addresses unless ALLOW_PRIVATE_ADDRESSES
    "crawler.middlewares.addressguard.AddressGuardMiddleware": 930,
    # retry or drop truncated bodies, stop redirect loops (after capture: see its docstring)
    "crawler.middlewares.responsecheck.ResponseCheckMiddleware": 940,
    # closer to the downloader than every built-in middleware: see its docstring
    "crawler.middlewares.warccapture.WarcCaptureMiddleware": 950,
    # off unless WARC_REPLAY is set; next to the capture, see its docstring
    "crawler.middlewares.warcreplay.WarcReplayMiddleware": 960,
    # Scrapy's decompression (DOWNLOAD_MAXSIZE applies to the decompressed size), with
    # undecodable bodies counted and dropped instead of raising
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.middlewares.compression.SafeHttpCompressionMiddleware": 590,
    # binary bodies labelled as text are never parsed; empty bodies counted
    "crawler.middlewares.contentcheck.ContentCheckMiddleware": 580,
    # 429 / 503 + Retry-After: pause the host (or the Wayback slot, with its own limits) for
    # what it asks, then retry
    "crawler.middlewares.retryafter.RetryAfterMiddleware": 555,
    # downloads that finally failed: counted, one log line, no traceback
    "crawler.middlewares.fetchfailure.FetchFailureMiddleware": 540,
}
SPIDER_MIDDLEWARES = {
    # free each response's parsed tree when its callback is done (see its docstring)
    "crawler.middlewares.selectorrelease.SelectorReleaseMiddleware": 50,
    # marks start requests, so a start URL that fails is reported (crawler.extensions.runreport)
    "crawler.middlewares.startmark.StartMarkMiddleware": 40,
    # first redo the pages whose text an earlier crawl could not write (from the archive)
    "crawler.middlewares.redo.RedoMiddleware": 45,
}

# --- archiving and components ---------------------------------------------------------------
# the scheduler's waiting requests: the newest SPILL_QUEUE_MEMORY of each priority in memory,
# the older ones in a temporary file (crawler.spillqueue: a crawl's memory stays flat when it
# discovers links faster than it fetches them); LIFO, as Scrapy's default memory queue
SCHEDULER_MEMORY_QUEUE = "crawler.spillqueue.SpillingLifoQueue"
# shared frontier (crawler.frontier, docs/distributed.md): the add-on does nothing unless
# REDIS_URL is set
ADDONS = {"crawler.frontier.RedisFrontierAddon": 0}

# --- extraction and text -------------------------------------------------------------------
# Scrapy processes a response's items and requests CONCURRENT_ITEMS at a time, and starts
# that many asyncio tasks per response whatever it yields (Scrapy's default, 100, cost ~1.8 ms
# of reactor CPU per page on the bench site, docs/benchmarks.md). Our spiders yield one item
# and a few requests per page, and EXTRACTION_QUEUE pages per worker are extracted at a time.
CONCURRENT_ITEMS = 16
ITEM_PIPELINES = {
    "pipelines.crawl.extraction.ExtractionPipeline": 300,
    # articles' page requisites (stylesheets, scripts, images, fonts) requested and archived
    "pipelines.crawl.requisitefetch.RequisitesPipeline": 400,
    "pipelines.crawl.textoutput.TextOutputPipeline": 800,
}
EXTENSIONS = {
    "crawler.extensions.crawlstate.CrawlStateExtension": 0,
    "crawler.extensions.logfile.LogFileExtension": 0,
    # new/changed/unchanged/incomplete/failed articles and the failed URLs, into runs/*.json
    "crawler.extensions.runreport.RunReport": 0,
    # articles.jsonl -> corpus.sqlite3 (archive list/search/show/serve), at the crawl's close
    "crawler.extensions.corpusindex.CorpusIndexExtension": 0,
    # off unless REACTORLAG_ENABLED: reactor timer lateness into the stats (benchmarks)
    "crawler.extensions.reactorlag.ReactorLagExtension": 0,
}

# Quiet by default: per-page lines are DEBUG; items are never printed whole (see
# crawler.logformatter). `-L DEBUG` or `-s LOG_LEVEL=DEBUG` shows every request.
LOG_LEVEL = "INFO"
LOG_FORMATTER = "crawler.logformatter.QuietLogFormatter"
# `scrapy crawl` with checks before anything is fetched (crawler/commands/crawl.py)
COMMANDS_MODULE = "crawler.commands"

globals().update(project_defaults())
