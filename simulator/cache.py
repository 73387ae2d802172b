"""A small on-disk cache for tables kpsim derives from its dependencies (never from a list).

Each entry is a JSON file named by what it is and a key that hashes everything it was built
from (the dependency's version and the source of the code that builds it), so a new
phonenumbers or a changed kpsim builds it afresh. Entries live in `$KPSIM_CACHE_DIR`, else
`$XDG_CACHE_HOME/kpsim`, else `~/.cache/kpsim` (made owner-only); `KPSIM_CACHE_DIR=off` turns
the cache off. A missing, unreadable or malformed entry is rebuilt; a cache that cannot be
written is skipped without a word: the cache only saves time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

OFF = {"", "0", "off", "none"}


def cache_dir() -> Path | None:
    """Where entries live, or None when the cache is off."""
    chosen = os.environ.get("KPSIM_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in OFF else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kpsim"


def key_of(*parts: str | bytes) -> str:
    """A short hash of everything an entry was built from."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()[:24]


def _entry(name: str, key: str) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / f"{name}-{key}.json"


def load(name: str, key: str) -> Any | None:
    """The stored value of an entry, or None (missing, unreadable or not JSON)."""
    path = _entry(name, key)
    if path is None:
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def store(name: str, key: str, value: Any) -> None:
    """Write an entry atomically (a temporary file renamed into place); errors are ignored."""
    path = _entry(name, key)
    if path is None:
        return
    with contextlib.suppress(OSError):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(value, fh, ensure_ascii=False)
            os.replace(temporary, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)


def cached(
    name: str,
    key: str,
    build: Callable[[], T],
    encode: Callable[[T], Any],
    decode: Callable[[Any], T | None],
) -> T:
    """The entry's value decoded (`decode` returns None for one it cannot trust), else
    `build()`, stored encoded unless it is None."""
    stored = decode(load(name, key))
    if stored is not None:
        return stored
    built = build()
    if built is not None:
        store(name, key, encode(built))
    return built
