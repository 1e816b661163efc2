"""The archive files a command is given: the one expansion every tool that reads archives uses.

``check``, ``index``, ``stats``, ``replay``, ``export-wacz`` and ``WARC_REPLAY`` all take files,
directories (searched recursively; ``*.open`` files skipped with a warning unless asked for,
``damaged/`` folders never entered), globs and WACZ packages (their WARCs extracted once per
process to a temporary directory, named ``package.wacz#archive/x.warc.gz`` in messages), and
expand them here: :func:`expand` (every flavour), :func:`check_inputs` (``check``'s),
:func:`paths` (``replay``, ``export-wacz``), :func:`expand_spec` (``WARC_REPLAY``'s setting).
The rules in full: docs/warc.md, "Reading other tools' archives".
"""

from __future__ import annotations

import atexit
import glob
import logging
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

log = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc", ".warc.gz")
ARC_SUFFIXES = (".arc", ".arc.gz")
ARCHIVE_SUFFIXES = WARC_SUFFIXES + ARC_SUFFIXES
WACZ_SUFFIX = ".wacz"
OPEN_SUFFIX = ".open"
#: folder of originals already repaired (a crawl's recovery and ``check --repair`` put
#: them there); never entered when a directory is searched
DAMAGED_DIR = "damaged"
_GLOB_CHARS = frozenset("*?[")
_ZIP_MAGIC = b"PK\x03\x04"
_COPY = 1024 * 1024


@dataclass(frozen=True)
class ArchiveFile:
    """One archive file to read."""

    #: a file that can be opened and seeked in: the file itself, or a WACZ member extracted
    path: Path
    #: what to call it in messages: the path as given, or ``package.wacz#archive/x.warc.gz``
    name: str
    #: the WACZ package it was taken from, if any
    package: Path | None = None
    #: why this input cannot be read (a package that is no WACZ), else None
    problem: str | None = None

    def __str__(self) -> str:
        return self.name


def is_archive_name(name: str, *, open_files: bool = True) -> bool:
    """Whether a file name looks like a WARC, ARC or WACZ (``*.open`` ones when asked)."""
    lower = name.lower()
    if lower.endswith(OPEN_SUFFIX):
        if not open_files:
            return False
        lower = lower[: -len(OPEN_SUFFIX)]
    return lower.endswith(ARCHIVE_SUFFIXES) or lower.endswith(WACZ_SUFFIX)


def is_package(path: Path) -> bool:
    """Whether ``path`` is a WACZ package: named ``*.wacz``, or a zip file (by its magic)."""
    if path.name.lower().endswith(WACZ_SUFFIX):
        return True
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == _ZIP_MAGIC
    except OSError:
        return False


def expand(
    entries: Iterable[str | os.PathLike[str]],
    *,
    walk_open: bool = False,
    open_beside: bool = False,
    missing_ok: bool = False,
) -> list[ArchiveFile]:
    """The archive files named by ``entries`` (see the module docstring).

    ``walk_open``: take ``*.open`` files found in directories and by globs (else skipped
    with a warning). ``open_beside``: also take the ``*.warc.open``/``*.warc.gz.open`` files
    lying beside each file named (``check`` reports a dead writer's leftovers that way).
    ``missing_ok``: a name that matches nothing is kept as a file (its reader says it cannot
    be read) instead of raising FileNotFoundError.
    """
    out: list[ArchiveFile] = []
    seen: set[tuple[Path, str | None]] = set()

    def add(found: ArchiveFile) -> None:
        key = (_real(found.package or found.path), found.name if found.package else None)
        if key not in seen:
            seen.add(key)
            out.append(found)

    for entry in entries:
        text = os.fspath(entry)
        path = Path(text).expanduser()
        if path.is_dir():
            matched = list(_walk(path))
        elif path.exists() or not _GLOB_CHARS.intersection(text):
            if not path.exists() and not missing_ok:
                raise FileNotFoundError(f"{text}: no such file or directory")
            for found in _file(path, text):
                add(found)
            if open_beside and path.is_file():
                for name in _open_beside(path):
                    add(ArchiveFile(path.parent / name, os.path.join(os.path.dirname(text),
                                                                     name)))
            continue
        else:
            matched = sorted(Path(p) for p in glob.glob(os.path.expanduser(text), recursive=True)
                             if os.path.isfile(p) and is_archive_name(os.path.basename(p)))
            if not matched:
                raise FileNotFoundError(f"{text}: matches no WARC, ARC or WACZ file")
        for found_path in matched:
            if found_path.name.endswith(OPEN_SUFFIX) and not walk_open:
                log.warning("skipping %s (still open, or left by a crawl that died: "
                            "`python -m archive check --repair` it, or name it explicitly)",
                            found_path)
                continue
            for found in _file(found_path, str(found_path)):
                add(found)
    return out


def check_inputs(entries: Iterable[str | os.PathLike[str]]) -> list[ArchiveFile]:
    """What ``check`` reads: :func:`expand` with ``*.open`` files taken everywhere (also those
    beside a named file: a dead writer's leftovers) and a name that matches nothing kept, for
    ``check`` to report it as unreadable."""
    return expand(entries, walk_open=True, open_beside=True, missing_ok=True)


def paths(entries: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The readable files of :func:`expand` as paths, sorted by base name (then path), so
    that the order of the arguments does not change a tool's outputs. Raises ValueError for
    an input that cannot be read (a package that is no WACZ)."""
    found = expand(entries)
    for item in found:
        if item.problem:
            raise ValueError(f"{item.name}: {item.problem}")
    return sorted((item.path for item in found), key=lambda p: (p.name, str(p)))


def readable(entries: Iterable[str | os.PathLike[str]],
             on_problem: Callable[[str], None]) -> Iterator[ArchiveFile]:
    """The readable files of :func:`expand`, entry by entry; for an entry that matches nothing
    or a file that cannot be read, ``on_problem`` gets one line (``name: why``) instead."""
    for entry in entries:
        try:
            found = expand([entry])
        except FileNotFoundError as exc:
            on_problem(str(exc))
            continue
        for item in found:
            if item.problem:
                on_problem(f"{item.name}: {item.problem}")
            else:
                yield item


def expand_spec(spec: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
                label: str = "WARC_REPLAY") -> list[Path]:
    """The archive files named by a setting's value ``spec`` (``WARC_REPLAY``'s): a file, a
    directory, a glob, a WACZ package, or a list of those; a string may hold several entries
    separated by commas.

    Directories are searched recursively; ``*.open`` files found in directories or by globs
    are skipped with a warning (name one explicitly to use it). Each file appears once, in the
    order given (directory and glob matches sorted by name). Raises FileNotFoundError for an
    entry that matches nothing, ValueError for a package that cannot be read; their messages
    start with ``label``.
    """
    if isinstance(spec, (str, os.PathLike)):
        entries = [e.strip() for e in os.fspath(spec).split(",") if e.strip()]
    else:
        entries = [os.fspath(e) for e in spec]
    found: list[Path] = []
    for entry in entries:
        try:
            matched = expand([entry])
        except FileNotFoundError as exc:
            raise FileNotFoundError(f"{label}: {exc}") from None
        if not matched:
            raise FileNotFoundError(f"{label}: no WARC files in {entry}")
        for item in matched:
            if item.problem:
                raise ValueError(f"{label}: {item.name}: {item.problem}")
            found.append(item.path)
    seen: set[Path] = set()
    unique = []
    for p in found:
        real = p.resolve()
        if real not in seen:
            seen.add(real)
            unique.append(p)
    return unique


def find_warc(root: str | Path, filename: str) -> Path:
    """The WARC named ``filename`` (a record pointer's file) under a crawl's output folder
    ``root``: ``root/warc/`` first, then anywhere below. FileNotFoundError when it is not
    there."""
    root = Path(root)
    direct = root / "warc" / filename
    if direct.exists():
        return direct
    for candidate in root.rglob(filename):
        return candidate
    raise FileNotFoundError(f"{filename} not found under {root}")


def _real(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def _walk(folder: Path) -> Iterator[Path]:
    """Archive files under ``folder``, recursively, sorted, ``damaged/`` folders left out."""
    for root, dirs, files in os.walk(folder):
        if DAMAGED_DIR in dirs:
            log.info("not searching %s: it holds originals already repaired",
                     os.path.join(root, DAMAGED_DIR))
        dirs[:] = sorted(d for d in dirs if d != DAMAGED_DIR)
        for name in sorted(files):
            if is_archive_name(name):
                yield Path(root) / name


def _open_beside(path: Path) -> list[str]:
    """Names of ``*.warc.open``/``*.warc.gz.open`` files in the folder of ``path``."""
    try:
        names = sorted(os.listdir(path.parent))
    except OSError:
        return []
    return [n for n in names if n.endswith(OPEN_SUFFIX)
            and n[: -len(OPEN_SUFFIX)].endswith(WARC_SUFFIXES)]


def _file(path: Path, name: str) -> list[ArchiveFile]:
    """One named file: itself, or the archive files packaged in it."""
    if path.is_file() and is_package(path):
        return _unpack(path, name)
    return [ArchiveFile(path, name)]


# -- WACZ packages ---------------------------------------------------------------------------

_unpacked: dict[tuple[Path, int, int], list[ArchiveFile]] = {}
_tmp: dict[str, object] = {}


def _tmpdir() -> Path:
    """This process's directory for extracted members (removed at exit)."""
    made = _tmp.get("dir")
    if made is None:
        made = Path(tempfile.mkdtemp(prefix="newsarchive-wacz-"))
        _tmp["dir"], _tmp["pid"] = made, os.getpid()
        atexit.register(_cleanup)
    assert isinstance(made, Path)
    return made


def _cleanup() -> None:
    made = _tmp.get("dir")
    if isinstance(made, Path) and _tmp.get("pid") == os.getpid():  # not in forked children
        shutil.rmtree(made, ignore_errors=True)


def _members(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The WARC/ARC files of a package: ``archive/<name>``, as WACZ 1.x lays them out."""
    found = []
    for info in zf.infolist():
        parts = PurePosixPath(info.filename).parts
        if (len(parts) == 2 and parts[0] == "archive" and not info.is_dir()
                and is_archive_name(parts[1], open_files=False)):
            found.append(info)
    return found


def _unpack(package: Path, name: str) -> list[ArchiveFile]:
    """The WARCs of a WACZ package, extracted (once per process) to the temporary directory."""
    try:
        stat = package.stat()
        key = (_real(package), stat.st_mtime_ns, stat.st_size)
    except OSError as exc:
        return [ArchiveFile(package, name, problem=f"cannot read: {exc.strerror or exc}")]
    if key in _unpacked:
        return _unpacked[key]
    try:
        with zipfile.ZipFile(package) as zf:
            members = _members(zf)
            if not members:
                return [ArchiveFile(package, name, problem="not a WACZ package: no WARC or ARC "
                                    "file under archive/")]
            dest = _tmpdir() / str(len(_unpacked))
            dest.mkdir()
            found = []
            for info in members:
                target = dest / PurePosixPath(info.filename).name
                with zf.open(info) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst, _COPY)  # zipfile checks the member's CRC
                found.append(ArchiveFile(target, f"{name}#{info.filename}", package))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError,
            EOFError) as exc:
        return [ArchiveFile(package, name, problem=f"not a readable WACZ package: "
                            f"{type(exc).__name__}: {exc}")]
    _unpacked[key] = found
    return found
