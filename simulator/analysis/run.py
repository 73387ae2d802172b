"""`forecast()`: recipients + message + date → priced rows per plan and a comparison summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from pathlib import Path
from typing import Any

import polars as pl

from simulator.analysis.porting import load_porting, select_porting
from simulator.analysis.uncertainty import ROWS_SCHEMA, cost_uncertainty
from simulator.engine.price_rows import price_plan, price_plans
from simulator.errors import UsageError
from simulator.message.count import count_parts, parts_expr
from simulator.message.profiles import load_segmentation, profile_for
from simulator.message.render import parse_template, render_expr
from simulator.numbers.counts import ListCounts
from simulator.numbers.reader import ROW
from simulator.numbers.recipients import (
    check_list,
    collect_streaming,
    passthrough_names,
    read_recipients,
)
from simulator.pricing.book import PriceBook, load_default_price_book, load_price_book
from simulator.pricing.resolve import ResolvedPrices, resolve_prices
from simulator.progress import Meter
from simulator.rules.assumptions import resolve_settings
from simulator.rules.ruleset import RuleSet, load_ruleset
from simulator.rules.tables import resolved_rules

RecipientInput = str | Path | pl.DataFrame | pl.LazyFrame
Sinks = Callable[[pl.LazyFrame, pl.LazyFrame], Sequence[pl.LazyFrame]]
"""Lazy sinks (`sink_parquet(..., lazy=True)`) built from the priced rows and the checked
recipients, run in the same streaming pass as the forecast's aggregates."""


@dataclass(frozen=True)
class ForecastOptions:
    """Everything a forecast depends on besides the recipients."""

    message: str
    as_of: dt.date
    plans: Sequence[str] | None = None
    sender: str | None = None
    kp_sender: str | None = None
    sender_ids: int = 1
    period_days: int = 30
    price_book: Path | None = None
    prices: Mapping[str, str] = field(default_factory=dict)
    assume: Mapping[str, str] = field(default_factory=dict)
    phone_column: str | None = None
    carrier_column: str | None = None
    encoding: str | None = None
    dedupe: bool = False
    rules_dir: Path | None = None
    input_name: str | None = None
    progress: bool = False


@dataclass
class ForecastRun:
    """What a forecast computed: checked recipients and priced rows per plan (both lazy, over
    the list read once and its checked columns kept in scratch files), and the aggregates
    `simulator.result` turns into the typed `Forecast` summary."""

    checked_frame: pl.LazyFrame
    rows: pl.LazyFrame
    rules_in_force: pl.DataFrame
    ruleset: RuleSet
    options: ForecastOptions
    settings: Mapping[str, str]
    plans: list[str]
    plan_info: dict[str, dict[str, Any]]
    """Per plan: sendable, and the reason when not."""
    check: ListCounts
    per_carrier: pl.DataFrame
    """Per plan, carrier and plan status: recipients, parts, cost_sen and the rule outcome."""
    uncertain: pl.DataFrame
    prices: ResolvedPrices
    warnings: list[str]
    templated: bool

    @cached_property
    def checked(self) -> pl.DataFrame:
        """The checked recipients (`check_recipients` columns), collected on first use."""
        return self.checked_frame.collect()


def _check_options(opts: ForecastOptions) -> None:
    if opts.sender_ids < 0:
        raise UsageError("--sender-ids must be 0 or more")
    if opts.period_days <= 0:
        raise UsageError("--period-days must be at least 1")
    if not opts.message:
        raise UsageError("the message is empty", hint="give --message TEXT or --message-file F")


def _uncertainty_rows(priced: pl.LazyFrame) -> pl.LazyFrame:
    return priced.filter(pl.col("plan_status") == "priced").select(
        "plan", "carrier_source", "carrier", "allocated_carrier", "parts"
    )


def _aggregate(priced: pl.LazyFrame, weight: str | None = None) -> pl.LazyFrame:
    """Per plan, carrier and plan status: recipients, parts, cost and the rule outcome; with
    `weight`, each row stands for that column's number of recipients."""
    n = pl.col(weight) if weight is not None else None
    return priced.group_by("plan", "carrier", "plan_status").agg(
        pl.len().alias("recipients") if n is None else n.sum().alias("recipients"),
        (pl.col("parts") if n is None else pl.col("parts").cast(pl.Int64) * n).sum().alias("parts"),
        (pl.col("cost_sen") if n is None else pl.col("cost_sen") * n).sum().alias("cost_sen"),
        pl.col("route").first(),
        pl.col("sender_kind").first(),
        pl.col("sender_value").first(),
        pl.col("sender_guaranteed").first(),
        pl.col("charge_class").first(),
        pl.col("rule_id").first(),
        pl.col("price_basis").first(),
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
        .with_row_index(ROW)
        .with_columns(pl.col(ROW).cast(pl.UInt64), pl.lit(None, dtype=pl.Utf8).alias("e164"))
    )


def fixed_text_rows(
    ok_rows: pl.LazyFrame, priced_groups: pl.DataFrame, parts: Mapping[str, int]
) -> pl.LazyFrame:
    """Priced recipient rows for the uncertainty of a message without placeholders: every
    recipient of a plan has the same parts, so a row is priced exactly when its carrier is."""
    frames = []
    for plan, plan_parts in parts.items():
        carriers = priced_groups.filter(
            (pl.col("plan") == plan) & (pl.col("plan_status") == "priced")
        )["carrier"]
        frames.append(
            ok_rows.filter(pl.col("carrier").is_in(carriers.unique().implode())).select(
                pl.lit(plan, dtype=pl.Utf8).alias("plan"),
                "carrier_source",
                "carrier",
                "allocated_carrier",
                pl.lit(plan_parts, dtype=pl.UInt32).alias("parts"),
            )
        )
    return pl.union(frames) if frames else pl.LazyFrame(schema=ROWS_SCHEMA)


def unit_prices_by_carrier(rules_in_force: pl.DataFrame, unit_prices: pl.DataFrame) -> pl.DataFrame:
    """Per plan × serving carrier: the unit price a part would cost there (for portability)."""
    return (
        rules_in_force.select("plan", "carrier", "charge_class")
        .join(unit_prices.select("charge_class", "unit_sen"), on="charge_class", how="left")
        .select("plan", "carrier", "unit_sen")
    )


def message_expr(message: str, columns: Sequence[str]) -> tuple[pl.Expr, bool]:
    """The message per row and whether it is a template; a fixed text stays one literal."""
    pieces = parse_template(message)
    if any(p.is_placeholder for p in pieces):
        return render_expr(message, columns), True
    return pl.lit("".join(p.text for p in pieces), dtype=pl.Utf8).alias("message"), False


def forecast(
    recipients: RecipientInput, options: ForecastOptions, *, sinks: Sinks | None = None
) -> ForecastRun:
    """Price a recipient list under each plan on one date; see `ForecastRun` for what comes back.

    The list is read once, in row batches, into checked columns kept in scratch files; the
    summary counts and any `sinks` then stream from those in one collect (a message without
    placeholders is priced once per group of alike recipients), and the 95% range in another."""
    _check_options(options)
    if isinstance(recipients, (str, Path)) and options.input_name is None:
        options = replace(options, input_name=Path(recipients).name)
    rs = load_ruleset(options.rules_dir)
    settings = resolve_settings(rs, options.assume)
    plans = rs.plan_ids(options.plans)
    day = options.as_of
    source = read_recipients(
        recipients,
        phone_column=options.phone_column,
        carrier_column=options.carrier_column,
        encoding=options.encoding,
        ruleset=rs,
    )
    passthrough = passthrough_names(source.columns, source.phone_column)
    text, templated = message_expr(options.message, list(passthrough.values()))
    with Meter(enabled=options.progress) as meter:
        checked = check_list(
            source, as_of=day, ruleset=rs, settings=settings, dedupe=options.dedupe, meter=meter
        )
        meter.step("pricing", counted=False)
        recipients_frame = checked.frame if templated else checked.derived
        ok_rows = recipients_frame.filter(pl.col("status") == "ok")

        book = load_default_price_book(options.rules_dir)
        user_book: PriceBook | None = (
            load_price_book(options.price_book) if options.price_book is not None else None
        )
        prices = resolve_prices(book, day, overrides=options.prices, user_book=user_book)
        unit_prices = prices.unit_price_frame()
        rules_in_force = resolved_rules(rs, day, settings)
        segmentation = load_segmentation(options.rules_dir)

        pricers: dict[str, Callable[[pl.LazyFrame], pl.LazyFrame]] = {}
        fixed_parts: dict[str, int] = {}
        plan_info: dict[str, dict[str, Any]] = {}
        warnings: list[str] = []
        for plan in plans:
            available = rs.plans[plan].available_from
            if day < available:
                plan_info[plan] = {
                    "sendable": False,
                    "reason": f"plan starts {available.isoformat()}",
                }
                continue
            profile = profile_for(segmentation, plan, day, settings)
            if not templated:
                counted = count_parts(options.message, profile)
                if counted.parts is None:
                    plan_info[plan] = {
                        "sendable": False,
                        "reason": f"message too long ({counted.units} characters; "
                        f"{profile.describe_limit()})",
                    }
                    warnings.append(
                        f"the message is too long for {plan}: {plan_info[plan]['reason']}"
                    )
                    continue
                fixed_parts[plan] = counted.parts
            plan_info[plan] = {"sendable": True, "reason": None, "profile": profile.id}
            pricers[plan] = partial(
                price_plan,
                plan=plan,
                rules_in_force=rules_in_force,
                parts=parts_expr(text, profile),
                unit_prices=unit_prices,
            )
        frames = {plan: price(ok_rows) for plan, price in pricers.items()}
        priced = price_plans(list(frames.values()))
        # pl.union reads the plans side by side; an ordered concat would buffer all but one.
        every_plan = pl.union(list(frames.values())) if frames else priced
        summary_queries = checked.summary_queries()
        aggregates = [_aggregate(every_plan)] if templated else []
        outputs = list(sinks(priced, checked.frame)) if sinks is not None else []
        results = collect_streaming([*summary_queries, *aggregates, *outputs])
        check = checked.summary(results[: len(summary_queries)])
        if templated:
            per_carrier = results[len(summary_queries)]
            uncertainty_rows = _uncertainty_rows(every_plan)
        else:
            groups = sendable_groups(results[0])
            priced_groups = (
                price_plans([price(groups.lazy()) for price in pricers.values()])
                .join(groups.lazy().select(ROW, "n"), on=ROW)
                .collect()
            )
            per_carrier = _aggregate(priced_groups.lazy(), weight="n").collect()
            uncertainty_rows = fixed_text_rows(ok_rows, priced_groups, fixed_parts)
        porting = select_porting(load_porting(options.rules_dir), settings)
        uncertain = cost_uncertainty(
            uncertainty_rows, unit_prices_by_carrier(rules_in_force, unit_prices), porting
        )
    return ForecastRun(
        checked_frame=checked.frame,
        rows=priced,
        rules_in_force=rules_in_force,
        ruleset=rs,
        options=options,
        settings=settings,
        plans=plans,
        plan_info=plan_info,
        check=check,
        per_carrier=per_carrier,
        uncertain=uncertain,
        prices=prices,
        warnings=warnings,
        templated=templated,
    )
