"""Compression benchmark: what each WARC gzip engine and level costs on news pages.

The WARC writer compresses every record as its own gzip member (:mod:`archive.warc.writer`); this
measures that step alone on the pages of the generated bench site (:mod:`bench.site`, 50-150
KB each, boilerplate included): for zlib at levels 1, 3, 6, 9 and ISA-L (``isal``) at its
levels 0-3, the CPU milliseconds per page (``time.process_time``, median over ``--reps``
interleaved passes: every configuration once, then again), the compressed size over the raw
size, and for each zlib level the ISA-L level ``WARC_GZIP_ENGINE=isal`` maps it to
(:func:`archive.warc.writer.isal_level`) with the speed ratio of the two. Every member is
inflated again by zlib and compared with its input, so only a correct engine is reported.

    python -m bench.compression --pages 400 --reps 5
"""

from __future__ import annotations

import argparse
import sys
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (  # noqa: E402
    DEFAULT_WORK,
    load_line,
    machine,
    median,
    ratio_line,
    table,
    versions,
)

ZLIB_LEVELS = (1, 3, 6, 9)
ISAL_LEVELS = (0, 1, 2, 3)


def _engines() -> dict[str, Any]:
    from archive.warc.writer import _isal_zlib

    isal_zlib = _isal_zlib()
    return {"zlib": zlib} if isal_zlib is None else {"zlib": zlib, "isal": isal_zlib}


def compress_all(module: Any, level: int, pages: Sequence[bytes]
                 ) -> tuple[float, list[bytes]]:
    """(CPU seconds, the members) of compressing every page as one gzip member, as the WARC
    writer does (one ``compress`` call per member, ``wbits`` 31)."""
    started = time.process_time()
    members = [module.compress(page, level, zlib.MAX_WBITS + 16) for page in pages]
    return time.process_time() - started, members


def round_trips(members: Sequence[bytes], pages: Sequence[bytes]) -> bool:
    """Whether zlib inflates every member back to its page."""
    return all(zlib.decompress(member, zlib.MAX_WBITS + 16) == page
               for member, page in zip(members, pages, strict=True))


def main(argv: Sequence[str] | None = None) -> int:
    """Command line; see the module docstring."""
    from archive.warc.writer import isal_level
    from bench.site import generate

    parser = argparse.ArgumentParser(prog="python -m bench.compression",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200, help="bench site size (default 200)")
    parser.add_argument("--reps", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument("--work", default=str(DEFAULT_WORK), help="scratch directory")
    args = parser.parse_args(argv)
    print(machine())
    print(versions())
    print("command: python -m bench.compression " + " ".join(
        sys.argv[1:] if argv is None else argv))
    started = time.monotonic()
    site = generate(Path(args.work) / f"site-{args.pages}", args.pages)
    pages = [f.read_bytes() for f in sorted(Path(site.root).rglob("*.html"))][:args.pages]
    raw = sum(len(p) for p in pages)
    print(f"input: {len(pages)} pages of the bench site, {raw / 1e6:.1f} MB, mean "
          f"{raw / len(pages) / 1000:.0f} KB")
    engines = _engines()
    configs = [("zlib", n) for n in ZLIB_LEVELS]
    if "isal" in engines:
        configs += [("isal", n) for n in ISAL_LEVELS]
    else:
        print("isal is not installed: ISA-L not measured")
    times: dict[tuple[str, int], list[float]] = {c: [] for c in configs}
    sizes: dict[tuple[str, int], int] = {}
    correct: dict[tuple[str, int], bool] = {}
    for _ in range(args.reps):
        for config in configs:
            seconds, members = compress_all(engines[config[0]], config[1], pages)
            times[config].append(seconds)
            sizes[config] = sum(len(m) for m in members)
            correct[config] = correct.get(config, True) and round_trips(members, pages)
    rows = []
    for config in configs:
        ok = correct[config]
        rows.append([config[0], config[1], 1000 * median(times[config]) / len(pages),
                     f"{sizes[config] / raw:.3f}", "yes" if ok else "NO"])
    print()
    print(table(["engine", "level", "CPU ms/page", "compressed / raw", "zlib inflates it"],
                rows))
    print()
    if "isal" in engines:
        for level in ZLIB_LEVELS:
            mapped = isal_level(level)
            if mapped is None:
                continue
            ratios = [z / i for z, i in zip(times[("zlib", level)], times[("isal", mapped)],
                                            strict=True) if i]
            print(ratio_line(f"isal{mapped}_vs_zlib{level} compression speed", ratios))
            print(f"  size: ISA-L {mapped} {sizes[('isal', mapped)] / raw:.3f} of raw, zlib "
                  f"{level} {sizes[('zlib', level)] / raw:.3f}")
    print(f"\n{load_line()}; total {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
