"""Recipient lists in, every row accounted for: the Python API the forecast engine and CLI use.

`check_recipients` returns one output row per input row, in input order, with these columns
first (see CHECKED_SCHEMA), then the other input columns unchanged (the phone column is `raw`;
a name that collides with an output column becomes `input_<name>`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from simulator.numbers import reasons as R
from simulator.numbers.carrier import resolve_carriers
from simulator.numbers.classify import (
    ClassRules,
    class_rules,
    classify,
    fast_steps,
    fast_values,
)
from simulator.numbers.normalise import (
    Grammar,
    Steps,
    apply_steps,
    build_grammar,
    normalise_text,
    split_prefix,
)
from simulator.numbers.numbering import load_numbering
from simulator.numbers.reader import ROW, RecipientSource, read_source
from simulator.numbers.tables import RegionTables, region_tables
from simulator.privacy import mask_expr
from simulator.rules.assumptions import resolve_settings
from simulator.rules.ruleset import RuleSet, load_ruleset

__all__ = [
    "CHECKED_COLUMNS",
    "CHECKED_SCHEMA",
    "RecipientSource",
    "check_recipients",
    "normalise_one",
    "read_recipients",
    "summarise",
]

CHECKED_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.UInt64(),
    "raw": pl.String(),
    "e164": pl.String(),
    "number_class": pl.String(),
    "repair": pl.String(),
    "allocated_carrier": pl.String(),
    "carrier": pl.String(),
    "carrier_source": pl.String(),
    "dup_of": pl.UInt64(),
    "status": pl.String(),
    "reject_reason": pl.String(),
}
CHECKED_COLUMNS = tuple(CHECKED_SCHEMA)
DERIVED = ("e164", "number_class", "_reason", "repair")
MAX_EXAMPLES = 3

Source = str | Path | pl.DataFrame | pl.LazyFrame


def read_recipients(
    source: Source,
    *,
    phone_column: str | None = None,
    carrier_column: str | None = None,
    encoding: str | None = None,
    ruleset: RuleSet | None = None,
) -> RecipientSource:
    """Open a CSV/TSV/Parquet file or a polars frame and find its phone and carrier columns."""
    rs = ruleset or load_ruleset(None)
    return read_source(
        source,
        reading=load_numbering(rs).reading,
        phone_column=phone_column,
        carrier_column=carrier_column,
        encoding=encoding,
    )


def passthrough_names(columns: tuple[str, ...], phone: str) -> dict[str, str]:
    """Input column -> output name: unchanged, or `input_<name>` where it would collide."""
    kept = [c for c in columns if c != phone]
    taken = set(CHECKED_COLUMNS) | set(kept)
    out: dict[str, str] = {}
    for name in kept:
        new = name
        if name in CHECKED_SCHEMA:
            new = f"input_{name}"
            while new in taken:
                new = f"input_{new}"
            taken.add(new)
        out[name] = new
    return out


def check_recipients(
    source_or_frame: RecipientSource | Source,
    *,
    as_of: dt.date,
    ruleset: RuleSet | None = None,
    settings: Mapping[str, str] | None = None,
    phone_column: str | None = None,
    carrier_column: str | None = None,
    encoding: str | None = None,
    dedupe: bool = False,
) -> pl.LazyFrame:
    """Normalise, classify and resolve the carrier of every row; see the module docstring."""
    rs = ruleset or load_ruleset(None)
    resolved = resolve_settings(rs, settings)
    numbering = load_numbering(rs)
    region = region_tables(numbering.region)
    grammar = build_grammar(numbering, region)
    src = (
        source_or_frame
        if isinstance(source_or_frame, RecipientSource)
        else read_source(
            source_or_frame,
            reading=numbering.reading,
            phone_column=phone_column,
            carrier_column=carrier_column,
            encoding=encoding,
        )
    )
    inputs = {name: f"__in{i}" for i, name in enumerate(src.columns)}
    lf = src.frame.rename(inputs)
    phone = inputs[src.phone_column]
    lookup = inputs[src.carrier_column] if src.carrier_column is not None else None
    lf = lf.with_columns(pl.col(phone).cast(pl.String).alias("raw"))
    rules = class_rules(numbering, region, resolved, as_of)
    lf = classify_numbers(lf, grammar=grammar, region=region, rules=rules)
    lf = resolve_carriers(
        lf, carriers=rs.carriers.values(), country_code=region.country_code, lookup=lookup
    )
    lf = with_duplicates(lf, dedupe=dedupe)
    passthrough = passthrough_names(src.columns, src.phone_column)
    return lf.select(
        *(pl.col(name).cast(dtype) for name, dtype in CHECKED_SCHEMA.items()),
        *(pl.col(inputs[name]).alias(out) for name, out in passthrough.items()),
    )


def classify_numbers(
    lf: pl.LazyFrame, *, grammar: Grammar, region: RegionTables, rules: ClassRules
) -> pl.LazyFrame:
    """Plain national mobile numbers (digits and hyphens) take a fast path; every other row
    (dirty text, landlines, foreign and invalid numbers) is cleaned and classified in full on
    its own and joined back by `row`."""
    lf = apply_steps(lf, fast_steps("raw", region, rules)).cache()
    slow = (
        lf.filter(~pl.col("_fast"))
        .select(ROW, "raw")
        .with_columns(_raw_blank=pl.col("raw").str.strip_chars().fill_null("") == "")
        .pipe(normalise_text, "raw", grammar)
        .pipe(split_prefix, grammar)
        .pipe(classify, region, rules)
        .select(ROW, *DERIVED)
    )
    return lf.join(slow, on=ROW, how="left", maintain_order="left").with_columns(
        pl.when(pl.col("_fast")).then(value).otherwise(pl.col(name)).alias(name)
        for name, value in fast_values().items()
    )


@cache
def duplicate_steps(dedupe: bool) -> Steps:
    """`dup_of` = row of the first occurrence of the same E.164; then `status`/`reject_reason`."""
    key = pl.col("e164").str.slice(1).cast(pl.Int64, strict=False)
    dup_reason = (
        pl.when(pl.col("dup_of").is_not_null()).then(pl.lit("duplicate"))
        if dedupe
        else pl.lit(None, dtype=pl.String)
    )
    reason = pl.coalesce(pl.col("_reason"), pl.col("_carrier_reason"), dup_reason)
    return (
        (pl.col(ROW).min().over(key).alias("_first"),),
        (
            pl.when(pl.col("e164").is_not_null() & (pl.col("_first") != pl.col(ROW)))
            .then(pl.col("_first"))
            .alias("dup_of"),
        ),
        (
            reason.alias("reject_reason"),
            pl.when(reason.is_null())
            .then(pl.lit(R.OK))
            .otherwise(pl.lit(R.REJECTED))
            .alias("status"),
        ),
    )


def with_duplicates(lf: pl.LazyFrame, *, dedupe: bool) -> pl.LazyFrame:
    """Add `dup_of`, `status` and `reject_reason` (number, then carrier, then duplicate reasons)."""
    return apply_steps(lf, duplicate_steps(dedupe))


def _counts(df: pl.DataFrame, column: str) -> dict[str, int]:
    counted = (
        df.filter(pl.col(column).is_not_null())
        .group_by(column)
        .len()
        .sort(["len", column], descending=[True, False])
    )
    return {str(k): int(n) for k, n in counted.iter_rows()}


def summarise(checked: pl.LazyFrame | pl.DataFrame) -> dict[str, Any]:
    """Counts that reconcile (rows_in = ok + rejected) and masked examples of each reject reason."""
    needed = [
        "row",
        "raw",
        "e164",
        "number_class",
        "repair",
        "carrier",
        "carrier_source",
        "dup_of",
        "status",
        "reject_reason",
    ]
    df = checked.lazy().select(needed).collect()
    ok = df.filter(pl.col("status") == R.OK)
    examples = (
        df.filter(pl.col("reject_reason").is_not_null())
        .group_by("reject_reason", maintain_order=True)
        .head(MAX_EXAMPLES)
        .with_columns(masked=mask_expr(pl.coalesce("e164", "raw")))
    )
    by_example: dict[str, list[str]] = {}
    for reason, masked in examples.select("reject_reason", "masked").iter_rows():
        by_example.setdefault(str(reason), []).append(str(masked))
    rejects = _counts(df, "reject_reason")
    return {
        "rows_in": df.height,
        "ok": ok.height,
        "rejected": df.height - ok.height,
        "rejects_by_reason": rejects,
        "by_class": _counts(df, "number_class"),
        "by_carrier": _counts(ok, "carrier"),
        "by_carrier_source": _counts(ok, "carrier_source"),
        "duplicates": int(df["dup_of"].is_not_null().sum()),
        "repaired": _counts(df, "repair"),
        "examples": {reason: by_example.get(reason, []) for reason in rejects},
        "reason_descriptions": {reason: R.describe(reason) for reason in rejects},
    }


def normalise_one(
    text: str,
    *,
    as_of: dt.date,
    ruleset: RuleSet | None = None,
    settings: Mapping[str, str] | None = None,
    carrier: str | None = None,
) -> dict[str, Any]:
    """Check one number through the same vectorised pipeline; the checked row as a dict."""
    data: dict[str, list[str | None]] = {"phone": [text]}
    if carrier is not None:
        data["lookup"] = [carrier]
    frame = pl.DataFrame(data, schema={k: pl.String for k in data})
    checked = check_recipients(
        frame,
        as_of=as_of,
        ruleset=ruleset,
        settings=settings,
        phone_column="phone",
        carrier_column="lookup" if carrier is not None else None,
    ).collect()
    row = checked.row(0, named=True)
    row.pop("lookup", None)
    return row
