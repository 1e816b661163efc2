"""The reading room at corpus scale: index build time, query latency, memory of ``archive serve``.

    python -m bench.corpus --versions 100000 --queries 200

More: docs/modules.md, ``bench/corpus.py``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import DEFAULT_WORK, PYTHON, ROOT, load_line, machine  # noqa: E402

#: words a query looks for: each in a few per cent of the articles of its language
JA_TOPICS = ("日露", "首脳", "北方領土", "平和条約", "外相", "制裁", "経済協力", "液化天然ガス",
             "サハリン", "ビザなし交流", "領土問題", "安全保障")
EN_TOPICS = ("Russia", "Japan", "Kuril", "treaty", "sanctions", "summit", "islands",
             "Sakhalin", "fisheries", "minister")
JA_GLUE = ("は", "が", "を", "に", "で", "と", "の", "について", "をめぐり", "した。", "する。",
           "と述べた。", "を確認した。")
EN_GLUE = ("the", "a", "of", "on", "and", "in", "with", "said", "would", "after", "over")
SITES_JA = ("newsweekjapan", "asyura", "ruvr")
SITES_EN = ("rt", "news.example")
_KANJI = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 600))
_SYLLABLES = ("ka", "ri", "to", "mo", "ne", "sa", "lu", "pe", "di", "vo", "an", "er", "is",
              "on", "ut", "el", "ar", "in", "os", "em")


def vocabulary(rng: random.Random, ja: bool, size: int = 4000) -> list[str]:
    """A language's ordinary words (random kanji compounds; made-up Latin words)."""
    if ja:
        return ["".join(rng.choice(_KANJI) for _ in range(rng.randint(2, 4)))
                for _ in range(size)]
    return ["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
            for _ in range(size)]


def sentence(rng: random.Random, ja: bool, words: list[str], weights: list[float]) -> str:
    count = rng.randint(5, 9) if ja else rng.randint(10, 20)
    picked = rng.choices(words, cum_weights=weights, k=count)
    for i in range(count):  # a topical word now and then: ~1 in 60 words
        if rng.random() < 1 / 60:
            picked[i] = rng.choice(JA_TOPICS if ja else EN_TOPICS)
    if ja:
        return "".join(w + rng.choice(JA_GLUE) for w in picked)
    glued = [w if i % 2 else rng.choice(EN_GLUE) + " " + w for i, w in enumerate(picked)]
    return " ".join(glued).capitalize() + "."


def article_text(rng: random.Random, ja: bool, words: list[str], weights: list[float]) -> str:
    size = rng.randint(600, 1500)
    paragraphs, total = [], 0
    while total < size:
        p = " ".join(sentence(rng, ja, words, weights) for _ in range(rng.randint(2, 4)))
        paragraphs.append(p)
        total += len(p)
    return "\n".join(paragraphs)


def generate(root: Path, versions: int, seed: int = 7) -> None:
    """An output root with ``versions`` article versions (see the module docstring)."""
    from archive.warc.writer import sha1_digest

    rng = random.Random(seed)
    vocab = {ja: vocabulary(rng, ja) for ja in (True, False)}
    zipf = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocab[True]))))
    root.mkdir(parents=True, exist_ok=True)
    written = 0
    n = 0
    with (root / "articles.jsonl").open("w", encoding="utf-8") as fh:
        while written < versions:
            n += 1
            ja = n % 2 == 0
            site = rng.choice(SITES_JA if ja else SITES_EN)
            url = f"https://{site}.example/{n // 1000}/{n}.html"
            day = f"20{rng.randint(11, 25):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            text = article_text(rng, ja, vocab[ja], zipf)
            title = sentence(rng, ja, vocab[ja], zipf)[:60]
            row = {"url": url, "canonical_url": url, "title": title, "text": text,
                   "published": f"{day}T12:00:00+09:00", "site": site,
                   "language": "ja" if ja else "en", "word_count": len(text) // (2 if ja else 6),
                   "method": "bench", "fetched_at": f"{day}T13:00:00Z",
                   "warc": {"filename": "bench.warc.gz", "offset": n * 1000, "length": 999,
                            "record_id": f"<urn:uuid:{n}>", "payload_digest": "sha1:BENCH",
                            "warc_date": f"{day}T13:00:00Z"}}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            written += 1
            if n % 10 == 0 and written < versions:
                edited = text[: len(text) // 2] + "〔訂正〕" + text[len(text) // 2:]
                row2 = dict(row, text=edited, version=2, fetched_at=f"{day}T20:00:00Z",
                            previous_version={"text_path": "t", "text_digest": sha1_digest(
                                text.encode("utf-8"))})
                fh.write(json.dumps(row2, ensure_ascii=False) + "\n")
                written += 1


def percentiles(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"p50 {statistics.median(ms):7.1f}  p95 {p95:7.1f}  max {ms[-1]:7.1f} ms"


def time_queries(root: Path, queries: int, seed: int = 11) -> dict[str, list[float]]:
    from archive.store.corpus import Corpus

    rng = random.Random(seed)
    vocab_ja = vocabulary(random.Random(7), True)  # the generator's: its commonest words
    kinds = {
        "search ja 2 chars": lambda c: c.search(rng.choice(("日露", "首脳", "外相", "制裁"))),
        "search ja common": lambda c: c.search(rng.choice(vocab_ja[:20])),
        "search ja 4+ chars": lambda c: c.search(rng.choice(("北方領土", "平和条約",
                                                             "経済協力", "液化天然ガス"))),
        "search en word": lambda c: c.search(rng.choice(("Kuril", "sanctions", "treaty"))),
        "search en phrase": lambda c: c.search(rng.choice(('"the Kuril"', '"of Japan"'))),
        "search OR": lambda c: c.search("サハリン OR Kuril"),
        "search + site/date": lambda c: c.search("北方領土", site="newsweekjapan",
                                                 since="2015-01-01", until="2019-12-31"),
        "list newest": lambda c: c.list(limit=50),
        "list by site": lambda c: c.list(site=rng.choice(SITES_JA + SITES_EN), limit=50),
        "list date range": lambda c: c.list(since="2018-01-01", until="2018-03-31", limit=50),
    }
    out: dict[str, list[float]] = {k: [] for k in kinds}
    with Corpus(root) as corpus:
        for fn in kinds.values():  # warm-up round
            fn(corpus)
        for _ in range(queries):
            for name, fn in kinds.items():
                t0 = time.perf_counter()
                fn(corpus)
                out[name].append(time.perf_counter() - t0)
    return out


def serve_rss(root: Path, rounds: int = 5) -> float:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([PYTHON, "-m", "archive", "serve", "--root", str(root), "--port",
                             str(port)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        proc.stdout.readline()
        base = f"http://127.0.0.1:{port}"
        paths = ["/", "/?q=" + urllib.parse.quote("北方領土"), "/?q=Kuril", "/changes",
                 "/health", "/article/1", "/diff/11"]
        for _ in range(rounds):
            for path in paths:
                with urllib.request.urlopen(base + path, timeout=120) as answer:
                    answer.read()
        status = Path(f"/proc/{proc.pid}/status").read_text()
        hwm = next(line for line in status.splitlines() if line.startswith("VmHWM"))
        return int(hwm.split()[1]) / 1024
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__)
    parser.add_argument("--versions", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK / "corpus")
    args = parser.parse_args(argv)
    from archive.store.corpus import Corpus

    print(machine())
    root = args.work / f"root-{args.versions}"
    if root.exists():
        shutil.rmtree(root)
    t0 = time.perf_counter()
    generate(root, args.versions)
    print(f"generated {args.versions} article versions in {time.perf_counter() - t0:.1f} s "
          f"({(root / 'articles.jsonl').stat().st_size / 2**20:.0f} MiB of articles.jsonl)")
    t0 = time.perf_counter()
    with Corpus(root) as corpus:
        result = corpus.sync()
        count = corpus.count()
    took = time.perf_counter() - t0
    size = (root / "corpus.sqlite3").stat().st_size / 2**20
    print(f"index build: {count} versions ({result.added} added) in {took:.1f} s = "
          f"{took / count * 1000:.2f} s per 1,000 versions; corpus.sqlite3 {size:.0f} MiB")
    t0 = time.perf_counter()
    with Corpus(root) as corpus:
        corpus.sync()
    print(f"sync with nothing new: {(time.perf_counter() - t0) * 1000:.1f} ms")
    times = time_queries(root, args.queries)
    print(f"queries ({args.queries} of each kind, one process):")
    for name, values in times.items():
        print(f"  {name:<20} {percentiles(values)}")
    allq = [t for v in times.values() for t in v]
    print(f"  {'all':<20} {percentiles(allq)}")
    print(f"archive serve peak RSS after every page kind: {serve_rss(root):.0f} MiB")
    print(load_line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
