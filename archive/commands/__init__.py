"""The reading commands of ``python -m archive``: list, search, show, changes, reindex, serve.

Each module is one command (``configure(parser)``, ``run(args) -> int``, as every command of
:mod:`archive.cli`); they read an output root through its corpus index
(:mod:`archive.corpus`), which they bring up to date first.
"""
