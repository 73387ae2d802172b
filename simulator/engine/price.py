"""The one file that prices recipients: recipients × plans ⋈ rules in force ⋈ message parts ⋈
unit prices, vectorised, for a message per recipient (a template) or a fixed one.

A template is rendered and counted per recipient, and the priced rows are aggregated in the same
streaming pass as the check summary. A fixed message has the same parts for every recipient of
a plan, so it is priced once per group of alike recipients (carrier, carrier source, allocated
carrier) and the groups weighted by their counts; the per-recipient rows stay lazy, for outputs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from simulator.engine.rates import PlanTerms
from simulator.engine.uncertainty import WEIGHT
from simulator.message.count import STATS_FIELDS, TextStats, parts_expr, stats_parts, template_stats
from simulator.message.profiles import Profile
from simulator.message.render import TemplatePiece, fixed_text, template_pieces
from simulator.numbers.reader import ROW

OUTCOME_COLUMNS = [
    "route",
    "sender_kind",
    "sender_value",
    "sender_guaranteed",
    "charge_class",
    "rule_id",
    "rule_variant",
    "effective_from",
]

PRICED_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.UInt64(),
    "plan": pl.Utf8(),
    "e164": pl.Utf8(),
    "carrier": pl.Utf8(),
    "carrier_source": pl.Utf8(),
    "allocated_carrier": pl.Utf8(),
    "route": pl.Utf8(),
    "sender_kind": pl.Utf8(),
    "sender_value": pl.Utf8(),
    "sender_guaranteed": pl.Boolean(),
    "charge_class": pl.Utf8(),
    "rule_id": pl.Utf8(),
    "rule_variant": pl.Int32(),
    "rule_effective_from": pl.Date(),
    "units": pl.UInt32(),
    "encoding": pl.Utf8(),
    "parts": pl.UInt32(),
    "unit_sen": pl.Int64(),
    "price_basis": pl.Utf8(),
    "cost_sen": pl.Int64(),
    "plan_status": pl.Utf8(),
}
"""Columns of the per recipient × plan frame; `plan_status` is priced, too_long or price_unknown."""


def with_plan(recipients: pl.LazyFrame, plan: str) -> pl.LazyFrame:
    """The recipients tagged with one plan."""
    return recipients.with_columns(pl.lit(plan, dtype=pl.Utf8).alias("plan"))


def join_rules(rows: pl.LazyFrame, rules_in_force: pl.DataFrame) -> pl.LazyFrame:
    """Attach the rule outcome in force for each row's plan and carrier (an equi-join on a tiny table)."""
    table = rules_in_force.select("plan", "carrier", *OUTCOME_COLUMNS).rename(
        {"effective_from": "rule_effective_from"}
    )
    return rows.join(table.lazy(), on=["plan", "carrier"], how="left")


def join_prices(rows: pl.LazyFrame, unit_prices: pl.DataFrame) -> pl.LazyFrame:
    """Attach the unit price (sen per part) and its basis for each row's charge class."""
    return rows.join(
        unit_prices.select("charge_class", "unit_sen", "price_basis").lazy(),
        on="charge_class",
        how="left",
    )


def cost_and_status(rows: pl.LazyFrame) -> pl.LazyFrame:
    """Cost = parts × unit price; rows whose message is too long or whose price is unknown cost null."""
    too_long = pl.col("parts").is_null()
    unknown = pl.col("unit_sen").is_null()
    return rows.with_columns(
        pl.when(too_long | unknown)
        .then(None)
        .otherwise(pl.col("parts").cast(pl.Int64) * pl.col("unit_sen"))
        .alias("cost_sen"),
        pl.when(too_long)
        .then(pl.lit("too_long"))
        .when(unknown)
        .then(pl.lit("price_unknown"))
        .otherwise(pl.lit("priced"))
        .alias("plan_status"),
    )


def price_plan(
    recipients: pl.LazyFrame,
    plan: str,
    *,
    rules_in_force: pl.DataFrame,
    parts: pl.Expr,
    unit_prices: pl.DataFrame,
) -> pl.LazyFrame:
    """Price every recipient under one plan; `parts` is a struct expr (units, encoding, parts)."""
    rows = (
        with_plan(recipients, plan)
        .with_columns(parts.alias("_parts"))
        .with_columns(
            pl.col("_parts").struct.field("units").cast(pl.UInt32).alias("units"),
            pl.col("_parts").struct.field("encoding").cast(pl.Utf8).alias("encoding"),
            pl.col("_parts").struct.field("parts").cast(pl.UInt32).alias("parts"),
        )
    )
    rows = join_prices(join_rules(rows, rules_in_force), unit_prices)
    return cost_and_status(rows).select(list(PRICED_SCHEMA))


def price_plans(plan_frames: list[pl.LazyFrame]) -> pl.LazyFrame:
    """All plans' rows in one frame, sorted by row then plan order."""
    if not plan_frames:
        return pl.LazyFrame(schema=PRICED_SCHEMA)
    return pl.concat(plan_frames, how="vertical")


@dataclass(frozen=True)
class Message:
    """The message: a fixed `text` (None for a template), and its pieces (a fixed text is one
    literal piece; a template's placeholders are filled per recipient)."""

    text: str | None
    pieces: tuple[TemplatePiece, ...]

    @property
    def templated(self) -> bool:
        return self.text is None

    def stats(self, profile: Profile) -> TextStats:
        """The message's `TextStats` per row under `profile` (a template is never rendered:
        its placeholders' columns are counted and added to its literal text's stats)."""
        return template_stats(self.pieces, profile)

    def parts(self, profile: Profile) -> pl.Expr:
        """`parts_expr` of the message per row under `profile`."""
        if self.text is not None:
            return parts_expr(pl.lit(self.text, dtype=pl.Utf8), profile)
        return stats_parts(self.stats(profile), profile)


def message_expr(message: str, columns: Sequence[str]) -> Message:
    """The message of a forecast; a template's placeholders must name list columns."""
    text = fixed_text(message)
    if text is None:
        return Message(None, tuple(template_pieces(message, columns)))
    return Message(text, (TemplatePiece(text, is_placeholder=False),))


FIRSTS = (
    "route",
    "sender_kind",
    "sender_value",
    "sender_guaranteed",
    "charge_class",
    "rule_id",
    "price_basis",
)
"""Columns that follow from plan and carrier: one value per group of `aggregate`."""


def aggregate(priced: pl.LazyFrame, weight: str | None = None) -> pl.LazyFrame:
    """Per plan, carrier and plan status: recipients, parts, cost and the rule outcome; with
    `weight`, each row stands for that column's number of recipients."""
    n = pl.col(weight) if weight is not None else None
    return priced.group_by("plan", "carrier", "plan_status").agg(
        pl.len().alias("recipients") if n is None else n.sum().alias("recipients"),
        # Summed as 128-bit integers: a list of millions at a price book's largest amount
        # overflows Int64 (9.2e18 sen), and a wrapped sum would be a wrong figure, not an error.
        (pl.col("parts").cast(pl.Int128) * (1 if n is None else n)).sum().alias("parts"),
        (pl.col("cost_sen").cast(pl.Int128) * (1 if n is None else n)).sum().alias("cost_sen"),
        *(pl.col(c).first() for c in FIRSTS),
    )


GROUPED = ["carrier", "carrier_source", "allocated_carrier"]


def sendable_groups(counts: pl.DataFrame) -> pl.DataFrame:
    """The sendable rows of a checked list (from `counts_query`) as one stand-in recipient per
    carrier, carrier source and allocated carrier, with `n`, the recipients it stands for."""
    return (
        counts.filter(pl.col("status") == "ok")
        .group_by(GROUPED)
        .agg(pl.col("n").sum())
        .sort(GROUPED, nulls_last=True)
    )


def fixed_text_rows(priced_groups: pl.DataFrame, parts: Mapping[str, int]) -> pl.LazyFrame:
    """Weighted rows (column `n`) for the uncertainty of a message without placeholders: every
    recipient of a plan has the same parts, so a group of alike recipients is priced exactly
    when its carrier is, and the groups of `sendable_groups` stand for their recipients."""
    plans = list(parts)
    return (
        priced_groups.lazy()
        .filter(pl.col("plan").is_in(plans) & (pl.col("plan_status") == "priced"))
        .select(
            "plan",
            "carrier_source",
            "carrier",
            "allocated_carrier",
            pl.col("plan")
            .replace_strict(plans, [parts[p] for p in plans], return_dtype=pl.UInt32)
            .alias("parts"),
            pl.col("n").cast(pl.Int64),
        )
    )


FINE_GROUPS = [
    "plan",
    "carrier",
    "plan_status",
    "carrier_source",
    "allocated_carrier",
    "parts",
    "encoding",
]


def fine_groups(priced: pl.LazyFrame, weight: str | None = None) -> pl.LazyFrame:
    """Priced rows counted (column `n`) per plan, carriers, plan status and parts, with the
    cost of one such row and the rule outcome (both follow from plan, carrier and parts), from
    which `aggregate` and the uncertainty rows follow exactly; with `weight`, each row stands
    for that column's number of recipients."""
    return priced.group_by(FINE_GROUPS).agg(
        (pl.len() if weight is None else pl.col(weight).sum()).cast(pl.Int64).alias("n"),
        pl.col("units").min().alias("units_min"),
        pl.col("units").max().alias("units_max"),
        *(pl.col(c).first() for c in ("cost_sen", *FIRSTS)),
    )


def sendable_profiles(terms: Mapping[str, PlanTerms]) -> dict[str, Profile]:
    """The profiles the sendable plans count with, by id."""
    return {t.profile.id: t.profile for t in terms.values() if t.sendable and t.profile is not None}


@dataclass(frozen=True)
class StatsColumns:
    """A template's per-row `TextStats` under each profile, as the group keys of
    `template_groups` (a stat that is the same on every row stays an expression)."""

    keys: dict[str, pl.Expr]
    by_profile: dict[str, TextStats]

    @classmethod
    def of(cls, message: Message, profiles: Mapping[str, Profile]) -> StatsColumns:
        keys: dict[str, pl.Expr] = {}
        by_profile = {}
        for index, (profile_id, profile) in enumerate(profiles.items()):
            named = {}
            stats = message.stats(profile)
            for field in STATS_FIELDS:
                expr = getattr(stats, field)
                if expr.meta.is_literal():
                    named[field] = expr
                    continue
                same = next((k for k, e in keys.items() if e.meta.eq(expr)), None)
                name = same or f"_{field}_{index}"
                keys.setdefault(name, expr)
                named[field] = pl.col(name)
            by_profile[profile_id] = TextStats(**named)
        return cls(keys, by_profile)


def template_groups(recipients: pl.LazyFrame, stats: StatsColumns) -> pl.LazyFrame:
    """The sendable recipients counted (column `n`) per carrier, carrier source, allocated
    carrier and message stats: the one streaming query a template needs, from which every
    plan's parts and prices follow (recipients with the same stats have the same parts)."""
    keys = [expr.alias(name) for name, expr in stats.keys.items()]
    return recipients.group_by(*GROUPED, *keys).agg(pl.len().alias("n"))


def priced_groups(
    groups: pl.DataFrame,
    *,
    parts: Mapping[str, pl.Expr],
    rules_in_force: pl.DataFrame,
    unit_prices: pl.DataFrame,
) -> pl.DataFrame:
    """Stand-in recipients (one per group, with `n`) priced under each plan of `parts`."""
    numbered = groups.with_row_index(ROW).with_columns(
        pl.col(ROW).cast(pl.UInt64), pl.lit(None, dtype=pl.Utf8).alias("e164")
    )
    frames = [
        price_plan(
            numbered.lazy(),
            plan,
            rules_in_force=rules_in_force,
            parts=plan_parts,
            unit_prices=unit_prices,
        )
        for plan, plan_parts in parts.items()
    ]
    return price_plans(frames).join(numbered.lazy().select(ROW, "n"), on=ROW).collect()


LENGTHS_SCHEMA: dict[str, pl.DataType] = {
    "plan": pl.Utf8(),
    "plan_status": pl.Utf8(),
    "encoding": pl.Utf8(),
    "n": pl.Int64(),
    "units_min": pl.UInt32(),
    "units_max": pl.UInt32(),
    "parts_min": pl.UInt32(),
    "parts_max": pl.UInt32(),
}
"""Per plan, plan status and encoding: recipients, the length range of their messages and
their parts' range (null when too long)."""


def message_lengths(fine: pl.DataFrame) -> pl.DataFrame:
    """The rendered messages' lengths per plan × plan status × encoding, from `fine_groups`."""
    return (
        fine.group_by("plan", "plan_status", "encoding")
        .agg(
            pl.col("n").sum().cast(pl.Int64),
            pl.col("units_min").min().cast(pl.UInt32),
            pl.col("units_max").max().cast(pl.UInt32),
            pl.col("parts").min().cast(pl.UInt32).alias("parts_min"),
            pl.col("parts").max().cast(pl.UInt32).alias("parts_max"),
        )
        .sort("plan", "plan_status", "encoding", nulls_last=True)
        .select(list(LENGTHS_SCHEMA))
    )


def uncertainty_rows(priced: pl.LazyFrame) -> pl.LazyFrame:
    """The priced rows' plan, carriers and parts, as `cost_uncertainty` takes them."""
    weight = [WEIGHT] if WEIGHT in priced.collect_schema() else []
    return priced.filter(pl.col("plan_status") == "priced").select(
        "plan", "carrier_source", "carrier", "allocated_carrier", "parts", *weight
    )


def plan_parts(
    terms: Mapping[str, PlanTerms], parts_of: Callable[[Profile], pl.Expr]
) -> dict[str, pl.Expr]:
    """Each sendable plan's parts expression, from the profile it counts with."""
    return {
        plan: parts_of(t.profile)
        for plan, t in terms.items()
        if t.sendable and t.profile is not None
    }


def price_terms(
    recipients: pl.LazyFrame,
    terms: Mapping[str, PlanTerms],
    *,
    message: Message,
    rules_in_force: pl.DataFrame,
    unit_prices: pl.DataFrame,
) -> list[pl.LazyFrame]:
    """`recipients` priced under each sendable plan of `terms`, one frame per plan, in order."""
    return [
        price_plan(
            recipients,
            plan,
            rules_in_force=rules_in_force,
            parts=parts,
            unit_prices=unit_prices,
        )
        for plan, parts in plan_parts(terms, message.parts).items()
    ]


@dataclass(frozen=True)
class ListPricing:
    """One checked list priced under the sendable plans. `rows` is the per recipient × plan
    frame (lazy); `queries` are to be collected with the check summary's queries, in one
    streaming pass; `finish` then gives the aggregate per plan × carrier × plan status and the
    rows for `cost_uncertainty`."""

    rows: pl.LazyFrame
    queries: list[pl.LazyFrame]
    terms: Mapping[str, PlanTerms]
    message: Message
    stats: StatsColumns | None
    rules_in_force: pl.DataFrame
    unit_prices: pl.DataFrame

    def _fine(self, collected: Sequence[pl.DataFrame]) -> pl.DataFrame:
        """`fine_groups` of a template, priced from `template_groups`' counts."""
        assert self.stats is not None
        (groups,) = collected
        stats = self.stats.by_profile
        priced = self._priced(groups, plan_parts(self.terms, lambda p: stats_parts(stats[p.id], p)))
        return fine_groups(priced.lazy(), weight="n").collect()

    def _priced(self, groups: pl.DataFrame, parts: Mapping[str, pl.Expr]) -> pl.DataFrame:
        return priced_groups(
            groups,
            parts=parts,
            rules_in_force=self.rules_in_force,
            unit_prices=self.unit_prices,
        )

    def lengths(self, collected: Sequence[pl.DataFrame]) -> pl.DataFrame:
        """Per plan × status × encoding, the rendered messages' lengths (a template only:
        a fixed text has one length, counted once in `plan_terms`)."""
        if not self.message.templated:
            return pl.DataFrame(schema=LENGTHS_SCHEMA)
        return message_lengths(self._fine(collected))

    def finish(
        self, counts: pl.DataFrame, collected: Sequence[pl.DataFrame]
    ) -> tuple[pl.DataFrame, pl.LazyFrame]:
        """(aggregate, uncertainty rows) from the check's `counts_query` result and the
        collected `queries`."""
        if self.message.templated:
            fine = self._fine(collected)
            per_carrier = aggregate(fine.lazy(), weight="n").collect()
            return per_carrier, uncertainty_rows(fine.lazy())
        priced = self._priced(sendable_groups(counts), plan_parts(self.terms, self.message.parts))
        per_carrier = aggregate(priced.lazy(), weight="n").collect()
        parts = {p: t.parts for p, t in self.terms.items() if t.sendable and t.parts is not None}
        return per_carrier, fixed_text_rows(priced, parts)


def price_list(
    checked: pl.LazyFrame,
    terms: Mapping[str, PlanTerms],
    *,
    message: Message,
    rules_in_force: pl.DataFrame,
    unit_prices: pl.DataFrame,
) -> ListPricing:
    """Price the sendable rows of `checked` (with the input columns a template reads) under
    every sendable plan of `terms`."""
    ok_rows = checked.filter(pl.col("status") == "ok")
    frames = price_terms(
        ok_rows, terms, message=message, rules_in_force=rules_in_force, unit_prices=unit_prices
    )
    stats = StatsColumns.of(message, sendable_profiles(terms)) if message.templated else None
    return ListPricing(
        rows=price_plans(frames),
        queries=[template_groups(ok_rows, stats)] if stats is not None else [],
        terms=terms,
        message=message,
        stats=stats,
        rules_in_force=rules_in_force,
        unit_prices=unit_prices,
    )
