"""Our CDXJ against the real tools: cdxj-indexer's output, pywb's own indexer, pywb's reader.

Needs a Python that can import ``pywb`` and ``cdxj_indexer`` (they pin old dependencies, so
they live in their own venv, not the project's): ``bash .ci/replaytools`` installs it, and
tests/replaytools.py finds it (``$NEWSARCHIVE_PYWB_PYTHON`` first). Without it the tests are
skipped, saying so; under CI they fail. Every comparison is real: the tools are run in a
subprocess on the same sample WARCs that tests/test_indexer.py builds.

Known, deliberate differences, each normalised here in exactly one place:

* cdxj-indexer writes ``"digest": "sha1:..."``; we (and pywb's own indexer) write it
  without the prefix -> :func:`strip_sha1`.
* cdxj-indexer indexes a truncated last record (wrong digest, a length past the end of
  the file) or crashes on it, depending on where the file was cut; we leave it out.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from archive.warc.indexer import CDXJIndexer, sort_lines, write_index_for
from tests import replaytools

_spec = importlib.util.spec_from_file_location(
    "indexer_samples", Path(__file__).with_name("test_indexer.py"))
samples_mod = importlib.util.module_from_spec(_spec)
sys.modules["indexer_samples"] = samples_mod  # dataclasses look their module up there
_spec.loader.exec_module(samples_mod)


@pytest.fixture(autouse=True)
def _tools():
    replaytools.need(replaytools.pywb_python(), "pywb and cdxj-indexer")


def tool_python() -> str:
    python = replaytools.pywb_python()
    assert python is not None
    return python


ALL_TYPES = "response,revisit,resource,request,metadata,conversion,continuation"


def cdxj_indexer(*args: str | Path) -> list[str]:
    """Lines written by ``cdxj-indexer ARGS`` (run from its own venv)."""
    res = subprocess.run(
        [tool_python(), "-c", "from cdxj_indexer.main import main; main()", *map(str, args)],
        capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout.splitlines(keepends=True)


def strip_sha1(line: str) -> str:
    """cdxj-indexer's line with ``sha1:`` taken off its digest, nothing else changed."""
    key, ts, fields = line.split(" ", 2)
    data = json.loads(fields)
    if data.get("digest", "").startswith("sha1:"):
        data["digest"] = data["digest"][len("sha1:"):]
    return f"{key} {ts} {json.dumps(data)}\n"


def run_tool_script(script: str, *args: str | Path) -> str:
    res = subprocess.run([tool_python(), "-c", script, *map(str, args)], capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout


@pytest.fixture
def samples(tmp_path):
    return samples_mod.all_samples(tmp_path)


def test_all_records_identical_to_cdxj_indexer(samples):
    """Every record type but warcinfo: line for line the same, digest prefix aside."""
    for s in samples.values():
        theirs = [strip_sha1(x) for x in cdxj_indexer("--sort", "--records", ALL_TYPES, s.path)]
        ours = CDXJIndexer(all_records=True).index([s.path])
        assert ours == theirs, s.path.name
        assert len(ours) >= 2


def test_default_mode_identical_to_cdxj_indexers_default_mode(samples):
    """Without options both index response, revisit, resource and metadata records, leaving
    out application/warc-fields resources and metadata: the same lines, digest prefix aside
    (the crawl's article summaries among them, under urn:newsarchive:article:URL)."""
    for s in samples.values():
        theirs = [strip_sha1(x) for x in cdxj_indexer("--sort", s.path)]
        assert CDXJIndexer().index([s.path]) == theirs, s.path.name
    news = CDXJIndexer().index([samples["news-1.1.warc.gz"].path])
    assert sum('"mime": "application/json"' in x for x in news) == 2
    assert not any("warc-fields" in x for x in news)


def test_merged_multi_file_index_matches(samples):
    paths = [s.path for s in samples.values()]
    theirs = [strip_sha1(x) for x in cdxj_indexer("--sort", "--records", ALL_TYPES, *paths)]
    assert CDXJIndexer(all_records=True).index(reversed(paths)) == theirs
    assert theirs == sort_lines(theirs)


def test_truncated_file_indexes_the_complete_records(samples):
    """cdxj-indexer crashes on some truncated tails and indexes the partial record on others;
    we index what is complete: the full file's lines (cdxj-indexer's) minus the last record."""
    s = samples["news-1.1.warc.gz"]
    cut = samples_mod.truncated_copy(s, "cut.warc.gz", cut_into_last=120)
    last = s.records[-1]

    def renamed(line: str) -> str:
        key, ts, fields = line.split(" ", 2)
        data = json.loads(fields)
        data["filename"] = "cut.warc.gz"
        return f"{key} {ts} {json.dumps(data)}\n"

    theirs = [renamed(strip_sha1(x)) for x in cdxj_indexer("--sort", "--records", ALL_TYPES,
                                                             s.path)
              if f'"offset": "{last.offset}"' not in x]
    assert CDXJIndexer(all_records=True).index([cut]) == theirs


PYWB_INDEXER = """
import sys
from pywb.indexer.cdxindexer import write_multi_cdx_index
# the options `wb-manager add` / `wb-manager reindex` use
write_multi_cdx_index('-', sys.argv[1:], append_post=True, cdxj=True, sort=True)
"""


def test_pywb_own_indexer_indexes_the_same_records(samples):
    """Our default mode and pywb's indexer (``wb-manager add``'s) index the same records, with
    the same keys, timestamps, digests (both without prefix), lengths and offsets; pywb's
    other habits (mime "unk", no status on revisits) are not compared."""
    paths = [s.path for s in samples.values()]
    theirs = run_tool_script(PYWB_INDEXER, *paths).splitlines(keepends=True)
    common = ("url", "digest", "length", "offset", "filename")

    def view(line: str) -> tuple:
        key, ts, fields = line.split(" ", 2)
        data = json.loads(fields)
        return (key, ts, *(data.get(k) for k in common))

    ours = CDXJIndexer().index(paths)
    assert ours and sorted(map(view, ours)) == sorted(map(view, theirs))
    # and for plain responses the mime and status too
    by_place = {(json.loads(x.split(" ", 2)[2])["filename"],
                 json.loads(x.split(" ", 2)[2])["offset"]): json.loads(x.split(" ", 2)[2])
                for x in theirs}
    for x in ours:
        data = json.loads(x.split(" ", 2)[2])
        if data.get("mime") not in (None, "warc/revisit") and "status" in data:
            other = by_place[(data["filename"], data["offset"])]
            assert (other["mime"], other["status"]) == (data["mime"], data["status"])


PYWB_READER = r"""
import json, sys
from pywb.warcserver.index.cdxobject import CDXObject
from pywb.warcserver.warcserver import WarcServer
from werkzeug.test import Client

index, archive_dir = sys.argv[1], sys.argv[2]
out = {"parsed": []}
with open(index, "rb") as fh:
    for line in fh:
        cdx = CDXObject(line)
        out["parsed"].append({k: cdx[k] for k in ("urlkey", "timestamp", "url", "digest",
                                                  "length", "offset", "filename")})
app = WarcServer(config_file=None, custom_config={"collections": {"c": {
    "index_paths": index, "archive_paths": archive_dir.rstrip("/") + "/"}}})
client = Client(app)
out["lookups"] = []
for url, closest in json.loads(sys.argv[3]):
    res = client.get("/c/index", query_string={"url": url, "output": "json"})
    found = [json.loads(x) for x in res.get_data(as_text=True).splitlines() if x]
    res = client.get("/c/resource", query_string={"url": url, "closest": closest})
    out["lookups"].append({"url": url, "found": found, "status": res.status_code,
                           "body": res.get_data().decode("latin-1")})
print(json.dumps(out))
"""


def test_pywb_reads_our_index_and_replays_from_it(samples):
    """pywb's CDXObject parses every line; pywb's warcserver finds captures by URL through
    our index, loads the records at our offsets and resolves a revisit to its original."""
    s = samples["news-1.1.warc.gz"]
    wget = samples["wget.warc.gz"]
    index = write_index_for(s.path)
    merged = index.with_name("all.cdxj")
    merged.write_text("".join(CDXJIndexer().index([s.path, wget.path])), encoding="utf-8")
    lookups = [("http://example.com/news/1", "20240305102030"),
               ("https://example.org/a?a=1&b=2", "20240305102100"),  # other form, same key
               ("http://example.com/news/1-amp", "20240305102200"),  # revisit, other URL
               ("http://example.com/wget?x=a%20b", "20240201120001")]
    result = json.loads(run_tool_script(PYWB_READER, merged, s.path.parent, json.dumps(lookups)))

    ours = [json.loads(x.split(" ", 2)[2]) for x in merged.read_text().splitlines()]
    assert [p["url"] for p in result["parsed"]] == [o["url"] for o in ours]
    assert [(p["offset"], p["length"], p["digest"]) for p in result["parsed"]] == \
        [(o["offset"], o["length"], o["digest"]) for o in ours]

    news, org, amp, wget_hit = result["lookups"]
    assert news["status"] == 200 and news["body"].endswith("<html><p>Story one</p></html>")
    assert {f["timestamp"] for f in news["found"]} == {"20240305102030", "20240306080000"}
    assert org["status"] == 200 and org["body"].endswith("gone")
    assert org["found"][0]["url"] == "https://www.Example.org:443/a?b=2&a=1"
    # the revisit's payload comes from the original record, found through the digest
    assert amp["found"][0]["mime"] == "warc/revisit"
    assert amp["status"] == 200 and amp["body"].endswith("<html><p>Story one</p></html>")
    assert "WARC-Target-URI: http://example.com/news/1-amp" in amp["body"]
    assert wget_hit["status"] == 200 and wget_hit["body"].endswith("<html>wget</html>")
