"""archive.store.articles: the text outputs' helpers stay importable without Scrapy, so
``archive replay`` (which writes rows and text files with them) does not pay Scrapy's import
before its first page; the text pipeline uses the very same functions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import archive.store.articles as textfiles
import pipelines.crawl.textoutput as textoutput

ROOT = Path(__file__).resolve().parents[1]


def test_replay_and_the_helpers_do_not_import_scrapy() -> None:
    code = ("import sys, archive.cli.replay, archive.store.articles; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'scrapy'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == "[]"


def test_the_text_pipeline_uses_the_same_helpers() -> None:
    for name in ("article_row", "matches_topic", "write_text_file", "append_line",
                 "repair_jsonl_tail"):
        assert getattr(textoutput, name) is getattr(textfiles, name)
