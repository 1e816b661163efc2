"""Where the real replay tools are: pywb (with cdxj-indexer), Debian's chromium, ReplayWeb.page.

``.ci/replaytools`` installs them (CI runs it from ``.ci/run``; a developer runs it once):

* pywb and cdxj-indexer in a venv of their own (they pin old dependencies), under
  ``$NEWSARCHIVE_TOOLS_DIR`` (default ``${XDG_CACHE_HOME:-~/.cache}/newsarchive-tools``) as
  ``pywb-<version>/``;
* ReplayWeb.page's static files (``index.html``, ``ui.js``, ``sw.js``, from ``npm pack
  replaywebpage``) in ``replaywebpage-<version>/`` beside it;
* Debian's ``chromium`` (and a Japanese font, for legible screenshots) with apt.

A test that needs a tool the machine lacks is skipped with the reason and the command that
installs it; under CI (``CI=true``, where ``.ci/run`` has installed everything) it fails
instead, so that a missing install step cannot pass as a skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest

INSTALL = "bash .ci/replaytools"


def tools_dir() -> Path:
    """The folder ``.ci/replaytools`` installs into (the same rule as the script's)."""
    explicit = os.environ.get("NEWSARCHIVE_TOOLS_DIR")
    if explicit:
        return Path(explicit)
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "newsarchive-tools"


def _installed(prefix: str) -> list[Path]:
    """``<tools dir>/<prefix>-*`` folders that the script finished (``.complete``), newest
    version last."""
    root = tools_dir()
    if not root.is_dir():
        return []
    return sorted((p for p in root.glob(f"{prefix}-*") if (p / ".complete").exists()),
                  key=lambda p: [int(x) if x.isdigit() else 0
                                 for x in p.name[len(prefix) + 1:].split(".")])


@cache
def pywb_python() -> str | None:
    """A python that imports pywb and cdxj_indexer (its venv also holds ``wb-manager`` and
    ``wayback``): ``$NEWSARCHIVE_PYWB_PYTHON``, the installed venv, ``/tmp/pywbenv``."""
    candidates = [os.environ.get("NEWSARCHIVE_PYWB_PYTHON")]
    candidates += [str(p / "bin" / "python") for p in reversed(_installed("pywb"))]
    candidates.append("/tmp/pywbenv/bin/python")
    for python in candidates:
        if not python or not Path(python).exists():
            continue
        probe = subprocess.run(
            [python, "-c", "import cdxj_indexer.main, pywb.warcserver.index.cdxobject"],
            capture_output=True, timeout=60)
        if probe.returncode == 0:
            return python
    return None


def pywb_bin(name: str) -> Path:
    """``wb-manager`` or ``wayback`` of the venv :func:`pywb_python` found."""
    python = pywb_python()
    assert python is not None
    return Path(python).parent / name


@cache
def chromium() -> str | None:
    """Debian's chromium (``$NEWSARCHIVE_CHROMIUM`` overrides), or None."""
    explicit = os.environ.get("NEWSARCHIVE_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    return shutil.which("chromium")


@cache
def replaywebpage() -> Path | None:
    """A folder holding ReplayWeb.page's ``index.html``, ``ui.js`` and ``sw.js`` (the npm
    package's; ``$NEWSARCHIVE_REPLAYWEBPAGE`` overrides), or None."""
    explicit = os.environ.get("NEWSARCHIVE_REPLAYWEBPAGE")
    candidates = [Path(explicit)] if explicit else list(reversed(_installed("replaywebpage")))
    for folder in candidates:
        if all((folder / name).is_file() for name in ("index.html", "ui.js", "sw.js")):
            return folder
    return None


def need(found: object, what: str) -> None:
    """Skip (or, under CI, fail) the calling test when ``found`` is None."""
    if found is not None:
        return
    reason = f"{what} not installed: run `{INSTALL}`"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI must install it: .ci/run runs that script)")
    pytest.skip(reason)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wb_manager(cwd: Path, *args: str | Path) -> subprocess.CompletedProcess:
    """``wb-manager ARGS`` run in ``cwd`` (pywb's collections live in ``cwd/collections``)."""
    return subprocess.run([str(pywb_bin("wb-manager")), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@contextmanager
def wayback(cwd: Path, startup: float = 120) -> Iterator[str]:
    """pywb's ``wayback`` server over the collections in ``cwd``, bound to 127.0.0.1 on a free
    port; yields its base URL (``http://127.0.0.1:PORT``) once it answers."""
    port = free_port()
    log = (cwd / "wayback.log").open("wb")
    proc = subprocess.Popen([str(pywb_bin("wayback")), "-b", "127.0.0.1", "-p", str(port)],
                            cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"wayback exited with {proc.returncode}: "
                                     + (cwd / "wayback.log").read_text(errors="replace"))
            try:
                with urllib.request.urlopen(base + "/", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"wayback did not answer on {base} within "
                                         f"{startup:.0f} s") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
