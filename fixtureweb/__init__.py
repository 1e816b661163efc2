"""The fixture web: a loopback forward proxy serving fixture pages for real URLs.

``python -m fixtureweb`` runs it; docs/fixtureweb.md describes the data layout, the faults and
the API. Modules: :mod:`~fixtureweb.server` (:class:`FixtureWeb`), :mod:`~fixtureweb.fixturestore`
(the files on disk), :mod:`~fixtureweb.proxyhandler` (connections), :mod:`~fixtureweb.faultanswers`
(broken answers on purpose), :mod:`~fixtureweb.hold`, :mod:`~fixtureweb.requestlog`,
:mod:`~fixtureweb.fixtureresponse`, :mod:`~fixtureweb.httpheaders`, :mod:`~fixtureweb.tls`.
"""

from fixtureweb.faultanswers import FAULTS, register_fault
from fixtureweb.fixtureresponse import FixtureResponse
from fixtureweb.fixturestore import FixtureStore
from fixtureweb.hold import Hold
from fixtureweb.requestlog import LoggedRequest
from fixtureweb.server import FixtureWeb
from fixtureweb.tls import make_certificate

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
