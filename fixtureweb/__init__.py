"""The fixture web: a loopback forward proxy serving fixture pages for real URLs.

See :mod:`fixtureweb.server` for the data layout; ``python -m fixtureweb`` runs it.
"""

from fixtureweb import faults as _faults  # noqa: F401 - registers stall, drip, garbage, flaky
from fixtureweb.server import (
    FAULTS,
    FixtureResponse,
    FixtureStore,
    FixtureWeb,
    Hold,
    LoggedRequest,
    make_certificate,
    register_fault,
)

__all__ = [
    "FAULTS",
    "FixtureResponse",
    "FixtureStore",
    "FixtureWeb",
    "Hold",
    "LoggedRequest",
    "make_certificate",
    "register_fault",
]
