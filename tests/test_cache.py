"""kpsim's on-disk cache: a cached table equals a fresh build, and a bad cache costs only time."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from simulator import cache
from simulator.numbers import tables
from simulator.numbers.integer_tail import INTEGER_TAIL
from simulator.numbers.recipients import setup_check
from simulator.numbers.tables import COUNTRY_PATTERNS, build_country_patterns, country_patterns


@pytest.fixture
def cache_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("KPSIM_CACHE_DIR", str(tmp_path))
    country_patterns.cache_clear()
    yield tmp_path
    country_patterns.cache_clear()


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{COUNTRY_PATTERNS}-*.json"))


def test_country_patterns_read_from_the_cache_equal_a_fresh_build(
    cache_in: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = country_patterns("81")
    assert len(entries(cache_in)) == 1
    country_patterns.cache_clear()

    def refuse(exclude: str) -> tables.CountryPatterns:
        raise AssertionError("built again although cached")

    monkeypatch.setattr(tables, "build_country_patterns", refuse)
    assert country_patterns("81") == built
    monkeypatch.undo()
    assert built == build_country_patterns("81")


@pytest.mark.parametrize(
    "content",
    [
        "",
        "not json",
        "[]",
        '{"general": {}, "specific": {}}',
        '{"general": 1, "specific": {}, "code_lengths": []}',
    ],
    ids=["empty", "not_json", "a_list", "a_key_missing", "wrong_types"],
)
def test_a_malformed_cache_entry_is_rebuilt(cache_in: Path, content: str) -> None:
    country_patterns("81")
    [entry] = entries(cache_in)
    entry.write_text(content)
    country_patterns.cache_clear()
    assert country_patterns("81") == build_country_patterns("81")


def test_a_cache_that_cannot_be_written_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    monkeypatch.setenv("KPSIM_CACHE_DIR", str(blocker / "kpsim"))
    country_patterns.cache_clear()
    try:
        assert country_patterns("81") == build_country_patterns("81")
    finally:
        country_patterns.cache_clear()


@pytest.mark.parametrize("value", ["off", "0", ""])
def test_the_cache_can_be_turned_off(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPSIM_CACHE_DIR", value)
    assert cache.cache_dir() is None
    cache.store("anything", "key", {"a": 1})
    assert cache.load("anything", "key") is None


def test_the_cache_folder_is_owner_only(cache_in: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = cache_in / "nested"
    monkeypatch.setenv("KPSIM_CACHE_DIR", str(folder))
    cache.store("entry", cache.key_of("x"), [1, 2])
    assert (folder.stat().st_mode & 0o777) == 0o700
    assert cache.load("entry", cache.key_of("x")) == [1, 2]


def test_the_key_changes_with_every_part() -> None:
    assert cache.key_of("a", "b") != cache.key_of("ab")
    assert cache.key_of("a", b"b") == cache.key_of("a", "b")
    assert cache.key_of("8.13.0", "81") != cache.key_of("8.13.1", "81")


def test_the_integer_tail_read_from_the_cache_equals_a_fresh_build(cache_in: Path) -> None:
    frame = pl.DataFrame({"phone": ["09012345678"]}, schema={"phone": pl.String})
    fresh = setup_check(frame, as_of=dt.date(2026, 11, 25)).integer_tail
    assert list(cache_in.glob(f"{INTEGER_TAIL}-*.json"))
    cached = setup_check(frame, as_of=dt.date(2026, 11, 25)).integer_tail
    assert fresh is not None and cached is not None
    assert cached.codes.equals(fresh.codes)
    assert cached.restores.equals(fresh.restores)
    assert cached.outcomes.equals(fresh.outcomes)
    assert (cached.trunk, cached.lengths, cached.country_code) == (
        fresh.trunk,
        fresh.lengths,
        fresh.country_code,
    )


def test_a_malformed_integer_tail_entry_is_rebuilt(cache_in: Path) -> None:
    frame = pl.DataFrame({"phone": ["09012345678"]}, schema={"phone": pl.String})
    fresh = setup_check(frame, as_of=dt.date(2026, 11, 25)).integer_tail
    for entry in cache_in.glob(f"{INTEGER_TAIL}-*.json"):
        value = json.loads(entry.read_text())
        entry.write_text(json.dumps({**value, "codes": value["codes"][:10]}))
    again = setup_check(frame, as_of=dt.date(2026, 11, 25)).integer_tail
    assert fresh is not None and again is not None
    assert again.codes.equals(fresh.codes)


def test_the_cache_keys_are_the_same_in_every_process() -> None:
    """The rules' reprs key the integer tail: no set order may leak into them."""
    script = (
        "import datetime as dt, hashlib\n"
        "from simulator.numbers.recipients import setup_check\n"
        "import polars as pl\n"
        "s = setup_check(pl.DataFrame({'phone': ['09012345678']}), as_of=dt.date(2026, 11, 25))\n"
        "print(hashlib.sha256(repr((s.region, s.rules, s.grammar, s.carriers)).encode()).hexdigest())\n"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(keys) == 1
