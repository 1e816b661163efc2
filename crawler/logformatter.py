"""Log formatter: Scrapy's messages about items, without the items' contents.

Scrapy's own formatter prints every scraped item whole ("Scraped from ... {item}") and every
dropped item whole ("Dropped: ... {item}"): with page items that is each page's full HTML, and
with article rows each article's full text, in the terminal and in ``logs/``. Here an item is
named by its URL (and title, for an article row); the levels stay Scrapy's (scraped: DEBUG;
dropped: the level the pipeline gave its ``DropItem``).

Setting: ``LOG_FORMATTER = "crawler.logformatter.QuietLogFormatter"`` (crawler/settings.py).
"""

from __future__ import annotations

from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult


def describe_item(item: Any) -> str:
    """A short name for an item: its URL, and its title when it has one."""
    if isinstance(item, dict):
        url, title = item.get("url"), item.get("title")
    else:
        url, title = getattr(item, "url", None), None
        article = getattr(item, "article", None)
        if isinstance(article, dict):
            title = article.get("title")
    if url is None:
        return f"<{type(item).__name__}>"
    return f"<{url}>" + (f" {str(title)[:80]!r}" if title else "")


class QuietLogFormatter(LogFormatter):
    """Scrapy's log formatter with items named, never printed whole."""

    def scraped(self, item: Any, response: Any, spider: Any) -> LogFormatterResult:
        result = super().scraped(item, response, spider)
        return self._named(result, item)

    def dropped(self, item: Any, exception: BaseException, response: Any,
                spider: Any) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        return self._named(result, item)

    def item_error(self, item: Any, exception: BaseException, response: Any,
                   spider: Any) -> LogFormatterResult:
        result = super().item_error(item, exception, response, spider)
        return self._named(result, item)

    @staticmethod
    def _named(result: LogFormatterResult, item: Any) -> LogFormatterResult:
        args = dict(result.get("args") or {})
        args["item"] = describe_item(item)
        msg = str(result["msg"]).replace("\r\n%(item)s", " %(item)s").replace(
            "\n%(item)s", " %(item)s")
        return {**result, "msg": msg, "args": args}
