"""Multi-page articles in replay: pages 2..n of an article, found for its page 1.

From the crawl's metadata record where it wrote one (same URLs, statuses and pointers, the HTML
read from the pointed record, else from the archived response of that URL); otherwise by
following the site rules' next pages through the first pass's URL map.
"""

from __future__ import annotations

import logging
from typing import Any

from archive.cli.replay.scan import ArchiveMap, CrawlFacts, ScannedRecord
from archive.cli.replay.summary import Summary
from archive.warc.reader import record_at
from crawler.pages import page_item, pointer_dict
from pipelines.extract.items import PageItem, PagePart

log = logging.getLogger(__name__)

#: safety limit on the pages of one article (as the Newsweek Japan spider's)
MAX_PARTS = 30


class PageStitcher:
    """Finds and reads the parts of multi-page articles in the archive mapped by the scan."""

    def __init__(self, archive: ArchiveMap, summary: Summary) -> None:
        self.archive = archive
        self.summary = summary

    def _load(self, cap: ScannedRecord) -> tuple[PageItem | None, dict[str, Any]] | None:
        """Read one capture by seeking to it: (page item or None, pointer); None on failure."""
        path = self.archive.files[cap.file]
        try:
            with record_at(path, cap.offset) as record:
                pointer = pointer_dict(path, cap.offset, cap.length, record)
                return page_item(record, cap.url, site=self.archive.site), pointer
        except Exception as exc:  # noqa: BLE001 - a damaged part: reported, page goes on
            self.summary.error(cap.url, f"cannot read record: {type(exc).__name__}: {exc}")
            return None

    def _part_html(self, part: dict[str, Any], near: ScannedRecord) -> str | None:
        """The HTML of a part named by a crawl's metadata record: from the record its pointer
        names when that file is among the inputs, else from the archived response of its URL."""
        warc = part.get("warc") if isinstance(part.get("warc"), dict) else None
        if warc and warc.get("filename") in self.archive.names:
            cap = self.archive.by_id.get(warc.get("record_id") or "")
            if cap is not None and cap.kind == "response":
                loaded = self._load(cap)
                if loaded is not None and loaded[0] is not None:
                    return loaded[0].html
        cap = self.archive.nearest_ok_response(part["url"], near)
        if cap is None:
            return None
        loaded = self._load(cap)
        return loaded[0].html if loaded is not None and loaded[0] is not None else None

    def parts_for(self, cap: ScannedRecord, url: str, facts: CrawlFacts | None
                  ) -> list[PagePart]:
        """Pages 2..n of the article whose page 1 is ``cap`` (see the module docstring)."""
        parts: list[PagePart] = []
        if facts is not None:
            for spec in facts.parts:
                status = str(spec.get("status") or "ok")
                html = ""
                if status == "ok":
                    found = self._part_html(spec, cap)
                    if found is None:
                        self.summary.missing_parts += 1
                        log.warning("part %s of %s is not in these WARC files", spec["url"], url)
                        status = "missing"
                    else:
                        html = found
                parts.append(PagePart(spec["url"], html, spec.get("warc"), status))
            return parts
        nxt = self.archive.next_of.get(url)
        seen = {url}
        while nxt and nxt not in seen and len(parts) < MAX_PARTS:
            seen.add(nxt)
            found_cap = self.archive.nearest_ok_response(nxt, cap)
            loaded = self._load(found_cap) if found_cap is not None else None
            if loaded is None or loaded[0] is None:
                self.summary.missing_parts += 1
                parts.append(PagePart(nxt, "", None, "missing"))
                break
            part_item, pointer = loaded
            parts.append(PagePart(nxt, part_item.html, pointer, "ok"))
            nxt = self.archive.next_of.get(part_item.url)
        return parts
