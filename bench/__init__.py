"""Benchmarks of newsarchive: crawl, extraction, replay and WARC compression, measured side by
side with peers.

Run them from the repository root as modules (``python -m bench.crawl --help``); each prints
its settings, a table per measurement and ratio lines, and the figures go to
``docs/benchmarks.md``.
"""
