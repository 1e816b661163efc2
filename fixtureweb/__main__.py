"""``python -m fixtureweb``: run the fixture web in the foreground.

The first stdout line is the proxy URL (``http://127.0.0.1:PORT``) so a demo script can read it;
point ``http_proxy`` / ``https_proxy`` at it.  Stops on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from fixtureweb.server import FixtureWeb


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m fixtureweb",
        description="Loopback forward proxy that answers real URLs from fixture files.",
    )
    parser.add_argument(
        "--root",
        action="append",
        default=[],
        metavar="DIR",
        help="fixture root (repeatable; first match wins; default: the bundled fixtureweb/web)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0 = a free port)")
    parser.add_argument("--delay-ms", type=float, default=0.0, help="sleep before each response")
    parser.add_argument("--log", metavar="FILE", help="append one JSON line per request")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    args = parser.parse_args(argv)

    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    web = FixtureWeb(
        roots=args.root or None,
        delay_ms=args.delay_ms,
        log_path=args.log,
        host=args.host,
        port=args.port,
    )
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with web:
        print(web.proxy_url, flush=True)
        roots = ", ".join(str(r) for r in web.store.roots)
        print(f"fixtureweb: serving {roots} (Ctrl-C to stop)", file=sys.stderr, flush=True)
        while not stop.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
