"""The sample-list generator (datasets/generate.py) works for every seed and is reproducible, and
the shipped samples are exactly what it writes from today's rules."""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "datasets"))
from generate import generate, write_samples


@pytest.mark.parametrize("seed", [34, *range(5)])
def test_the_generator_works_whatever_kind_of_number_comes_first(seed: int) -> None:
    frame = generate(50, seed=seed)
    assert frame.height == 50
    assert frame.schema["phone"] == pl.String


def test_the_generator_gives_the_same_list_for_the_same_seed() -> None:
    assert_frame_equal(
        generate(500, seed=7, lookup_column=True), generate(500, seed=7, lookup_column=True)
    )


def test_the_shipped_samples_are_what_the_generator_writes(tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parents[1] / "datasets"
    for written in write_samples(tmp_path):
        assert written.read_bytes() == (shipped / written.name).read_bytes(), (
            f"datasets/{written.name} is stale: run python datasets/generate.py --samples"
        )
