"""Recipient lists in, every row accounted for: the Python API the forecast engine and CLI use.

`check_recipients` returns one output row per input row, in input order, with these columns
first (see CHECKED_SCHEMA), then the other input columns unchanged (the phone column is `raw`;
a name that collides with an output column becomes `input_<name>`).

For lists larger than memory the engine's streaming executor (`simulator.engine.stream`)
drives the same checks batch by batch: `check_batch` checks one batch, `finished` adds the
status once duplicates are known, and `CheckedList` is what it returns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, cached_property
from pathlib import Path
from typing import Any, TypedDict, Unpack

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
from simulator.numbers.counts import ListCounts
from simulator.numbers.integer_tail import (
    IntegerTail,
    build_integer_tail,
    cached_integer_tail,
    tail_rows,
    written_rows,
)
from simulator.numbers.normalise import (
    Grammar,
    Steps,
    apply_steps,
    build_grammar,
    fold_rows,
    folded_expr,
    non_ascii_expr,
    normalise_text,
    split_prefix,
)
from simulator.numbers.numbering import load_numbering
from simulator.numbers.reader import ROW, RecipientSource, read_source
from simulator.numbers.tables import RegionTables, region_tables
from simulator.privacy import mask_expr
from simulator.rules.assumptions import resolve_settings
from simulator.rules.ruleset import RuleSet, load_ruleset
from simulator.rules.schema import Carrier

__all__ = [
    "CHECKED_COLUMNS",
    "CHECKED_SCHEMA",
    "CheckOptions",
    "CheckedList",
    "RecipientSource",
    "check_recipients",
    "code_dtypes",
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
    "lookup_unmatched": pl.Boolean(),
    "dup_of": pl.UInt64(),
    "status": pl.String(),
    "reject_reason": pl.String(),
}
CHECKED_COLUMNS = tuple(CHECKED_SCHEMA)
DERIVED = ("e164", "number_class", "_reason", "repair")
MAX_EXAMPLES = 3
KEY = "_key"
FIRST = "_first"
REASON = "_reason"

Source = str | Path | pl.DataFrame | pl.LazyFrame


def read_recipients(
    source: Source,
    *,
    phone_column: str | None = None,
    carrier_column: str | None = None,
    encoding: str | None = None,
    ruleset: RuleSet | None = None,
    sheet: str | None = None,
    skip_rows: int = 0,
) -> RecipientSource:
    """Open a CSV/TSV/Parquet file, a workbook's sheet (`sheet`, else the first) or a polars
    frame and find its phone and carrier columns; `skip_rows` lines above a text file's header
    are skipped."""
    rs = ruleset or load_ruleset(None)
    return read_source(
        source,
        reading=load_numbering(rs).reading,
        phone_column=phone_column,
        carrier_column=carrier_column,
        encoding=encoding,
        sheet=sheet,
        skip_rows=skip_rows,
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


@dataclass(frozen=True)
class CheckSetup:
    """What checking one list needs, built once from the rules: the source, the compiled
    grammar and class rules, the carriers, and the internal names of the input columns."""

    source: RecipientSource
    grammar: Grammar
    region: RegionTables
    rules: ClassRules
    carriers: tuple[Carrier, ...]
    inputs: Mapping[str, str]
    passthrough: Mapping[str, str]
    dedupe: bool

    @property
    def phone(self) -> str:
        return self.inputs[self.source.phone_column]

    @property
    def lookup(self) -> str | None:
        column = self.source.carrier_column
        return self.inputs[column] if column is not None else None

    @cached_property
    def integer_tail(self) -> IntegerTail | None:
        """The integer tail of `check_batch` (None with a carrier-lookup column: the lookup
        is string work on every row anyway)."""
        if self.lookup is not None:
            return None
        made_of = (repr(self.region), repr(self.rules), repr(self.grammar), repr(self.carriers))
        tail = cached_integer_tail(
            made_of,
            lambda: build_integer_tail(
                self.region, self.rules, self._check_probes, [p for p, _ in self.rules.not_issued]
            ),
        )
        if tail is None:
            return None
        schema = self.part_schema
        outcomes = tail.outcomes.select(
            pl.col(name).cast(schema[REASON if name == "reject_reason" else name])
            for name in PART_SCHEMA_CODED
        )
        return replace(tail, outcomes=outcomes)

    @cached_property
    def part_schema(self) -> dict[str, pl.DataType]:
        """What `check_list` keeps of each row: the E.164 number as an integer (`+` and digits
        with no leading zero, so it rebuilds exactly), the few-valued columns as enums of the
        values they can take (one byte a row), and the reject reason before duplicates."""
        codes = code_dtypes(self.carriers)
        return {
            ROW: pl.UInt64(),
            KEY: pl.Int64(),
            **{name: codes[name] for name in CODED},
            "lookup_unmatched": pl.Boolean(),
            REASON: codes[REASON],
        }

    def _check_probes(self, probes: pl.DataFrame) -> pl.DataFrame:
        """The string path on cells of one `raw` column (the other input columns null)."""
        frame = pl.DataFrame(
            {
                ROW: pl.int_range(1, probes.height + 1, eager=True).cast(pl.UInt64),
                **{
                    name: probes["raw"] if name == self.source.phone_column else None
                    for name in self.source.columns
                },
            }
        )
        rows = checked_strings(frame, self)
        return rows.select("raw", "e164", *PART_SCHEMA_CODED).select(
            "raw", "e164", *(pl.col(c).cast(pl.Categorical) for c in PART_SCHEMA_CODED)
        )


class CheckOptions(TypedDict, total=False):
    """How to read and check a list, as `setup_check` takes them."""

    ruleset: RuleSet | None
    settings: Mapping[str, str] | None
    phone_column: str | None
    carrier_column: str | None
    encoding: str | None
    sheet: str | None
    skip_rows: int
    dedupe: bool


def setup_check(
    source_or_frame: RecipientSource | Source,
    *,
    as_of: dt.date,
    ruleset: RuleSet | None = None,
    settings: Mapping[str, str] | None = None,
    phone_column: str | None = None,
    carrier_column: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    skip_rows: int = 0,
    dedupe: bool = False,
) -> CheckSetup:
    """Open the list (unless already open) and compile the rules for `as_of`."""
    rs = ruleset or load_ruleset(None)
    resolved = resolve_settings(rs, settings)
    numbering = load_numbering(rs)
    region = region_tables(numbering.region)
    src = (
        source_or_frame
        if isinstance(source_or_frame, RecipientSource)
        else read_source(
            source_or_frame,
            reading=numbering.reading,
            phone_column=phone_column,
            carrier_column=carrier_column,
            encoding=encoding,
            sheet=sheet,
            skip_rows=skip_rows,
        )
    )
    return CheckSetup(
        source=src,
        grammar=build_grammar(numbering, region),
        region=region,
        rules=class_rules(numbering, region, resolved, as_of),
        carriers=tuple(rs.carriers.values()),
        inputs={name: f"__in{i}" for i, name in enumerate(src.columns)},
        passthrough=passthrough_names(src.columns, src.phone_column),
        dedupe=dedupe,
    )


def checked_rows(lf: pl.LazyFrame, setup: CheckSetup, *, fast: bool = True) -> pl.LazyFrame:
    """Rows of the source (with `row`) plus `raw`, the derived columns, `_reason` and
    `_carrier_reason`; row-wise only, so any slice of the list gives its slice of the result."""
    lf = lf.rename(dict(setup.inputs), strict=False).with_columns(
        pl.col(setup.phone).cast(pl.String).alias("raw")
    )
    classified = classify_numbers if fast else classify_in_full
    lf = classified(lf, grammar=setup.grammar, region=setup.region, rules=setup.rules)
    return resolve_carriers(
        lf, carriers=setup.carriers, country_code=setup.region.country_code, lookup=setup.lookup
    )


def checked_columns(lf: pl.LazyFrame, setup: CheckSetup) -> pl.LazyFrame:
    """CHECKED_SCHEMA columns, then the other input columns under their output names."""
    return lf.select(
        *(pl.col(name).cast(dtype) for name, dtype in CHECKED_SCHEMA.items()),
        *(pl.col(setup.inputs[name]).alias(out) for name, out in setup.passthrough.items()),
    )


def check_recipients(
    source_or_frame: RecipientSource | Source,
    *,
    as_of: dt.date,
    **options: Unpack[CheckOptions],
) -> pl.LazyFrame:
    """Normalise, classify and resolve the carrier of every row; see the module docstring.

    One lazy plan: right for frames and lists that fit in memory (`check_list` streams)."""
    setup = setup_check(source_or_frame, as_of=as_of, **options)
    lf = with_duplicates(checked_rows(setup.source.frame, setup), dedupe=setup.dedupe)
    return checked_columns(lf, setup)


def classify_in_full(
    lf: pl.LazyFrame, *, grammar: Grammar, region: RegionTables, rules: ClassRules
) -> pl.LazyFrame:
    """`classify_numbers` without its fast path (which only shortcuts the full path), for the
    rows the integer tail has left (with their FOLDED text when `check_batch` has folded it
    already); rows stay in `row` order."""
    columns = [c for c in lf.collect_schema().names() if c != FOLDED]
    folded = len(columns) < len(lf.collect_schema())
    return (
        lf.pipe(slow_rows, grammar, region, rules, folded=folded)
        .sort(ROW)
        .select(*columns, *DERIVED)
    )


def classify_numbers(
    lf: pl.LazyFrame, *, grammar: Grammar, region: RegionTables, rules: ClassRules
) -> pl.LazyFrame:
    """Plain national mobile numbers (digits and hyphens) take a fast path; every other row
    (dirty text, landlines, foreign and invalid numbers) is filtered off and cleaned and
    classified in full on its own (NFKC only on its non-ASCII rows); the two parts are
    concatenated and put back in `row` order (a gather, no join)."""
    lf = apply_steps(lf, fast_steps("raw", region, rules)).cache()
    is_fast = pl.col("_fast")
    fast = lf.filter(is_fast).select(
        *(value.alias(name) for name, value in fast_values().items()),
        pl.lit(None, dtype=pl.String).alias("repair"),
    )
    slow = (
        lf.filter(~is_fast)
        .select(ROW, "raw")
        .pipe(slow_rows, grammar, region, rules)
        .sort(ROW)
        .select(*DERIVED)
    )
    # Row i of the input is row `_at` of the fast rows followed by the slow rows.
    at = (
        pl.when(is_fast)
        .then(is_fast.cum_sum() - 1)
        .otherwise(is_fast.sum() + (~is_fast).cum_sum() - 1)
        .cast(pl.Int64)
        .alias(AT)
    )
    derived = pl.concat(
        [lf.select(at), pl.concat([fast.select(*DERIVED), slow], how="vertical_relaxed")],
        how="horizontal",
    ).select(pl.col(*DERIVED).gather(pl.col(AT)))
    return pl.concat([lf.drop(FAST_COLUMNS, strict=False), derived], how="horizontal")


def slow_rows(
    lf: pl.LazyFrame,
    grammar: Grammar,
    region: RegionTables,
    rules: ClassRules,
    *,
    folded: bool = False,
) -> pl.LazyFrame:
    """The full path: fold (NFKC on non-ASCII rows only; `folded`: FOLDED is there already),
    clean, split the prefix, classify (row order changes: see `fold_rows`)."""
    lf = lf.with_columns(_raw_blank=pl.col("raw").str.strip_chars().fill_null("") == "")
    return (
        (lf if folded else lf.pipe(fold_rows, "raw", FOLDED))
        .pipe(normalise_text, FOLDED, grammar, fold=False)
        .pipe(split_prefix, grammar)
        .pipe(classify, region, rules)
    )


FAST_COLUMNS = ("_fast", "_fnsn", "_fe164", "_fclass", "_freason")
AT = "_at"
FOLDED = "_folded"


def duplicate_key(e164: pl.Expr) -> pl.Expr:
    """The E.164 digits as an integer: one cheap hash key per number."""
    return e164.str.slice(1).cast(pl.Int64, strict=False)


def first_of_key(key: pl.Expr) -> pl.Expr:
    """`_first`: the row of the first occurrence of each key."""
    return pl.col(ROW).min().over(key).alias(FIRST)


def reason_and_status(
    reason: pl.Expr, *, dedupe: bool, dtype: pl.DataType, status: pl.DataType | None = None
) -> tuple[pl.Expr, pl.Expr]:
    """`reject_reason` (the number or carrier `reason`, else `duplicate` for a repeat when
    `dedupe`) and `status` (ok without a reason), of `dtype` (`status`, if given, for the
    status)."""
    duplicate = (
        pl.when(pl.col("dup_of").is_not_null()).then(pl.lit("duplicate", dtype=dtype))
        if dedupe
        else pl.lit(None, dtype=dtype)
    )
    rejected = pl.coalesce(reason, duplicate)
    flag = pl.when(rejected.is_null()).then(pl.lit(R.OK)).otherwise(pl.lit(R.REJECTED))
    return rejected.alias("reject_reason"), flag.cast(status or dtype).alias("status")


@cache
def duplicate_steps(dedupe: bool) -> Steps:
    """`dup_of` = row of the first occurrence of the same E.164; then `status`/`reject_reason`."""
    return (
        (first_of_key(duplicate_key(pl.col("e164"))),),
        (
            pl.when(pl.col("e164").is_not_null() & (pl.col(FIRST) != pl.col(ROW)))
            .then(pl.col(FIRST))
            .alias("dup_of"),
        ),
        reason_and_status(
            pl.coalesce(pl.col(REASON), pl.col("_carrier_reason")),
            dedupe=dedupe,
            dtype=pl.String(),
        ),
    )


def with_duplicates(lf: pl.LazyFrame, *, dedupe: bool) -> pl.LazyFrame:
    """Add `dup_of`, `status` and `reject_reason` (number, then carrier, then duplicate reasons)."""
    return apply_steps(lf, duplicate_steps(dedupe))


COUNTED = (
    "status",
    "reject_reason",
    "number_class",
    "carrier",
    "carrier_source",
    "allocated_carrier",
    "repair",
    "lookup_unmatched",
)


def counts_query(checked: pl.LazyFrame) -> pl.LazyFrame:
    """Rows and duplicates per combination of the counted columns: a small table from which
    every count of the summary follows (one streaming aggregation). `duplicates` counts the
    repeats `--dedupe` rejects (or has rejected): a repeated landline is rejected as a landline
    either way, so it is not one of them."""
    repeat = pl.col("dup_of").is_not_null() & (
        pl.col("reject_reason").is_null() | (pl.col("reject_reason") == "duplicate")
    )
    return (
        checked.group_by(COUNTED)
        .agg(pl.len().alias("n"), repeat.sum().alias("duplicates"))
        .with_columns(pl.col(COUNTED).cast(pl.String))
    )


def _counts(counts: pl.DataFrame, column: str) -> dict[str, int]:
    counted = (
        counts.filter(pl.col(column).is_not_null())
        .group_by(column)
        .agg(pl.col("n").sum())
        .sort(["n", column], descending=[True, False])
    )
    return {str(k): int(n) for k, n in counted.iter_rows()}


def examples_query(checked: pl.LazyFrame) -> pl.LazyFrame:
    """The first MAX_EXAMPLES rejected rows of each reason, masked (holds whole groups: use it
    on frames that fit in memory; `check_list` gathers its examples batch by batch)."""
    return (
        checked.filter(pl.col("reject_reason").is_not_null())
        .group_by("reject_reason", maintain_order=True)
        .head(MAX_EXAMPLES)
        .select("reject_reason", mask_expr(pl.coalesce("e164", "raw")).alias("masked"))
    )


def _examples_by_reason(frames: Sequence[pl.DataFrame]) -> dict[str, list[str]]:
    by_reason: dict[str, list[str]] = {}
    for frame in frames:
        for reason, masked in frame.select("reject_reason", "masked").iter_rows():
            shown = by_reason.setdefault(str(reason), [])
            if len(shown) < MAX_EXAMPLES:
                shown.append(str(masked))
    return by_reason


def summary_from(counts: pl.DataFrame, examples: Mapping[str, list[str]]) -> ListCounts:
    """The counts of a checked list from `counts_query` and masked examples per reason."""
    rows_in = int(counts["n"].sum())
    ok = counts.filter(pl.col("status") == R.OK)
    rejects = _counts(counts, "reject_reason")
    return ListCounts(
        rows_in=rows_in,
        ok=int(ok["n"].sum()),
        rejected=rows_in - int(ok["n"].sum()),
        rejects_by_reason=rejects,
        by_class=_counts(counts, "number_class"),
        by_carrier=_counts(ok, "carrier"),
        by_carrier_source=_counts(ok, "carrier_source"),
        lookup_fallbacks=int(ok.filter(pl.col("lookup_unmatched") == "true")["n"].sum()),
        duplicates=int(counts["duplicates"].sum()),
        repaired=_counts(counts, "repair"),
        examples={reason: list(examples.get(reason, [])) for reason in rejects},
        reason_descriptions={reason: R.describe(reason) for reason in rejects},
    )


def summarise(checked: CheckedList | pl.LazyFrame | pl.DataFrame) -> ListCounts:
    """Counts that reconcile (rows_in = ok + rejected) and masked examples of each reject reason."""
    if isinstance(checked, CheckedList):
        return checked.summarise()
    counts, examples = pl.collect_all(
        [counts_query(checked.lazy()), examples_query(checked.lazy())]
    )
    return summary_from(counts, _examples_by_reason([examples]))


CODED = ("number_class", "repair", "allocated_carrier", "carrier", "carrier_source")
PART_SCHEMA_CODED = (*CODED, "reject_reason")
STATUS = pl.Enum([R.OK, R.REJECTED])


def code_dtypes(carriers: Sequence[Carrier]) -> dict[str, pl.Enum]:
    """The values each coded column (and `_reason`) can take, as enums: the class, repair and
    reject reason codes, and the rules' carrier ids (a value outside them is a bug: the cast
    to the enum fails)."""
    ids = [c.id for c in carriers]
    return {
        "number_class": pl.Enum(R.NUMBER_CLASSES),
        "repair": pl.Enum(list(R.REPAIRS)),
        "allocated_carrier": pl.Enum(ids),
        "carrier": pl.Enum(ids),
        "carrier_source": pl.Enum([R.LOOKUP, R.ALLOCATION]),
        REASON: pl.Enum(list(R.REJECT_REASONS)),
    }


def e164_from_key(key: pl.Expr) -> pl.Expr:
    return pl.when(key.is_not_null()).then(pl.lit("+") + key.cast(pl.String))


def checked_strings(batch: pl.DataFrame, setup: CheckSetup, *, fast: bool = True) -> pl.DataFrame:
    """`row`, `raw`, `e164`, the CODED columns and `reject_reason` of a batch, by the string
    pipeline (`fast=False`: without its fast-path test, for rows the integer tail left)."""
    return (
        checked_rows(batch.lazy(), setup, fast=fast)
        .select(
            pl.col(ROW).cast(pl.UInt64),
            "raw",
            "e164",
            *CODED,
            "lookup_unmatched",
            pl.coalesce("_reason", "_carrier_reason").alias("reject_reason"),
        )
        .collect(engine="in-memory")
    )


def coded_part(rows: pl.DataFrame, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """`part_schema` columns of `checked_strings` rows."""
    return rows.select(
        ROW,
        duplicate_key(pl.col("e164")).alias(KEY),
        *(pl.col(name).cast(schema[name]) for name in CODED),
        "lookup_unmatched",
        pl.col("reject_reason").cast(schema[REASON]).alias(REASON),
    )


def check_batch(
    batch: pl.DataFrame, setup: CheckSetup, *, integer_tail: bool = True
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One batch of rows checked in memory: its `part_schema` columns and its first masked
    examples of each reject reason known before duplicates are found. Plain national numbers
    (mobile, landline, IP phone, toll-free, ...) take the integer tail (`simulator.numbers.integer_tail`) unless `integer_tail` is
    False; the other rows, the string path."""
    tail = setup.integer_tail if integer_tail else None
    if tail is None:
        rows = checked_strings(batch, setup)
        return coded_part(rows, setup.part_schema), examples_query(rows.lazy()).collect(
            engine="in-memory"
        )
    phone = setup.source.phone_column
    taken, decided = tail_rows(batch, tail, phone)
    rest = batch.filter(~taken).select(ROW, pl.col(phone).cast(pl.String))
    # The rest as the grammar reads it (non-ASCII cells folded), then the tail again on the
    # folded cells and on the other written forms; only what is left takes the string path.
    non_ascii = rest.select(non_ascii_expr(pl.col(phone)).fill_null(False)).to_series()
    at = non_ascii.arg_true()
    folded = rest.filter(non_ascii).select(ROW, folded_expr(pl.col(phone)).alias(phone))
    readable = rest.with_columns(rest[phone].scatter(at, folded[phone]))
    taken_folded, decided_folded = tail_rows(folded, tail, phone)
    left = pl.Series([True] * rest.height, dtype=pl.Boolean).scatter(at.filter(taken_folded), False)
    candidates = readable.filter(left)
    taken_written, decided_written = written_rows(candidates, tail, setup.grammar, phone)
    left = left.scatter(left.arg_true().filter(taken_written), False)
    rows = checked_strings(
        rest.with_columns(readable[phone].alias(FOLDED)).filter(left), setup, fast=False
    )
    fast = pl.concat(
        [
            pl.concat(
                [batch.select(pl.col(ROW).cast(pl.UInt64)).filter(taken), decided], how="horizontal"
            ),
            pl.concat(
                [folded.select(pl.col(ROW).cast(pl.UInt64)).filter(taken_folded), decided_folded],
                how="horizontal",
            ),
            pl.concat(
                [
                    candidates.select(pl.col(ROW).cast(pl.UInt64)).filter(taken_written),
                    decided_written,
                ],
                how="horizontal",
            ),
        ]
    )
    part = pl.concat(
        [
            fast.select(
                ROW,
                KEY,
                *CODED,
                # the tail is off when the list has a lookup column: nothing to leave unmatched
                pl.lit(False).alias("lookup_unmatched"),
                pl.col("reject_reason").alias(REASON),
            ),
            coded_part(rows, setup.part_schema),
        ]
    ).sort(ROW)
    rejected = pl.concat(
        [
            fast.filter(pl.col("reject_reason").is_not_null()).select(
                ROW,
                e164_from_key(pl.col(KEY)).alias("e164"),
                pl.lit(None, dtype=pl.String).alias("raw"),
                pl.col("reject_reason").cast(pl.String),
            ),
            rows.filter(pl.col("reject_reason").is_not_null()).select(
                ROW, "e164", "raw", "reject_reason"
            ),
        ]
    ).sort(ROW)
    return part, examples_query(rejected.lazy()).collect(engine="in-memory")


def finished(coded_parts: pl.LazyFrame, *, dedupe: bool) -> pl.LazyFrame:
    """`e164`, `reject_reason` and `status` from parts that have `dup_of`; the few-valued
    columns stay enums."""
    reason = coded_parts.collect_schema()[REASON]
    return coded_parts.with_columns(
        e164_from_key(pl.col(KEY)).alias("e164"),
        *reason_and_status(pl.col(REASON), dedupe=dedupe, dtype=reason, status=STATUS),
    )


Collect = Callable[[Sequence[pl.LazyFrame]], list[pl.DataFrame]]


@dataclass(frozen=True)
class CheckedList:
    """A list checked by the engine's streaming executor (`simulator.engine.stream.check_list`).
    `frame` has exactly the rows and columns of `check_recipients` (the input columns come from a
    second scan of the list); `derived` has them all but `raw` and the other input columns (so
    it never rescans the list); `coded` is `derived` with the few-valued columns still
    enums (cheaper to group by); `spilled` says whether its columns sit in scratch files;
    `collect` runs several queries over it in one pass (the executor's `collect_streaming`)."""

    setup: CheckSetup
    frame: pl.LazyFrame
    derived: pl.LazyFrame
    coded: pl.LazyFrame
    rows: int
    examples: Mapping[str, list[str]]
    spilled: bool
    collect: Collect

    @property
    def source(self) -> RecipientSource:
        return self.setup.source

    def summary_queries(self) -> list[pl.LazyFrame]:
        """Streaming queries whose results `summary()` turns into the summary: `counts_query`
        first, then the masked examples of duplicates."""
        duplicates = (
            self.coded.filter(pl.col("reject_reason") == "duplicate")
            .head(MAX_EXAMPLES)
            .select(pl.col("reject_reason").cast(pl.String), mask_expr("e164").alias("masked"))
            if self.setup.dedupe
            else pl.LazyFrame(schema={"reject_reason": pl.String(), "masked": pl.String()})
        )
        return [counts_query(self.coded), duplicates]

    def summary(self, results: Sequence[pl.DataFrame]) -> ListCounts:
        """The summary (as `summarise`) from the collected `summary_queries()`."""
        counts, duplicates = results
        examples = {**self.examples, **_examples_by_reason([duplicates])}
        return summary_from(counts, examples)

    def summarise(self) -> ListCounts:
        return self.summary(self.collect(self.summary_queries()))


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
