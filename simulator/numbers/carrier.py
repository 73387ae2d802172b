"""Carrier of a recipient: the allocating network by longest prefix, or a carrier-lookup value."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import polars as pl

from simulator.errors import RulesError
from simulator.numbers import reasons as R
from simulator.numbers.normalise import Steps, apply_steps, fold_expr
from simulator.numbers.tables import allocation_prefix_table
from simulator.rules.schema import Carrier

# Removed before matching a lookup value: spaces, dots, hyphens (every dash variant is folded to
# '-' first), '!', commas, underscores, slashes, parentheses, '・' and the company-form word 株式会社.
LOOKUP_NOISE = r"株式会社|[\s.\-!,_/()・]"
MCCMNC_3DIGIT_MNC = r"^[0-9]{3}0[0-9]{2}$"


def lookup_key_expr(text: pl.Expr) -> pl.Expr:
    """`Y!mobile`, `ＮＴＴドコモ`, `440-10`, `440 010` -> comparable keys (`ymobile`, `44010`)."""
    key = fold_expr(text).str.to_lowercase().str.replace_all(LOOKUP_NOISE, "")
    return (
        pl.when(key.str.contains(MCCMNC_3DIGIT_MNC))
        .then(key.str.slice(0, 3) + key.str.slice(4))
        .otherwise(key)
    )


def lookup_names(carrier: Carrier) -> list[str]:
    """Every value a carrier-lookup column may hold for this carrier."""
    return [
        carrier.id,
        carrier.name,
        *carrier.allocation_labels,
        *carrier.aliases,
        *carrier.mccmnc,
    ]


def lookup_table(carriers: Iterable[Carrier]) -> dict[str, str]:
    """Lookup key -> carrier id; a key claimed by two carriers is a rules error."""
    return _lookup_table(tuple((name, c.id) for c in carriers for name in lookup_names(c)))


@cache
def _lookup_table(pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    names = [name for name, _ in pairs]
    ids = [carrier_id for _, carrier_id in pairs]
    keys = pl.DataFrame({"name": names, "id": ids}).with_columns(
        key=lookup_key_expr(pl.col("name"))
    )
    out: dict[str, str] = {}
    for key, name, carrier_id in keys.select("key", "name", "id").iter_rows():
        if key in out and out[key] != carrier_id:
            raise RulesError(
                f"carrier alias {name!r} is claimed by both {out[key]} and {carrier_id}",
                file="carriers.yaml",
            )
        out[key] = carrier_id
    return out


@cache
def carrier_steps(
    country_code: str,
    allocation_labels: tuple[tuple[str, str], ...],
    lookup_pairs: tuple[tuple[str, str], ...],
    lookup: str | None,
) -> Steps:
    """`allocated_carrier` (by the E.164 number's national prefix), `carrier`, `carrier_source`,
    `_carrier_reason` (for mobile rows only) and `lookup_unmatched` (a mobile row whose lookup
    value names no carrier, so its allocation is used)."""
    width, allocation = allocation_prefix_table(country_code, allocation_labels)
    home = "+" + country_code
    prefixes = pl.Series(list(allocation), dtype=pl.String)
    ids = pl.Series(list(allocation.values()), dtype=pl.String)
    allocated = pl.when(pl.col("e164").str.starts_with(home)).then(
        pl.col("e164").str.slice(len(home), width).replace_strict(prefixes, ids, default=None)
    )
    if lookup is None:
        looked_up: Steps = (
            (
                pl.lit(None, dtype=pl.String).alias("_lookup_id"),
                pl.lit(False).alias("_lookup_given"),
            ),
        )
    else:
        table = _lookup_table(lookup_pairs)
        keys = pl.Series(list(table), dtype=pl.String)
        values = pl.Series(list(table.values()), dtype=pl.String)
        looked_up = (
            (lookup_key_expr(pl.col(lookup)).alias("_lookup_key"),),
            (
                pl.col("_lookup_key")
                .replace_strict(keys, values, default=None)
                .alias("_lookup_id"),
                (pl.col("_lookup_key").fill_null("") != "").alias("_lookup_given"),
            ),
        )
    lookup_id = pl.col("_lookup_id")
    mobile = pl.col("number_class") == R.MOBILE
    return (
        (allocated.alias("allocated_carrier"),),
        *looked_up,
        (
            pl.when(pl.col("e164").is_not_null())
            .then(pl.coalesce(lookup_id, pl.col("allocated_carrier")))
            .alias("carrier"),
            pl.when(pl.col("e164").is_not_null() & lookup_id.is_not_null())
            .then(pl.lit(R.LOOKUP))
            .when(pl.col("allocated_carrier").is_not_null())
            .then(pl.lit(R.ALLOCATION))
            .alias("carrier_source"),
            pl.when(mobile & lookup_id.is_null() & pl.col("allocated_carrier").is_null())
            .then(pl.lit("no_carrier"))
            .alias("_carrier_reason"),
            # A lookup value naming no carrier (不明, MVNO, blank, "-") is not a reason to drop
            # a valid mobile number: its allocation stands in, and the rows are counted.
            (
                pl.lit(lookup is not None)
                & mobile.fill_null(False)
                & lookup_id.is_null()
                & pl.col("allocated_carrier").is_not_null()
            ).alias("lookup_unmatched"),
        ),
    )


def resolve_carriers(
    lf: pl.LazyFrame, *, carriers: Iterable[Carrier], country_code: str, lookup: str | None
) -> pl.LazyFrame:
    """Add `allocated_carrier`, `carrier`, `carrier_source`, `_carrier_reason` and
    `lookup_unmatched`."""
    carriers = list(carriers)
    labels = tuple((label, c.id) for c in carriers for label in c.allocation_labels)
    pairs = tuple((name, c.id) for c in carriers for name in lookup_names(c))
    return apply_steps(lf, carrier_steps(country_code, labels, pairs, lookup))
