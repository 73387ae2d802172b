"""Scratch files: what kpsim writes while it works (a checked list's spilled batches, a list
transcoded to UTF-8, which holds full numbers).

Every run keeps them in its own folder `<pid>-<random>` inside one folder per user,
`$TMPDIR/kpsim-<uid>`, made owner-only (0700) and refused if another user owns it or it is a
symlink. The run's folder is removed when the process exits, when it is interrupted (SIGINT,
SIGTERM: see `simulator.cli.main`), and, for a run killed with SIGKILL, by the next run, which
sweeps away every folder whose pid no longer runs.

Paths a run is writing elsewhere (the staging folder of an `--out` set) are `track`ed so an
interrupt removes them too (`cleanup`).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from simulator.atomic import alive, stop_writing
from simulator.errors import InputError

_root: Path | None = None
_lock = threading.Lock()
_tracked: set[Path] = set()
_critical = threading.Lock()


def user_folder() -> Path:
    """`$TMPDIR/kpsim-<uid>`, owner-only; made if missing."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    folder = Path(tempfile.gettempdir()) / f"kpsim-{uid}"
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != uid):
        raise InputError(
            f"scratch folder {folder} is not a folder of this user",
            hint="remove it, or set TMPDIR to a folder of yours",
            code="scratch_not_owned",
        )
    if stat.S_IMODE(info.st_mode) != 0o700:
        os.chmod(folder, 0o700)
    return folder


def sweep(folder: Path) -> list[Path]:
    """Remove run folders (`<pid>-*`) in `folder` whose process has gone."""
    removed = []
    for entry in os.scandir(folder):
        pid = entry.name.split("-", 1)[0]
        if entry.name.startswith("."):
            continue
        if not pid.isdigit() or (int(pid) != os.getpid() and not alive(int(pid))):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed


def sweep_stale() -> None:
    """What every run does first: remove the scratch folders of runs that were killed."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    folder = Path(tempfile.gettempdir()) / f"kpsim-{uid}"
    with contextlib.suppress(OSError):
        info = os.lstat(folder)
        if stat.S_ISDIR(info.st_mode) and info.st_uid == uid:
            sweep(folder)


def _scratch_root() -> Path:
    global _root
    with _lock:
        if _root is None:
            folder = user_folder()
            sweep(folder)
            _root = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=folder))
            atexit.register(shutil.rmtree, _root, True)
        return _root


def directory(kind: str) -> Path:
    """A new directory `<kind>-*` in this process's scratch folder (made on first use)."""
    return Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=_scratch_root()))


def remove(path: Path) -> None:
    """Delete a scratch directory before the process exits (missing is fine)."""
    shutil.rmtree(path, ignore_errors=True)


def track(path: Path) -> None:
    """Remove `path` (file or folder) if the run is interrupted before `untrack(path)`."""
    with _lock:
        _tracked.add(path)


def untrack(path: Path) -> None:
    with _lock:
        _tracked.discard(path)


@contextlib.contextmanager
def critical() -> Iterator[None]:
    """A step an interrupt must not cut in two (swapping an `--out` set in): `cleanup` waits."""
    with _critical:
        yield


def cleanup() -> None:
    """Remove this process's scratch folder and every tracked path (on an interrupt), after
    any `critical` step under way has finished."""
    stop_writing()
    _critical.acquire(timeout=30)
    for path in list(_tracked) + ([_root] if _root is not None else []):
        if path.is_dir() and not path.is_symlink():
            _remove_while_written(path)
        else:
            path.unlink(missing_ok=True)


def _remove_while_written(folder: Path, patience: float = 5.0) -> None:
    """Remove `folder` although polars' writer threads may still be adding files to it (an
    interrupt does not stop them): a file created during one pass makes its `rmdir` fail, so
    pass again until the folder is gone; once it is, nothing can be written into it. The passes
    go on for up to `patience` seconds: on a busy machine the sinks of one collect may keep
    starting for a while (a staging folder was once left after SIGTERM in CI, with the test
    suite's workers running and half a second of patience)."""
    deadline = time.monotonic() + patience
    while True:
        shutil.rmtree(folder, ignore_errors=True)
        if not os.path.lexists(folder) or time.monotonic() > deadline:
            return
        time.sleep(0.01)
