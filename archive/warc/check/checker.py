"""The entry of ``python -m archive check``: every input checked alone, then all together.

``Checker(inputs).run()`` expands the inputs (:mod:`archive.warc.inputs`), walks each file
(:mod:`archive.warc.check.walker`), then checks references across them
(:mod:`archive.warc.check.crossfile`). What is checked, and which problems are errors and
which warnings: docs/checking.md. Nothing raises: an unexpected exception while checking a
file becomes a problem of that file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO

from archive.warc.check.crossfile import cross_check
from archive.warc.check.report import FileReport, Problem
from archive.warc.check.walker import Walker
from archive.warc.inputs import OPEN_SUFFIX, check_inputs


def is_open_name(path: str) -> bool:
    """A writer's in-progress name (``*.open``)."""
    return path.endswith(OPEN_SUFFIX)


class Checker:
    """Check a set of WARC files, each on its own and then their records against each other.

    ``Checker(paths).run()`` returns the FileReports; ``problems`` lists every problem found,
    in file order then offset order.
    """

    def __init__(self, inputs: Sequence[str]) -> None:
        self.inputs = list(inputs)
        self.reports: list[FileReport] = []

    @property
    def problems(self) -> list[Problem]:
        """All problems of all files."""
        return [p for r in self.reports for p in r.problems]

    def run(self) -> list[FileReport]:
        """Check every input (directories and WACZ packages expanded, see
        :func:`archive.warc.inputs.check_inputs`), then the cross-file references."""
        self.reports = []
        for found in check_inputs(self.inputs):
            if found.problem:
                report = FileReport(found.name, readable=False)
                report.problems.append(Problem(found.name, None, None, found.problem, "file"))
                self.reports.append(report)
                continue
            report = self.check_file(str(found.path), name=found.name)
            if found.package is not None:
                report.package = str(found.package)
            self.reports.append(report)
        cross_check(self.reports)
        return self.reports

    @staticmethod
    def check_file(path: str, name: str | None = None) -> FileReport:
        """Check one file on its own (no cross-file reference checks); reported under
        ``name`` (default: ``path``)."""
        name = name or path
        report = FileReport(name, source=path if name != path else None)
        if is_open_name(path):
            report.unclosed = True
            report.problems.append(Problem(
                name, 0, None, "not closed: writer died or still running (.open file)", "file"))
        try:
            with open(path, "rb") as fh:
                Checker._walk(fh, report)
        except OSError as exc:
            report.readable = False
            report.problems.append(Problem(name, None, None, f"cannot read: {exc}", "file"))
        return report

    @staticmethod
    def check_stream(fh: BinaryIO, name: str) -> FileReport:
        """Check one seekable binary stream, reported under ``name``."""
        report = FileReport(name)
        if is_open_name(name):
            report.unclosed = True
            report.problems.append(Problem(
                name, 0, None, "not closed: writer died or still running (.open file)", "file"))
        Checker._walk(fh, report)
        return report

    @staticmethod
    def _walk(fh: BinaryIO, report: FileReport) -> None:
        walker = Walker(fh, report)
        try:
            walker.walk()
        except OSError:
            raise
        except Exception as exc:  # noqa: BLE001 - a checker must report, never crash
            offset = walker.s.pos if walker.s is not None and not walker.s.gzipped else None
            report.problems.append(Problem(
                report.path, offset, None,
                f"internal error while checking ({type(exc).__name__}: {exc}); "
                "the rest of the file was not checked", "file"))
            report.incomplete_tail = True
