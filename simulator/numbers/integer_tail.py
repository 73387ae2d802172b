"""The integer tail: national numbers checked by integer arithmetic and one gather.

A cell that is the trunk prefix then a national number of one of the table's lengths (those of
the region's number types from WIDTH + 1 digits to the mobile length: mobile, landline, IP
phone, toll-free, ...), digits and `-` only (it casts to Int64 once `-` is removed), is looked
up by its length and its national number's first `WIDTH` digits in a table built once from
kpsim's own string pipeline (`check`): a prefix is in the table when every probe (the prefix
with many suffixes) gets the same checked columns but the carrier's, and an E.164 number that
is the country code then the national number; each WIDTH-digit prefix then gets the checked
columns of one number, its carrier included (carriers are allocated by WIDTH-digit prefix).
Any prefix whose probes disagree is left to the string path (`tail_rows`). The other ways of
writing such a number with digits, `+`, `-`, spaces and brackets only (`+81 90-…`, `0081-…`,
`(090)…`, `'090…`, a mobile number's lost trunk 0) reach the same table through kpsim's own
prefix split (`written_rows`). Every other cell takes the string path. The table is cached on
disk (`cached_integer_tail`, see `simulator.cache`).
"""

from __future__ import annotations

import functools
import operator
import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import phonenumbers
import polars as pl

from simulator import cache as disk_cache
from simulator.numbers.classify import (
    FLOAT_SUFFIX_REMOVED,
    LEADING_ZERO_RESTORED,
    ClassRules,
    fast_path,
    fast_steps,
)
from simulator.numbers.normalise import (
    FLOAT_RESIDUE,
    MIN_RUN,
    WRITTEN_CHARACTERS,
    WRITTEN_DIGITS,
    Grammar,
    apply_steps,
    prefix_steps,
)
from simulator.numbers.tables import RegionTables

WIDTH = 5
"""Digits of the national number that index the table (the allocation table's prefix width)."""
SPAN = 10**WIDTH - 10 ** (WIDTH - 1)
"""Entries of the table per national-number length (one per WIDTH-digit prefix)."""
CARRIER_COLUMNS = ("allocated_carrier", "carrier", "carrier_source")
"""Checked columns that may differ within a probed prefix (allocation is by WIDTH digits)."""
MIN_DEPTH = 3
"""Leading digits whose fast-path outcome is probed for being independent of the rest."""
RANDOM_PROBES = 24
OUTCOME = "_outcome"
SEPARATORS = sorted(WRITTEN_CHARACTERS - set(string.digits))
"""What is not a digit in a WRITTEN_DIGITS cell."""
KEY = "_key"

Check = Callable[[pl.DataFrame], pl.DataFrame]
"""The string pipeline on a frame of one `raw` column: its checked columns, row by row."""


@dataclass(frozen=True)
class IntegerTail:
    """`codes[i * SPAN + p - 10**(WIDTH-1)]`: the outcome row (in `outcomes`) of national numbers
    of `lengths[i]` digits starting with the WIDTH digits `p`, null where the string path
    decides; `restores` (same index) says whether the number is of the mobile type, so that
    written without its trunk prefix it is read as a national number with the prefix restored."""

    trunk: str
    lengths: tuple[int, ...]
    country_code: str
    codes: pl.Series
    restores: pl.Series
    outcomes: pl.DataFrame


INTEGER_TAIL = "integer-tail"


def cached_integer_tail(
    made_of: tuple[str, ...], build: Callable[[], IntegerTail | None]
) -> IntegerTail | None:
    """`build()`, or the table it built before from the same rules (`made_of`: their reprs),
    phonenumbers, polars and string pipeline (the numbers package's source), from kpsim's
    cache (`simulator.cache`)."""
    sources = sorted(Path(__file__).parent.glob("*.py"))
    key = disk_cache.key_of(
        phonenumbers.__version__, pl.__version__, *made_of, *(p.read_bytes() for p in sources)
    )
    return disk_cache.cached(INTEGER_TAIL, key, build, _encoded_tail, _stored_tail)


def _encoded_tail(tail: IntegerTail | None) -> dict[str, object] | None:
    """A tail as JSON (`simulator.cache.cached` stores no None)."""
    if tail is None:
        return None
    return {
        "trunk": tail.trunk,
        "lengths": list(tail.lengths),
        "country_code": tail.country_code,
        "codes": tail.codes.to_list(),
        "restores": tail.restores.arg_true().to_list(),
        "outcomes": tail.outcomes.cast(pl.String).to_dict(as_series=False),
    }


def _stored_tail(value: object) -> IntegerTail | None:
    """A cached IntegerTail, or None if the entry is not one (wrong keys, types or sizes)."""
    keys = {"trunk", "lengths", "country_code", "codes", "restores", "outcomes"}
    if not isinstance(value, dict) or set(value) != keys or not isinstance(value["outcomes"], dict):
        return None
    try:
        columns = value["outcomes"]
        outcomes = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))
        codes = pl.Series(OUTCOME, value["codes"], dtype=pl.UInt32, strict=True)
        restoring = pl.Series(value["restores"], dtype=pl.UInt32, strict=True)
        restores = pl.Series([False] * codes.len(), dtype=pl.Boolean).scatter(restoring, True)
        tail = IntegerTail(
            trunk=str(value["trunk"]),
            lengths=tuple(int(n) for n in value["lengths"]),
            country_code=str(value["country_code"]),
            codes=codes,
            restores=restores,
            outcomes=outcomes.cast(pl.Categorical),
        )
    except (TypeError, ValueError, IndexError, pl.exceptions.PolarsError):
        return None
    whole = codes.len() == SPAN * len(tail.lengths) and tail.lengths == tuple(sorted(tail.lengths))
    in_range = bool((codes.drop_nulls() < outcomes.height).all())
    return tail if whole and in_range else None


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


def national_lengths(region: RegionTables, mobile_length: int) -> tuple[int, ...]:
    """National-number lengths the table covers: those of the region's number types from
    WIDTH + 1 digits up to the mobile length (longer ones are rare in lists and near Int64's
    limit once the country code is added)."""
    lengths = {n for t in region.types for n in t.lengths if WIDTH < n <= mobile_length}
    return tuple(sorted(lengths))


def agreed_prefixes(
    check: Check, trunk: str, country_code: str, depth: int, length: int
) -> list[str]:
    """National-number prefixes of `depth` digits, for national numbers of `length` digits, on
    which every probe gets the E.164 number `+`, country code, national number and the same
    checked columns but the carrier's."""
    heads = [str(p) for p in range(10 ** (depth - 1), 10**depth)]
    suffixes = probe_suffixes(length - depth)
    nationals = [h + s for h in heads for s in suffixes]
    checked = check(
        pl.DataFrame({"raw": [trunk + n for n in nationals]}, schema={"raw": pl.String})
    )
    same = [c for c in checked.columns if c not in ("raw", "e164", *CARRIER_COLUMNS)]
    agreed = (
        checked.with_columns(
            pl.Series("_head", [n[:depth] for n in nationals]),
            (pl.col("e164") == pl.Series([f"+{country_code}{n}" for n in nationals])).alias("_ok"),
        )
        .group_by("_head")
        .agg(pl.col("_ok").fill_null(False).all(), *(pl.col(c).n_unique() for c in same))
        .filter(pl.col("_ok") & pl.all_horizontal(pl.col(c) == 1 for c in same))
    )
    return sorted(agreed["_head"].to_list())


def prefix_outcomes(
    check: Check, trunk: str, country_code: str, heads: list[str], length: int
) -> pl.DataFrame:
    """`_prefix` (WIDTH digits, Int64) and the checked columns of national numbers of `length`
    digits starting with it, for every prefix that starts with one of `heads`: checked on one
    number each, whose E.164 number must be the country code then the number."""
    depth = len(heads[0]) if heads else WIDTH
    prefixes = [h + f"{n:0{WIDTH - depth}d}" for h in heads for n in range(10 ** (WIDTH - depth))]
    nationals = [p + "0" * (length - WIDTH) for p in prefixes]
    checked = check(
        pl.DataFrame({"raw": [trunk + n for n in nationals]}, schema={"raw": pl.String})
    )
    expected = pl.Series([f"+{country_code}{n}" for n in nationals], dtype=pl.String)
    return (
        checked.drop("raw", "e164")
        .insert_column(0, pl.Series("_prefix", [int(p) for p in prefixes], pl.Int64))
        .filter((checked["e164"] == expected).fill_null(False))
    )


def build_integer_tail(
    region: RegionTables, rules: ClassRules, check: Check, issuance_prefixes: list[str]
) -> IntegerTail | None:
    """The table for one region and day (None where the region has no fast path, a trunk
    prefix other than zeros, or issuance prefixes longer than WIDTH). A mobile number's
    prefixes are those the fast-path test (`fast_steps`) takes whatever the later digits (their
    probes may differ in carrier and in a reason that comes from it: `no_carrier`)."""
    fp = fast_path(region)
    if fp is None or set(fp.trunk) != {"0"} or fp.length <= WIDTH:
        return None
    depth = max([MIN_DEPTH, *(len(p) for p in issuance_prefixes)])
    if depth > WIDTH:
        return None
    mobile = fast_prefixes(region, rules, depth, fp.length)
    parts = {}
    for length in national_lengths(region, fp.length):
        agreed = agreed_prefixes(check, fp.trunk, region.country_code, depth, length)
        heads = sorted({*agreed, *mobile}) if length == fp.length else agreed
        parts[length] = prefix_outcomes(check, fp.trunk, region.country_code, heads, length)
    lengths = tuple(length for length, part in parts.items() if part.height)
    if not lengths:
        return None
    checked = pl.concat(
        parts[length].select(
            (pl.col("_prefix") - 10 ** (WIDTH - 1) + position * SPAN).alias("_index"),
            (
                pl.lit(length == fp.length)
                & pl.col("_prefix").cast(pl.String).str.slice(0, depth).is_in(mobile)
            ).alias("_restores"),
            pl.exclude("_prefix"),
        )
        for position, length in enumerate(lengths)
    )
    columns = [c for c in checked.columns if c not in ("_index", "_restores")]
    outcomes = checked.select(columns).unique(maintain_order=True)
    indexed = checked.join(
        outcomes.with_row_index(OUTCOME), on=columns, how="left", nulls_equal=True
    )
    size = SPAN * len(lengths)
    codes = pl.Series(OUTCOME, [None] * size, dtype=pl.UInt32).scatter(
        indexed["_index"], indexed[OUTCOME]
    )
    restoring = indexed.filter("_restores")["_index"]
    return IntegerTail(
        trunk=fp.trunk,
        lengths=lengths,
        country_code=region.country_code,
        codes=codes,
        restores=pl.Series([False] * size, dtype=pl.Boolean).scatter(restoring, True),
        outcomes=outcomes,
    )


def plain_national(text: pl.Series, tail: IntegerTail, *, trunk: bool = True) -> pl.Series:
    """The national number (Int64) of each cell that is the trunk prefix (none: `trunk=False`)
    then a national number of one of the table's lengths, digits only; null for any other
    cell. (A cell that casts has only digits after a leading `+`; one with as many digits as
    characters is at least 10**(digits - 1).)"""
    national = text.cast(pl.Int64, strict=False)
    digits = text.str.len_bytes() - len(tail.trunk) * trunk
    plain = functools.reduce(
        operator.or_, ((digits == n) & (national >= 10 ** (n - 1)) for n in tail.lengths)
    )
    if trunk:
        plain = plain & text.str.starts_with(tail.trunk)
    return national.zip_with(
        plain.fill_null(False), pl.repeat(None, len(text), dtype=pl.Int64, eager=True)
    )


def by_length(
    national: pl.Expr, tail: IntegerTail, value: Callable[[int, int], pl.Expr]
) -> pl.Expr:
    """`value(position, length)` for a national number of `tail.lengths[position]` digits (a
    `plain_national` number has one of them)."""
    expr: pl.Expr = value(0, tail.lengths[0])
    for position, n in enumerate(tail.lengths[1:], start=1):
        expr = pl.when(national >= 10 ** (n - 1)).then(value(position, n)).otherwise(expr)
    return expr


def tail_rows(frame: pl.DataFrame, tail: IntegerTail, phone: str) -> tuple[pl.Series, pl.DataFrame]:
    """(which rows of `frame` the tail decides, their `_key` (the E.164 digits as Int64) and
    outcome columns), from the `phone` column; the other rows take the string path. The string
    path reads only the digits of a cell without letters, `+`, `.` or 18 digits, so `-` between
    digits changes nothing: every cell is read with `-` removed (one literal replace of the
    whole column costs less than finding the cells that need it)."""
    text = frame[phone].cast(pl.String).str.replace_all("-", "", literal=True)
    return decide(plain_national(text, tail), None, None, tail)


def decide(
    national: pl.Series, no_trunk: pl.Series | None, is_float: pl.Series | None, tail: IntegerTail
) -> tuple[pl.Series, pl.DataFrame]:
    """(which national numbers the table decides, their `_key` and outcome columns). A number
    written without its trunk prefix (`no_trunk`) is decided only if the table restores it
    (a mobile number), as `leading_zero_restored`; else one written as a float (`is_float`)
    is `float_suffix_removed`, in the string path's order."""
    n = pl.col("_national")
    low, cc = 10 ** (WIDTH - 1), int(tail.country_code)
    index = (
        national.to_frame("_national")
        .select(
            by_length(n, tail, lambda i, length: n // 10 ** (length - WIDTH) + (i * SPAN - low))
        )
        .to_series()
    )
    codes = tail.codes.gather(index)
    found = codes.is_not_null()
    if no_trunk is not None:
        found = found & (~no_trunk | tail.restores.gather(index)).fill_null(False)
    outcomes = tail.outcomes.select(pl.all().gather(codes.filter(found)))
    if no_trunk is not None and is_float is not None:
        repair = (
            pl.when(no_trunk.filter(found))
            .then(pl.lit(LEADING_ZERO_RESTORED))
            .when(is_float.filter(found))
            .then(pl.lit(FLOAT_SUFFIX_REMOVED))
        )
        outcomes = outcomes.with_columns(repair.cast(outcomes.schema["repair"]).alias("repair"))
    key = (
        national.filter(found)
        .to_frame("_national")
        .select(by_length(n, tail, lambda _, length: n + cc * 10**length).alias(KEY))
    )
    return found, outcomes.insert_column(0, key.to_series())


def written_rows(
    frame: pl.DataFrame, tail: IntegerTail, grammar: Grammar, phone: str
) -> tuple[pl.Series, pl.DataFrame]:
    """`tail_rows` for the other ways a national mobile number is written: `+81 90-…`,
    `+81 (0)90 …`, `0081-…`, `010-81-…`, `(090)…`, `090.1234.5678`, `'090…`, a float
    `9012345678.0`, or without its trunk 0.

    A stripped cell (without a leading `'`) of WRITTEN_DIGITS with fewer than 2 × MIN_RUN
    digits is read by the cleaning grammar as its digits (without a float's `.0`), whether it
    starts with `+` and whether it is a float (no Excel wrapper, label, extension, annotation
    or other flag can match in it); kpsim's own prefix split (`prefix_steps`) gives its
    national number, which the table decides as in `tail_rows`, repaired as the string path
    repairs it (`decide`)."""
    none = pl.Series([False] * frame.height, dtype=pl.Boolean)
    if not grammar.words_outside_digits or tail.outcomes["repair"].is_not_null().any():
        return none, tail.outcomes.clear().insert_column(0, pl.Series(KEY, [], pl.Int64))
    # `unwrapped_expr` by literal string functions: a cell its `="..."` case unwraps ends
    # with `"` here, so is not WRITTEN_DIGITS.
    text = pl.col(phone).cast(pl.String).str.strip_chars().str.strip_prefix("'").str.strip_chars()
    written = frame.select(text.alias("_text")).with_columns(
        pl.col("_text").str.contains(WRITTEN_DIGITS).fill_null(False).alias("_written")
    )
    at = written["_written"].arg_true()
    is_float = pl.col("_text").str.contains(FLOAT_RESIDUE)
    read = written.filter("_written").select(
        pl.col("_text").str.starts_with("+").alias("_plus"),
        is_float.alias("_float"),
        # digits_expr without FLOAT_SUFFIX, by literal functions: a FLOAT_RESIDUE's zeros stop
        # at its `.`, and the separators are all that is not a digit here.
        pl.when(is_float)
        .then(pl.col("_text").str.strip_chars_end("0"))
        .otherwise(pl.col("_text"))
        .str.replace_many(SEPARATORS, [""] * len(SEPARATORS))
        .alias("_digits"),
    )
    split = apply_steps(read.lazy(), prefix_steps(grammar)).collect()
    home = (
        (split["_digits"].str.len_bytes() < 2 * MIN_RUN) & (split["_scope"] == "home")
    ).fill_null(False)
    national = plain_national(
        pl.select(pl.when(home).then(split["_nsn"])).to_series(), tail, trunk=False
    )
    found, decided = decide(national, split["_no_trunk"], split["_float"], tail)
    return none.scatter(at.filter(found), True), decided
