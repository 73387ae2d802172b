"""The integer tail: plain national mobile numbers checked by integer arithmetic and one gather.

A cell that, stripped and with `-` and spaces removed, is the trunk prefix then a national number of the mobile length
(it casts to Int64: digits only) is looked up by its national number's first `WIDTH` digits in
a table built once from kpsim's own expressions: the fast-path test (`fast_steps`) decides which
prefixes are plain mobile numbers whatever the later digits (probed with many suffixes; any
prefix whose probes disagree is left to the string path), and the whole string pipeline
(`check`) gives each such prefix its checked columns. Every other cell takes the string path.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from simulator.numbers.classify import ClassRules, fast_path, fast_steps
from simulator.numbers.normalise import apply_steps
from simulator.numbers.tables import RegionTables

WIDTH = 5
"""Digits of the national number that index the table (the allocation table's prefix width)."""
MIN_DEPTH = 3
"""Leading digits whose fast-path outcome is probed for being independent of the rest."""
RANDOM_PROBES = 24
OUTCOME = "_outcome"

Check = Callable[[pl.DataFrame], pl.DataFrame]
"""The string pipeline on a frame of one `raw` column: its checked columns, row by row."""


@dataclass(frozen=True)
class IntegerTail:
    """`codes[p - 10**(WIDTH-1)]`: the outcome row (in `outcomes`) of national numbers starting
    with the WIDTH digits `p`, null where the string path decides."""

    trunk: str
    length: int
    country_code: str
    codes: pl.Series
    outcomes: pl.DataFrame


def probe_suffixes(length: int, seed: int = 12) -> list[str]:
    """Suffixes of `length` digits: all equal digits, each position set to each digit with the
    rest 0 or 9, and a few random ones."""
    out = {d * length for d in "0123456789"}
    for position in range(length):
        for base in "09":
            for digit in "0123456789":
                s = [base] * length
                s[position] = digit
                out.add("".join(s))
    rng = random.Random(seed)
    out.update(
        "".join(rng.choice("0123456789") for _ in range(length)) for _ in range(RANDOM_PROBES)
    )
    return sorted(out)


def fast_prefixes(region: RegionTables, rules: ClassRules, depth: int, length: int) -> list[str]:
    """National-number prefixes of `depth` digits on which every probe takes the fast path."""
    trunk = region.trunk_prefix
    heads = [str(p) for p in range(10 ** (depth - 1), 10**depth)]
    suffixes = probe_suffixes(length - depth)
    probes = pl.DataFrame({"_head": heads}).join(pl.DataFrame({"_tail": suffixes}), how="cross")
    probed = apply_steps(
        probes.lazy().with_columns(raw=pl.lit(trunk) + pl.col("_head") + pl.col("_tail")),
        fast_steps("raw", region, rules),
    )
    agreed = (
        probed.group_by("_head")
        .agg(pl.col("_fast").all().alias("all"), pl.col("_fclass").n_unique().alias("classes"))
        .filter(pl.col("all") & (pl.col("classes") == 1))
        .collect()
    )
    return sorted(agreed["_head"].to_list())


def build_integer_tail(
    region: RegionTables, rules: ClassRules, check: Check, issuance_prefixes: list[str]
) -> IntegerTail | None:
    """The table for one region and day (None where the region has no fast path, a trunk
    prefix other than zeros, or issuance prefixes longer than WIDTH)."""
    fp = fast_path(region)
    if fp is None or set(fp.trunk) != {"0"} or fp.length <= WIDTH:
        return None
    depth = max([MIN_DEPTH, *(len(p) for p in issuance_prefixes)])
    if depth > WIDTH:
        return None
    heads = fast_prefixes(region, rules, depth, fp.length)
    keys = [h + f"{n:0{WIDTH - depth}d}" for h in heads for n in range(10 ** (WIDTH - depth))]
    raws = [fp.trunk + k + "0" * (fp.length - WIDTH) for k in keys]
    checked = check(pl.DataFrame({"raw": raws}, schema={"raw": pl.String})).filter(
        pl.col("e164") == pl.Series([f"+{region.country_code}{r[len(fp.trunk) :]}" for r in raws])
    )
    keys = [raw[len(fp.trunk) : len(fp.trunk) + WIDTH] for raw in checked["raw"]]
    columns = [c for c in checked.columns if c not in ("raw", "e164")]
    outcomes = checked.select(columns).unique(maintain_order=True)
    indexed = checked.select(
        pl.Series("_key", [int(k) for k in keys], dtype=pl.Int64), *columns
    ).join(outcomes.with_row_index(OUTCOME), on=columns, how="left", nulls_equal=True)
    low = 10 ** (WIDTH - 1)
    codes = pl.Series(OUTCOME, [None] * (10**WIDTH - low), dtype=pl.UInt32).scatter(
        (indexed["_key"] - low), indexed[OUTCOME]
    )
    return IntegerTail(
        trunk=fp.trunk,
        length=fp.length,
        country_code=region.country_code,
        codes=codes,
        outcomes=outcomes,
    )


def tail_rows(frame: pl.DataFrame, tail: IntegerTail, phone: str) -> tuple[pl.Series, pl.DataFrame]:
    """(which rows of `frame` the tail decides, their `_key` (the E.164 digits as Int64) and
    outcome columns), from the `phone` column; the other rows take the string path. The string
    path ignores surrounding whitespace and reads only the digits of a cell without letters,
    `+`, `.` or 18 digits, so `-` and spaces between digits change nothing."""
    digits = frame.select(
        pl.col(phone)
        .cast(pl.String)
        .str.strip_chars()
        .str.replace_all("-", "", literal=True)
        .str.replace_all(" ", "", literal=True)
    )
    national = digits.to_series().cast(pl.Int64, strict=False)
    low, high = 10 ** (tail.length - 1), 10**tail.length
    plain = (
        (digits.to_series().str.len_bytes() == len(tail.trunk) + tail.length)
        & digits.to_series().str.starts_with(tail.trunk)
        & (national >= low)
        & (national < high)
    )
    keyed = (
        pl.DataFrame({"_n": national, "_plain": plain.fill_null(False)})
        .select(pl.when("_plain").then("_n").alias("_n"))
        .select(
            (pl.col("_n") + int(tail.country_code) * high).alias("_key"),
            (pl.col("_n") // 10 ** (tail.length - WIDTH) - 10 ** (WIDTH - 1)).alias("_head"),
        )
    )
    codes = tail.codes.gather(keyed["_head"])
    taken = codes.is_not_null()
    decided = pl.concat(
        [
            keyed.select("_key").filter(taken),
            tail.outcomes.select(pl.all().gather(codes.filter(taken))),
        ],
        how="horizontal",
    )
    return taken, decided
