"""Atomic file output: write to a temporary name in the same directory, fsync, then rename.

A temporary file is named `.<target>.<pid>.<random>.tmp`; one left behind by a killed process is
never read as an output and is removed the next time the same target is written.
"""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl


def alive(pid: int) -> bool:
    """Whether process `pid` still runs (a stale temporary or scratch folder names its pid)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(target: Path) -> list[Path]:
    """Delete temporary files for `target` whose writing process has died (POSIX only)."""
    if os.name != "posix":
        return []
    prefix = f".{target.name}."
    removed = []
    for name in glob.glob(glob.escape(str(target.parent / prefix)) + "*.tmp"):
        pid = Path(name).name[len(prefix) :].split(".", 1)[0]
        if not pid.isdigit() or not alive(int(pid)):
            Path(name).unlink(missing_ok=True)
            removed.append(Path(name))
    return removed


_stopped = threading.Event()


def stop_writing() -> None:
    """From now on a thread that would write (or report why a write failed) waits for good:
    an interrupt is removing the run's files and ends the process (`simulator.scratch`)."""
    _stopped.set()


def hold_if_stopped() -> None:
    """Wait for good after `stop_writing`, so a folder being removed is never made again."""
    if _stopped.is_set():
        threading.Event().wait()


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to `target`; on success it replaces `target` in one rename."""
    target = Path(target)
    hold_if_stopped()
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(target: str | Path, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def write_text(target: str | Path, text: str) -> Path:
    return write_bytes(target, text.encode("utf-8"))


def write_with(target: str | Path, writer: Callable[[Path], None]) -> Path:
    """Atomically write a file produced by `writer(tmp_path)` (parquet, csv, png, ...)."""
    with atomic_path(target) as tmp:
        writer(tmp)
    return Path(target)


def write_parquet(target: str | Path, frame: pl.DataFrame | pl.LazyFrame) -> Path:
    if isinstance(frame, pl.LazyFrame):
        return write_with(target, lambda p: frame.sink_parquet(p))
    return write_with(target, lambda p: frame.write_parquet(p))


def write_csv(target: str | Path, frame: pl.DataFrame | pl.LazyFrame) -> Path:
    """A CSV for people: UTF-8 with a byte-order mark, so Japanese Excel reads it right."""
    if isinstance(frame, pl.LazyFrame):
        return write_with(target, lambda p: frame.sink_csv(p, include_bom=True))
    return write_with(target, lambda p: frame.write_csv(p, include_bom=True))
