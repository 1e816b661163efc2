"""``python -m archive serve``: the reading room, a local web app over an output root.

Read-only and without login, so it listens on 127.0.0.1 by default; ``--host 0.0.0.0`` (or an
address) serves it to the network, for a trusted one only. See :mod:`archive.webapp` for the
pages. Stops on Ctrl-C.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys

from archive.cli.reading import root_of
from archive.store.corpus import CorpusError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", default=None,
                        help="output root of the crawls (default: $NEWSARCHIVE_ROOT, else data)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765; 0: any)")
    parser.add_argument("--threads", type=int, default=4, help="worker threads (default 4)")


def run(args: argparse.Namespace) -> int:
    from waitress.server import create_server

    from archive.webapp import check_root, create_app

    root = root_of(args)
    try:
        check_root(root)
        app = create_app(root)
    except CorpusError as exc:
        print(f"archive serve: {exc}", file=sys.stderr)
        return 1
    try:
        server = create_server(app, host=args.host, port=args.port, threads=args.threads,
                               ident="newsarchive")
    except OSError as exc:
        print(f"archive serve: cannot listen on {args.host}:{args.port}: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return 1
    host, port = server.effective_host, server.effective_port  # type: ignore[attr-defined]
    shown = f"[{host}]" if ":" in str(host) else host
    print(f"reading room of {root.resolve()} on http://{shown}:{port}/ (Ctrl-C stops it)",
          flush=True)
    if not _loopback(args.host):
        print("archive serve: listening beyond this machine: anyone who can reach it reads "
              "the archive (no login)", file=sys.stderr)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
