"""Cut a WARC with an incomplete tail back to its complete records (``check --repair``).

A file needs repair when the checker found an incomplete tail (a truncated last record or gzip
member, garbage after the last complete record) or when it is a writer's ``*.open`` file. The
repair writes a *new* file with every structurally complete record, in order, copied byte for
byte (re-compressed one member each only when records shared a member), and leaves the
original as it is: ``x.warc.gz.open`` -> ``x.warc.gz`` (or ``x.repaired.warc.gz`` if taken),
``x.warc.gz`` -> ``x.repaired.warc.gz``; ``--in-place`` keeps ``x.warc.gz.bak`` first. An
existing file is never overwritten; the new file is written under a temporary name, fsynced,
hard-linked to its name, and checked again. The rules in full: docs/checking.md, "Repair".
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass, field

from archive.warc.check.checker import Checker, is_open_name
from archive.warc.check.report import FileReport, RecordInfo
from archive.warc.inputs import DAMAGED_DIR
from archive.warc.reader import MemberStream


class RepairError(Exception):
    """A repair that could not be done (target exists, write failed, output not clean)."""


@dataclass
class RepairResult:
    """What one repair did."""

    source: str
    target: str | None
    kept: list[RecordInfo] = field(default_factory=list)
    kept_bytes: int = 0
    lines: list[str] = field(default_factory=list)


def needs_repair(report: FileReport) -> bool:
    """True for ``.open`` files and files whose tail is incomplete (not for the WARCs of a
    WACZ package: those are extracted copies)."""
    return (report.readable and report.package is None
            and (report.unclosed or report.incomplete_tail))


def damaged_dir(path: str | os.PathLike[str]) -> str:
    """Where the original of a repaired ``.open`` file goes: ``OUTPUT_DIR/damaged/`` for a
    crawl's ``OUTPUT_DIR/warc/<file>`` (where the crawl's own recovery puts it), else a
    ``damaged/`` folder beside the file. Tools that search directories never enter a
    ``damaged/`` folder (:mod:`archive.warc.inputs`)."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.basename(folder) == "warc":
        return os.path.join(os.path.dirname(folder), DAMAGED_DIR)
    return os.path.join(folder, DAMAGED_DIR)


def move_aside(path: str | os.PathLike[str]) -> str:
    """Move a repaired original into :func:`damaged_dir` (never over another file there);
    returns its new path."""
    folder = damaged_dir(path)
    os.makedirs(folder, exist_ok=True)
    name = os.path.basename(path)
    target = os.path.join(folder, name)
    n = 1
    while os.path.exists(target):
        n += 1
        target = os.path.join(folder, f"{name}.{n}")
    os.rename(path, target)
    Repairer._fsync_dir(folder)
    Repairer._fsync_dir(os.path.dirname(os.path.abspath(path)))
    return target


def repaired_name(path: str) -> str:
    """Where the repair of path goes (see the module docstring)."""
    if is_open_name(path):
        closed = path[: -len(".open")]
        if not os.path.exists(closed):
            return closed
        path = closed
    for suffix in (".warc.gz", ".warc"):
        if path.endswith(suffix):
            return path[: -len(suffix)] + ".repaired" + suffix
    return path + ".repaired"


class Repairer:
    """Writes the repaired copy of one checked file."""

    def __init__(self, report: FileReport) -> None:
        self.report = report

    def _chunks(self) -> list[tuple[RecordInfo, bytes]]:
        """(record, bytes to write) for every complete record, in file order."""
        report = self.report
        kept = report.complete_records
        out: list[tuple[RecordInfo, bytes]] = []
        with open(report.path, "rb") as fh:
            if not report.gzipped or all(r.aligned and r.c_end is not None for r in kept):
                for rec in kept:
                    end = rec.c_end if rec.c_end is not None else rec.d_end
                    fh.seek(rec.offset)
                    data = fh.read(end - rec.offset)
                    if len(data) != end - rec.offset:
                        raise RepairError(f"{report.path} changed while being repaired")
                    out.append((rec, data))
                return out
            stream = MemberStream(fh, True, report.size)
            for rec in kept:
                stream.seek(rec.d_start)
                stream.cross_at = rec.d_start
                data = stream.read(rec.d_end - rec.d_start)
                if len(data) != rec.d_end - rec.d_start:
                    raise RepairError(f"{report.path} changed while being repaired")
                c = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS + 16)
                out.append((rec, c.compress(data) + c.flush()))
        return out

    def repair(self, target: str | None = None, in_place: bool = False) -> RepairResult:
        """Write the repaired file (to repaired_name() unless target is given).

        ``in_place`` (not for ``.open`` files, which always go to their closed name) first
        copies the original to ``<file>.bak`` (refusing if that exists), then replaces the
        original with the repaired content.
        """
        report = self.report
        in_place = in_place and not is_open_name(report.path)
        target = report.path if in_place else (target or repaired_name(report.path))
        result = RepairResult(report.path, target)
        chunks = self._chunks()
        result.kept = [rec for rec, _ in chunks]
        result.kept_bytes = sum(len(data) for _, data in chunks)
        if not chunks:
            result.target = None
            result.lines.append(f"{report.path}: not repaired: no complete record to keep")
            result.lines.extend(self._dropped_lines())
            return result
        if in_place:
            backup = report.path + ".bak"
            if os.path.exists(backup):
                raise RepairError(f"{report.path}: not repaired in place: {backup} already "
                                  "exists (not overwriting it)")
            with open(report.path, "rb") as src:
                self._write(backup, [src.read()])
            result.lines.append(f"{report.path}: original kept as {backup}")
        elif os.path.exists(target):
            raise RepairError(f"{report.path}: not repaired: {target} already exists "
                              "(not overwriting it)")
        self._write(target, [data for _, data in chunks], replace=in_place)
        recheck = Checker.check_file(target)
        broken = [p for p in recheck.errors if p.kind in ("framing", "gzip", "file")]
        if broken:
            raise RepairError(f"{report.path}: repaired file {target} still has problems: "
                              + "; ".join(p.format() for p in broken[:3]))
        last = result.kept[-1]
        recompressed = report.gzipped and not all(r.aligned for r in result.kept)
        how = "re-compressed one gzip member per record" if recompressed else "copied verbatim"
        result.lines.append(
            f"{report.path}: repaired -> {target}: kept {len(result.kept)} records "
            f"({result.kept_bytes} bytes, {how}; last kept record at offset {last.offset} "
            f"{last.record_id or '-'} {last.rec_type or '-'})")
        result.lines.extend(self._dropped_lines())
        return result

    def _dropped_lines(self) -> list[str]:
        lines = []
        for d in self.report.dropped:
            who = f"{d.record_id or '-'} {d.rec_type or '-'}" if (d.record_id or d.rec_type) \
                else "no readable record header"
            lines.append(f"  dropped offset {d.offset}, {d.length} bytes: {who}: {d.reason}")
        if not self.report.dropped and self.report.unclosed:
            lines.append("  dropped nothing: the .open file ends with a complete record")
        return lines

    @staticmethod
    def _write(target: str, pieces: list[bytes], replace: bool = False) -> None:
        """Write pieces to target via a fsynced temporary file; never clobber unless replace."""
        folder = os.path.dirname(os.path.abspath(target))
        tmp = os.path.join(folder, f".{os.path.basename(target)}.{os.getpid()}.tmp")
        try:
            with open(tmp, "xb") as out:
                for piece in pieces:
                    out.write(piece)
                out.flush()
                os.fsync(out.fileno())
            if replace:
                os.replace(tmp, target)
                return
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise RepairError(f"{target} appeared meanwhile; not overwriting it") from None
            except OSError:  # filesystems without hard links
                if os.path.exists(target):
                    raise RepairError(f"{target} exists; not overwriting it") from None
                os.rename(tmp, target)
        except OSError as exc:
            raise RepairError(f"cannot write {target}: {exc}") from exc
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
            Repairer._fsync_dir(folder)

    @staticmethod
    def _fsync_dir(folder: str) -> None:
        try:
            dir_fd = os.open(folder, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(dir_fd)
        except OSError:
            pass
        finally:
            os.close(dir_fd)


def repair(report: FileReport, target: str | None = None, in_place: bool = False
           ) -> RepairResult:
    """Repair one checked file (see Repairer)."""
    return Repairer(report).repair(target, in_place)
