"""Scrapy settings of the newsarchive project.

Every project-specific setting is listed here with its default and documented in the module
that reads it (``crawler.outputs``, ``crawler.middlewares.warccapture``,
``pipelines.extraction``, ``pipelines.textoutput``, ``crawler.extensions.logfile``) and in
``docs/settings.md``.
"""

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

# --- archiving -----------------------------------------------------------------------------
OUTPUT_DIR = "data"
WARC_ENABLED = True
WARC_PREFIX = None  # None: the spider's name
WARC_MAX_SIZE = 1_000_000_000
WARC_VERSION = "1.1"
WARC_GZIP = True
WARC_GZIP_LEVEL = 3
WARC_GZIP_ENGINE = "isal"
WARC_FSYNC = False
WARC_INDEX_ON_CLOSE = True
WARC_WRITE_THREAD = True
# Replay (crawler.middlewares.warcreplay, docs/replay.md): WARC files, directories or globs
# (comma-separated) to serve every response from instead of the network; None = live crawl.
WARC_REPLAY = None
WARC_REPLAY_PICK = "last"  # a URL archived several times: "last" (latest) or "first" capture

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
    "crawler.middlewares.faults.ResponseCheckMiddleware": 940,
    # closer to the downloader than every built-in middleware: see its docstring
    "crawler.middlewares.warccapture.WarcCaptureMiddleware": 950,
    # off unless WARC_REPLAY is set; next to the capture, see its docstring
    "crawler.middlewares.warcreplay.WarcReplayMiddleware": 960,
    # Scrapy's decompression (DOWNLOAD_MAXSIZE applies to the decompressed size), with
    # undecodable bodies counted and dropped instead of raising
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.middlewares.compression.SafeHttpCompressionMiddleware": 590,
    # binary bodies labelled as text are never parsed; empty bodies counted
    "crawler.middlewares.faults.ContentCheckMiddleware": 580,
    # 429 / 503 + Retry-After: pause the host for what it asks, then retry
    "crawler.middlewares.retryafter.RetryAfterMiddleware": 555,
    # downloads that finally failed: counted, one log line, no traceback
    "crawler.middlewares.faults.FetchFailureMiddleware": 540,
}
# Refuse requests to private, loopback, link-local, multicast and reserved addresses.
ALLOW_PRIVATE_ADDRESSES = False
SPIDER_MIDDLEWARES = {
    # free each response's parsed tree when its callback is done (see its docstring)
    "crawler.middlewares.selectorrelease.SelectorReleaseMiddleware": 50,
}
SELECTOR_RELEASE_ENABLED = True

# --- the generic spider (crawler.spiders.urls) ----------------------------------------------
# Links to URLs it already requested (from as few hops or fewer) are not requested again:
# Scrapy's duplicate filter would drop them; the spider saves building those requests.
URLS_SKIP_REQUESTED = True

# --- crawl state and incremental runs -----------------------------------------------------
STATE_ENABLED = True
LOCK_WAIT = 0
INCREMENTAL_ENABLED = True
INCREMENTAL_RECHECK_DAYS = 7

# --- Wayback Machine (crawler.wayback; read by spiders that call wayback.configure_settings) --
# Its published limits at 80 %: CDX 0.8 requests/s, captures 8/s, each in its own download
# slot; a 429 pauses the slot for Retry-After (default 60 s). Tests set the delays to 0.
WAYBACK_CDX_DELAY = 1.25
WAYBACK_CDX_CONCURRENCY = 1
WAYBACK_CAPTURE_DELAY = 0.125
WAYBACK_CAPTURE_CONCURRENCY = 4
WAYBACK_RETRY_AFTER_DEFAULT = 60
WAYBACK_RETRY_AFTER_MAX = 600
WAYBACK_429_RETRIES = 3

# --- shared frontier (crawler.frontier, docs/distributed.md) ------------------------------
# REDIS_URL switches any spider to a frontier and crawl state shared through Redis by several
# processes on several hosts (the add-on below does nothing while it is None).
REDIS_URL = None
REDIS_PREFIX = "newsarchive"
REDIS_JOB = None  # None: the spider's name
REDIS_LEASE = 60  # seconds of silence before a worker's in-flight requests are re-queued
REDIS_HEARTBEAT = 5
REDIS_POLL = 0.5
REDIS_RETRY_MAX = 10
REDIS_SOCKET_TIMEOUT = 5
ADDONS = {"crawler.frontier.RedisFrontierAddon": 0}

# --- extraction and text -------------------------------------------------------------------
# Scrapy processes a response's items and requests CONCURRENT_ITEMS at a time, and starts
# that many asyncio tasks per response whatever it yields (Scrapy's default, 100, cost ~1.8 ms
# of reactor CPU per page on the bench site, docs/benchmarks.md). Our spiders yield one item
# and a few requests per page, and EXTRACTION_QUEUE pages per worker are extracted at a time.
CONCURRENT_ITEMS = 16
EXTRACTION_WORKERS = "auto"
EXTRACTION_TIMEOUT = 120
# pages handed to each worker at once (2: a worker never waits for its next page)
EXTRACTION_QUEUE = 2
TEXT_FSYNC = False
ITEM_PIPELINES = {
    "pipelines.extraction.ExtractionPipeline": 300,
    "pipelines.textoutput.TextOutputPipeline": 800,
}
EXTENSIONS = {
    "crawler.extensions.crawlstate.CrawlStateExtension": 0,
    "crawler.extensions.logfile.LogFileExtension": 0,
    # off unless REACTORLAG_ENABLED: reactor timer lateness into the stats (benchmarks)
    "crawler.extensions.reactorlag.ReactorLagExtension": 0,
}
LOGFILE_ENABLED = True
REACTORLAG_ENABLED = False
