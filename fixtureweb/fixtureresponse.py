"""A response of the fixture web before framing, and the plain-text answers it makes."""

from __future__ import annotations

import email.utils
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any


@dataclass
class FixtureResponse:
    """A response before framing: the server adds Content-Length / chunking / Connection."""

    status: int
    reason: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    chunked: bool = False
    chunk_size: int = 1024
    delay_ms: float = 0.0
    fault: dict[str, Any] | None = None
    file: Path | None = None
    note: str = ""

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def text_response(status: int, text: str, note: str = "") -> FixtureResponse:
    return FixtureResponse(
        status=status,
        reason=reason_phrase(status),
        headers=[
            ("Date", email.utils.formatdate(usegmt=True)),
            ("Server", "fixtureweb"),
            ("Content-Type", "text/plain; charset=utf-8"),
        ],
        body=text.encode("utf-8"),
        note=note,
    )
