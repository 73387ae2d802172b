"""`forecast()`: recipients + message + date → priced rows per plan and a comparison summary."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import polars as pl

from simulator._version import __version__
from simulator.engine.context import RuleContext
from simulator.engine.price import message_expr, price_list
from simulator.engine.rates import PlanTerms, plan_terms, unit_prices_by_carrier
from simulator.engine.stream import check_list, collect_streaming
from simulator.engine.uncertainty import cost_uncertainty
from simulator.errors import UsageError
from simulator.numbers.recipients import passthrough_names, read_recipients
from simulator.pricing.resolve import ResolvedPrices, tax_incl_sen
from simulator.progress import Meter
from simulator.report.money import sen_to_jpy
from simulator.rules.api_request import api_request
from simulator.rules.assumptions import modelled_settings
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
    dedupe: bool = False
    rules_dir: Path | None = None
    input_name: str | None = None
    progress: bool = False


@dataclass
class Forecast:
    """The result: checked recipients and priced rows per plan (both lazy, over the list read
    once and its checked columns kept in scratch files), and the JSON-ready summary."""

    checked_frame: pl.LazyFrame
    rows: pl.LazyFrame
    summary: dict[str, Any]
    rules_in_force: pl.DataFrame
    ruleset: RuleSet

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


def fixed_fee_sen(
    rs: RuleSet, plan: str, prices: ResolvedPrices, *, sender_ids: int, period_days: int
) -> tuple[int | None, list[str]]:
    """Fees per registered sender ID and started 30-day period, for the fees the plan lists."""
    total: int | None = 0
    names = rs.plans[plan].fixed_fees
    periods = math.ceil(period_days / 30)
    for name in names:
        unit = prices.unit_sen(name)
        total = None if unit is None or total is None else total + unit * sender_ids * periods
    return total, names


def forecast(
    recipients: RecipientInput, options: ForecastOptions, *, sinks: Sinks | None = None
) -> Forecast:
    """Price a recipient list under each plan on one date; see `Forecast` for what comes back.

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
    source = read_recipients(
        recipients,
        phone_column=options.phone_column,
        carrier_column=options.carrier_column,
        encoding=options.encoding,
        ruleset=ctx.ruleset,
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
        terms = plan_terms(ctx, None if message.templated else options.message)
        pricing = price_list(
            checked.frame if message.templated else checked.derived,
            terms,
            message=message,
            rules_in_force=ctx.rules_in_force,
            unit_prices=unit_prices,
        )
        summary_queries = checked.summary_queries()
        n = len(summary_queries)
        outputs = list(sinks(pricing.rows, checked.frame)) if sinks is not None else []
        results = collect_streaming([*summary_queries, *pricing.queries, *outputs])
        check = checked.summary(results[:n])
        per_carrier, uncertainty_rows = pricing.finish(
            counts=results[0], collected=results[n : n + len(pricing.queries)]
        )
        uncertain = cost_uncertainty(
            uncertainty_rows,
            unit_prices_by_carrier(ctx.rules_in_force, unit_prices),
            ctx.porting,
        )
    summary = build_summary(
        ctx.ruleset,
        options,
        settings=ctx.settings,
        plans=ctx.plans,
        plan_info={plan: _plan_info(t) for plan, t in terms.items()},
        check=check,
        per_carrier=per_carrier,
        uncertain=uncertain,
        prices=prices,
        rules_in_force=ctx.rules_in_force,
        warnings=[
            f"the message is too long for {t.plan}: {t.reason}"
            for t in terms.values()
            if t.too_long
        ],
        templated=message.templated,
    )
    return Forecast(
        checked_frame=checked.frame,
        rows=pricing.rows,
        summary=summary,
        rules_in_force=ctx.rules_in_force,
        ruleset=ctx.ruleset,
    )


def _plan_info(terms: PlanTerms) -> dict[str, Any]:
    """A plan's terms as `build_summary` reads them."""
    if not terms.sendable:
        return {"sendable": False, "reason": terms.reason}
    assert terms.profile is not None
    return {"sendable": True, "reason": None, "profile": terms.profile.id}


BASIS_RANK = ("unknown", "user", "upper_bound", "assumed_unchanged", "exact")
"""Price bases from least to most certain; a plan's basis is its least certain price."""


def _jpy(sen: int | None) -> Any:
    return sen_to_jpy(sen)


def price_warnings(prices: ResolvedPrices, plans: Mapping[str, Any]) -> list[str]:
    """One warning per price used that is not an exact published figure, with its note."""
    used = {c for p in plans.values() for c in p.get("charge_classes", [])}
    used |= {f for p in plans.values() for f in p.get("fixed_fees", [])}
    out = []
    for name in sorted(used):
        item = prices[name]
        if item.basis != "exact":
            amount = "no amount" if item.amount_jpy is None else f"{item.amount_jpy} JPY"
            out.append(f"price {name} is {item.basis} ({amount}): {item.note}")
    return out


def build_summary(
    rs: RuleSet,
    options: ForecastOptions,
    *,
    settings: Mapping[str, str],
    plans: list[str],
    plan_info: dict[str, dict[str, Any]],
    check: dict[str, Any],
    per_carrier: pl.DataFrame,
    uncertain: pl.DataFrame,
    prices: ResolvedPrices,
    rules_in_force: pl.DataFrame,
    warnings: list[str],
    templated: bool,
) -> dict[str, Any]:
    """The JSON object `forecast --json` prints and `summary.json` holds."""
    day = options.as_of
    tax_settings = dict(settings)
    out_plans: dict[str, Any] = {}
    rejected_for_plan: dict[str, dict[str, int]] = {}
    for plan in plans:
        info = plan_info[plan]
        entry: dict[str, Any] = {"sendable": info["sendable"], "reason": info["reason"]}
        if not info["sendable"]:
            entry.update(
                recipients=0,
                parts=0,
                cost_jpy_excl_tax=None,
                cost_jpy_incl_tax=None,
                fixed_fees_jpy=None,
                price_basis=None,
                total_jpy_excl_tax=None,
                total_jpy_incl_tax=None,
                expected_cost_jpy_excl_tax=None,
                interval_95_jpy_excl_tax=None,
                carrier_dependent=False,
                by_carrier={},
                rules=[],
            )
            out_plans[plan] = entry
            continue
        rows = per_carrier.filter(pl.col("plan") == plan)
        priced = rows.filter(pl.col("plan_status") == "priced")
        not_priced = rows.filter(pl.col("plan_status") != "priced")
        rejected_for_plan[plan] = {
            r["plan_status"]: int(r["recipients"])
            for r in not_priced.group_by("plan_status").agg(pl.col("recipients").sum()).to_dicts()
        }
        recipients = int(priced["recipients"].sum())
        parts = int(priced["parts"].sum() or 0)
        cost_sen: int | None = int(priced["cost_sen"].sum() or 0)
        if rejected_for_plan[plan].get("price_unknown"):
            cost_sen = None
        fee_sen, fee_names = fixed_fee_sen(
            rs, plan, prices, sender_ids=options.sender_ids, period_days=options.period_days
        )
        bases = set(rows["price_basis"].drop_nulls().to_list())
        bases |= {prices.basis(name) for name in fee_names if options.sender_ids}
        basis = next((b for b in BASIS_RANK if b in bases), "exact")
        total_sen = None if cost_sen is None or fee_sen is None else cost_sen + fee_sen
        u = uncertain.filter(pl.col("plan") == plan).to_dicts()
        unc = u[0] if u else {}
        by_carrier: dict[str, Any] = {}
        resolved = rules_in_force.filter(pl.col("plan") == plan)
        for r in resolved.to_dicts():
            match = rows.filter(pl.col("carrier") == r["carrier"])
            by_carrier[r["carrier"]] = {
                "recipients": int(
                    match.filter(pl.col("plan_status") == "priced")["recipients"].sum()
                ),
                "parts": int(match["parts"].sum() or 0),
                "route": r["route"],
                "sender_display": {
                    "kind": r["sender_kind"],
                    "value": r["sender_value"],
                    "guaranteed": r["sender_guaranteed"],
                },
                "charge_class": r["charge_class"],
                "cost_jpy_excl_tax": _jpy(int(match["cost_sen"].sum() or 0)),
                "rule_id": r["rule_id"],
            }
        rules_used = [
            {
                "id": r["rule_id"],
                "effective_from": r["effective_from"],
                "sources": [rs.sources[s].citation() for s in r["rule_sources"]],
            }
            for r in resolved.unique("rule_id", maintain_order=True).to_dicts()
        ]
        expected = unc.get("expected_sen")
        low, high = unc.get("low_sen"), unc.get("high_sen")
        entry.update(
            recipients=recipients,
            parts=parts,
            cost_jpy_excl_tax=_jpy(cost_sen),
            cost_jpy_incl_tax=_jpy(
                None if cost_sen is None else tax_incl_sen(cost_sen, prices, tax_settings)
            ),
            cost_per_recipient_jpy_excl_tax=None
            if cost_sen is None or not recipients
            else round(_jpy(cost_sen) / recipients, 2),
            fixed_fees_jpy=_jpy(fee_sen),
            fixed_fees=fee_names,
            charge_classes=sorted(set(rows["charge_class"].drop_nulls().to_list())),
            price_basis=basis,
            total_jpy_excl_tax=_jpy(total_sen),
            total_jpy_incl_tax=_jpy(
                None if total_sen is None else tax_incl_sen(total_sen, prices, tax_settings)
            ),
            expected_cost_jpy_excl_tax=None if expected is None else round(expected / 100, 2),
            interval_95_jpy_excl_tax=None if low is None else [_jpy(low), _jpy(high)],
            carrier_dependent=bool(unc.get("carrier_dependent", False)),
            not_priced=rejected_for_plan[plan],
            by_carrier=by_carrier,
            rules=rules_used,
            api_request=api_request(rs, plan, day, settings),
        )
        out_plans[plan] = entry
        if rejected_for_plan[plan].get("too_long"):
            warnings.append(
                f"{plan}: {rejected_for_plan[plan]['too_long']} recipients' messages are too long"
            )
    kp_plans = [p for p in plans if out_plans[p]["sendable"] and rs.plans[p].flag_role]
    if kp_plans and check.get("duplicates", 0):
        warnings.append(
            f"{check['duplicates']} duplicate recipients: under K-Premium ({', '.join(kp_plans)}) "
            "back-to-back sends to one number can fail (--dedupe drops them)"
        )
    warnings.extend(price_warnings(prices, out_plans))
    changed = {k: v for k, v in settings.items() if v != rs.assumptions[k].default}
    summary: dict[str, Any] = {
        "kpsim_version": __version__,
        "as_of": day.isoformat(),
        "input": {"file": options.input_name} if options.input_name else {},
        "message": {"template": options.message if templated else None, "templated": templated},
        "rows_in": check["rows_in"],
        "rows_ok": check["ok"],
        "rows_rejected": check["rejected"],
        "rejects_by_reason": check["rejects_by_reason"],
        "reject_examples": check.get("examples", {}),
        "duplicates": check.get("duplicates", 0),
        "by_carrier_source": check.get("by_carrier_source", {}),
        "carriers": list(rs.carriers),
        "assumptions": modelled_settings(rs, settings),
        "assumptions_changed": changed,
        "prices": prices.describe(),
        "sender_ids": options.sender_ids,
        "period_days": options.period_days,
        "warnings": warnings,
        "plans": out_plans,
    }
    return summary
