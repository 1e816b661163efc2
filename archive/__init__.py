"""WARC writing, reading, checking, indexing and replay for newsarchive."""

__version__ = "0.1.0"
