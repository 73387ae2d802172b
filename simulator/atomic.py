"""Atomic file output: write to a temporary name in the same directory, fsync, then rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to `target`; on success it replaces `target` in one rename."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
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
    if isinstance(frame, pl.LazyFrame):
        return write_with(target, lambda p: frame.sink_csv(p))
    return write_with(target, lambda p: frame.write_csv(p))
