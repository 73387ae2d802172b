"""`forecast()`: recipients + message + date → priced rows per plan and a comparison summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import polars as pl

from simulator.analysis.senders import CodedWarning, check_sender_values
from simulator.engine.context import RuleContext
from simulator.engine.price import message_expr, price_list
from simulator.engine.rates import PlanTerms, plan_terms, unit_prices_by_carrier
from simulator.engine.stream import check_list, collect_streaming
from simulator.engine.uncertainty import cost_uncertainty
from simulator.errors import UsageError
from simulator.i18n import t as say
from simulator.message.render import fixed_text
from simulator.numbers.counts import ListCounts
from simulator.numbers.recipients import passthrough_names, read_recipients
from simulator.pricing.resolve import ResolvedPrices
from simulator.progress import Meter
from simulator.rules.ruleset import RuleSet

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
    sheet: str | None = None
    skip_rows: int = 0
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
    phone_column: str
    """The list's column the numbers were read from (found by name, or --phone-column)."""
    carrier_column: str | None
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
    coded_warnings: list[CodedWarning]
    """Warnings with a catalogue code (sender IDs, registration), also in `warnings`."""
    lengths: pl.DataFrame
    """A template's rendered lengths per plan × plan status × encoding
    (`engine.price.LENGTHS_SCHEMA`; empty for a fixed text)."""

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
        raise UsageError(
            "the message is empty",
            hint="give --message TEXT or --message-file F",
            code="empty_message",
        )


def forecast(
    recipients: RecipientInput, options: ForecastOptions, *, sinks: Sinks | None = None
) -> ForecastRun:
    """Price a recipient list under each plan on one date; see `ForecastRun` for what comes back.

    The engine reads the list once, in row batches, into checked columns kept in scratch files
    (`engine/stream.py`); the summary counts, the pricing (`engine/price.py`) and any `sinks`
    then stream from those in one collect, and the 95% range (`engine/uncertainty.py`) follows."""
    _check_options(options)
    if isinstance(recipients, (str, Path)) and options.input_name is None:
        options = replace(options, input_name=Path(recipients).name)
    ctx = RuleContext.load(
        options.as_of,
        rules_dir=options.rules_dir,
        assume=options.assume,
        plans=options.plans,
        price_book=options.price_book,
    )
    rules_in_force, coded = check_sender_values(
        ctx, sender=options.sender, kp_sender=options.kp_sender
    )
    source = read_recipients(
        recipients,
        phone_column=options.phone_column,
        carrier_column=options.carrier_column,
        encoding=options.encoding,
        ruleset=ctx.ruleset,
        sheet=options.sheet,
        skip_rows=options.skip_rows,
    )
    passthrough = passthrough_names(source.columns, source.phone_column)
    message = message_expr(options.message, list(passthrough.values()))
    with Meter(enabled=options.progress) as meter:
        checked = check_list(
            source,
            as_of=ctx.as_of,
            ruleset=ctx.ruleset,
            settings=ctx.settings,
            dedupe=options.dedupe,
            meter=meter,
        )
        meter.step("pricing", counted=False)
        prices = ctx.prices(options.prices)
        unit_prices = prices.unit_price_frame()
        terms = plan_terms(ctx, fixed_text(options.message))
        pricing = price_list(
            checked.frame if message.templated else checked.derived,
            terms,
            message=message,
            rules_in_force=rules_in_force,
            unit_prices=unit_prices,
        )
        summary_queries = checked.summary_queries()
        n = len(summary_queries)
        outputs = list(sinks(pricing.rows, checked.frame)) if sinks is not None else []
        results = collect_streaming([*summary_queries, *pricing.queries, *outputs])
        check = checked.summary(results[:n])
        collected = results[n : n + len(pricing.queries)]
        per_carrier, uncertainty_rows = pricing.finish(counts=results[0], collected=collected)
        lengths = pricing.lengths(collected)
        uncertain = cost_uncertainty(
            uncertainty_rows,
            unit_prices_by_carrier(ctx.rules_in_force, unit_prices),
            ctx.porting,
        )
    return ForecastRun(
        checked_frame=checked.frame,
        phone_column=source.phone_column,
        carrier_column=source.carrier_column,
        rows=pricing.rows,
        rules_in_force=rules_in_force,
        ruleset=ctx.ruleset,
        options=options,
        settings=ctx.settings,
        plans=ctx.plans,
        plan_info={plan: _plan_info(t) for plan, t in terms.items()},
        check=check,
        per_carrier=per_carrier,
        uncertain=uncertain,
        prices=prices,
        warnings=[
            f"the message is too long for {t.plan}: {t.reason}"
            for t in terms.values()
            if t.too_long
        ]
        + [say(f"warning.{code}", lang="en", **fields) for code, fields in coded],
        templated=message.templated,
        coded_warnings=coded,
        lengths=lengths,
    )


def _plan_info(terms: PlanTerms) -> dict[str, Any]:
    """A plan's terms as the summary reads them."""
    if not terms.sendable:
        return {"sendable": False, "reason": terms.reason}
    assert terms.profile is not None
    return {"sendable": True, "reason": None, "profile": terms.profile.id}
