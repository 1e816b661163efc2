"""archive/warc/targeturi.py: the target URI of the crawl's records about a page."""

from __future__ import annotations

import pytest

from archive.warc.targeturi import ARTICLE, about, page_url


def test_about_and_back():
    url = "https://www.newsweekjapan.jp/stories/world/2024/02/visa-free.php?a=1#x"
    uri = about(ARTICLE, url)
    assert uri == "urn:newsarchive:article:" + url
    assert page_url(uri) == url


@pytest.mark.parametrize("uri", [
    "https://example.com/a", "urn:pageinfo:https://example.com/", "urn:newsarchive:",
    "urn:newsarchive:article", "urn:newsarchive::https://e/", "dns:example.com", ""])
def test_other_uris_are_their_own_page(uri):
    assert page_url(uri) == uri


@pytest.mark.parametrize("kind", ["", "a:b"])
def test_bad_kinds_are_refused(kind):
    with pytest.raises(ValueError):
        about(kind, "https://e/")
