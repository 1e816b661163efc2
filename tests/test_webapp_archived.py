"""archive/webapp/archived.py: the reading room finds a page's captures in the CDXJ indexes."""

from __future__ import annotations

import time

from archive.warc.writer import WarcWriter, http_head
from archive.webapp.archived import Captures

URL = "https://t.example/a.html"


def test_only_http_captures_answer_for_a_page(tmp_path):
    """The index lists the crawl's metadata records too (as pywb's does); an article summary
    written under the page's own URL (by an older crawl) is still no capture of the page."""
    now = time.time() - 3600
    with WarcWriter(tmp_path / "warc", prefix="t", hostname="test") as writer:
        ptr = writer.write_exchange(
            url=URL, response_head=http_head("HTTP/1.1 200 OK", [("Content-Type", "text/html")]),
            body=b"<html><p>page</p></html>", timestamp=now,
            request_head=http_head("GET /a.html HTTP/1.1", [("Host", "t.example")]))
        for target in (URL, "urn:newsarchive:article:" + URL):
            writer.write_metadata(target, b'{"article": true}', refers_to=ptr.record_id,
                                  content_type="application/json", timestamp=now + 60)
    later = time.strftime("%Y%m%d%H%M%S", time.gmtime(now + 60))
    found = Captures(tmp_path).find(URL, later)
    assert found is not None
    assert (found.offset, found.status, found.mime) == (ptr.offset, "200", "text/html")
