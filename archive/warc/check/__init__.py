"""Strict WARC validation, the engine behind ``python -m archive check``, one job a module.

``checker`` (the entry: :class:`~archive.warc.check.checker.Checker`), ``walker`` (one file),
``warcrecord`` (one WARC record), ``fields`` (header rules), ``digests``, ``framing`` (gzip
members), ``arc`` (ARC files), ``crossfile`` (references across files), ``report`` (what was
found). What is checked and why: docs/checking.md.
"""
