"""The counts of one replay, the summary printed at its end, and the errors it reports."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

log = logging.getLogger(__name__)

#: errors reported one by one (the rest are counted)
MAX_REPORTED_ERRORS = 20


@dataclass
class Summary:
    """Counts of one replay."""

    files: int = 0
    records: int = 0
    responses: int = 0
    html_pages: int = 0
    articles: int = 0
    not_articles: int = 0
    errors: int = 0
    continuations: int = 0
    skipped_status: int = 0
    skipped_not_html: int = 0
    skipped_topic: int = 0
    skipped_unchanged: int = 0
    revisits: int = 0
    revisits_unresolved: int = 0
    missing_parts: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def pages_per_second(self) -> float:
        """HTML pages (continuations included) per second of wall-clock time."""
        pages = self.html_pages + self.continuations
        return pages / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = asdict(self)
        data["pages_per_second"] = round(self.pages_per_second, 2)
        return data

    def format(self) -> str:
        """The human summary printed at the end of a replay."""
        lines = [
            f"replay: {self.files} files, {self.records} records, {self.html_pages} HTML pages, "
            f"{self.articles} articles, {self.not_articles} not articles, {self.errors} errors, "
            f"{self.seconds:.1f} s, {self.pages_per_second:.1f} pages/s",
            f"  skipped: {self.skipped_status} non-200 responses, {self.skipped_not_html} not "
            f"HTML, {self.continuations} continuation pages (joined to their page 1), "
            f"{self.revisits} revisits ({self.revisits_unresolved} without their original), "
            f"{self.skipped_topic} off-topic articles, {self.skipped_unchanged} articles whose "
            "text had not changed since an earlier capture",
        ]
        if self.missing_parts:
            lines.append(f"  {self.missing_parts} parts of multi-page articles were not found "
                         "in these files")
        lines.extend(f"  problem: {p}" for p in self.problems)
        return "\n".join(lines)

    def error(self, url: str, reason: str) -> None:
        """Count an error; the first :data:`MAX_REPORTED_ERRORS` are logged one by one."""
        self.errors += 1
        if self.errors <= MAX_REPORTED_ERRORS:
            log.warning("%s: %s", url, reason)
        elif self.errors == MAX_REPORTED_ERRORS + 1:
            log.warning("more errors: only counted from now on")
