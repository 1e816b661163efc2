"""The WARC library: writing, reading, checking, indexing, repairing, WACZ.

The bottom layer: no Scrapy, no extraction (import-linter contract in
pyproject.toml).
"""
