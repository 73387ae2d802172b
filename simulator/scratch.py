"""Scratch files: one temporary directory per process for what kpsim writes while it works
(a checked list's spilled batches, a list transcoded to UTF-8), removed when the process exits."""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from pathlib import Path

_root: Path | None = None
_lock = threading.Lock()


def _scratch_root() -> Path:
    global _root
    with _lock:
        if _root is None:
            _root = Path(tempfile.mkdtemp(prefix="kpsim-"))
            atexit.register(shutil.rmtree, _root, True)
        return _root


def directory(kind: str) -> Path:
    """A new directory `<kind>-*` in this process's scratch root (made on first use)."""
    return Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=_scratch_root()))


def remove(path: Path) -> None:
    """Delete a scratch directory before the process exits (missing is fine)."""
    shutil.rmtree(path, ignore_errors=True)
