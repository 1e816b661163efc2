"""The fixture web's request log: one :class:`LoggedRequest` per request it answered."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class LoggedRequest:
    """One request as the fixture web saw it (``path``/``query`` are raw, not decoded)."""

    time: float
    method: str
    scheme: str
    host: str
    path: str
    query: str
    headers: dict[str, str]
    status: int
    bytes_sent: int
    conditional: bool
    #: "proxy" (absolute form), "tunnel" (inside CONNECT), "direct", or "connect" (the CONNECT)
    mode: str = "direct"
    #: the file that answered, if any
    file: str | None = None
    #: fault name, "unknown host", ... (empty when nothing special happened)
    note: str = ""

    @property
    def url(self) -> str:
        if self.method == "CONNECT":
            return f"{self.host}:{self.path}"
        return f"{self.scheme}://{self.host}{self.path}" + (f"?{self.query}" if self.query else "")

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["url"] = self.url
        return data
