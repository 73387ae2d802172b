"""From a `ForecastRun` to the typed `Forecast` summary, and the in-memory `ForecastResult`."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import quote

import polars as pl

from simulator.analysis.run import ForecastRun
from simulator.errors import KpsimError
from simulator.i18n import t
from simulator.message.count import count_parts
from simulator.message.fit import longest_by_encoding
from simulator.message.profiles import (
    Profile,
    describe_limits,
    load_segmentation_rules,
    profile_for,
)
from simulator.message.render import fixed_text
from simulator.pricing.fees import PERIOD_DAYS, fixed_fee_sen
from simulator.pricing.money import fmt_jpy, sen_to_jpy
from simulator.pricing.resolve import ResolvedPrices
from simulator.pricing.tax import tax_incl_sen
from simulator.result.fee_words import fee_arithmetic
from simulator.result.forecast import (
    CarrierResult,
    FeeLine,
    Forecast,
    ForecastInput,
    MessageFit,
    MessageInfo,
    MessagePlan,
    Notice,
    PlanResult,
    PricesUsed,
    PriceUsed,
    RuleUsed,
    SourceRef,
    TaxUsed,
)
from simulator.result.lookup import carrier_lookup_option
from simulator.result.price_range import parts_by_charge_class, plan_range
from simulator.result.shared import ApiRequest, SenderDisplay, sender_shown
from simulator.rules.api_request import api_request, given_values
from simulator.rules.assumptions import modelled_settings, not_modelled
from simulator.rules.reasons import describe
from simulator.rules.ruleset import RuleSet
from simulator.rules.schema import Source

BASIS_RANK = ("unknown", "user", "upper_bound", "assumed_unchanged", "exact")
"""Price bases from least to most certain; a plan's basis is its least certain price."""


def _yen(sen: int) -> Decimal:
    amount = sen_to_jpy(sen)
    assert amount is not None
    return amount


def source_url(source: Source) -> str:
    """Where to read a source: its web page, or the file at its commit on GitHub."""
    if source.kind == "web" or not (source.repo and source.path and source.commit):
        return source.url or ""
    return f"https://github.com/{source.repo}/blob/{source.commit}/{quote(source.path)}"


def source_refs(rs: RuleSet | None, ids: Iterable[str]) -> list[SourceRef]:
    """The sources of `ids` the rules know, with title, date and link."""
    if rs is None:
        return []
    return [
        SourceRef(id=s.id, title=s.title, date=s.date, url=source_url(s))
        for s in (rs.sources.get(i) for i in ids)
        if s is not None
    ]


def prices_used(prices: ResolvedPrices, rs: RuleSet | None = None) -> PricesUsed:
    """Every price and the tax rate of a forecast's date, with sources and notes."""
    return PricesUsed(
        on=prices.on,
        currency="JPY",
        tax_included=False,
        tax=TaxUsed(
            rate_percent=prices.tax_rate_percent,
            basis=prices.tax_basis,
            sources=list(prices.tax_sources),
            note=prices.tax_note,
            source_refs=source_refs(rs, prices.tax_sources),
        ),
        items={
            p.name: PriceUsed(
                amount_jpy=p.amount_jpy,
                charged_per=p.charged_per,
                basis=p.basis,
                effective_from=p.effective_from,
                sources=list(p.sources),
                note=p.note,
                source_refs=source_refs(rs, p.sources),
            )
            for p in prices.prices.values()
        },
    )


def notice(code: str, **fields: object) -> Notice:
    """A warning by code: its fields and its English wording from the catalogue."""
    shown = {k: str(v) for k, v in fields.items()}
    return Notice(code=code, fields=shown, text=t(f"warning.{code}", lang="en", **shown))


PRICE_BASIS_NOTICES = {
    "upper_bound": "price_upper_bound",
    "assumed_unchanged": "price_assumed_unchanged",
    "user": "price_user",
}


def price_notices(prices: ResolvedPrices, plans: Mapping[str, PlanResult]) -> list[Notice]:
    """One warning per price used that is not an exact published figure, with its note."""
    used = {c for p in plans.values() for c in p.charge_classes}
    used |= {f for p in plans.values() for f in p.fixed_fees}
    out = []
    for name in sorted(used):
        item = prices[name]
        if item.basis == "exact":
            continue
        if item.amount_jpy is None:
            out.append(notice("price_unknown", name=name, note=item.note))
            continue
        code = PRICE_BASIS_NOTICES.get(item.basis, "price_not_exact")
        out.append(
            notice(
                code, name=name, basis=item.basis, amount=fmt_jpy(item.amount_jpy), note=item.note
            )
        )
    return out


def run_notices(run: ForecastRun) -> list[Notice]:
    """The run's own warnings by code: a plan the message is too long for, the sender-ID and
    registration warnings; any other warning as English text (code `text`)."""
    known = {}
    for plan, info in run.plan_info.items():
        if info.get("reason"):
            n = notice("message_too_long", plan=plan, reason=info["reason"])
            known[n.text] = n
    for code, shown in run.coded_warnings:
        n = notice(code, **shown)
        known[n.text] = n
    return [known.get(w) or Notice(code="text", text=w) for w in run.warnings]


def _by_carrier(run: ForecastRun, plan: str, rows: pl.DataFrame) -> dict[str, CarrierResult]:
    """Per serving carrier, in the rules' order: the outcome in force and what it costs."""
    opts = run.options
    out: dict[str, CarrierResult] = {}
    for r in run.rules_in_force.filter(pl.col("plan") == plan).to_dicts():
        match = rows.filter(pl.col("carrier") == r["carrier"])
        out[r["carrier"]] = CarrierResult(
            recipients=int(match.filter(pl.col("plan_status") == "priced")["recipients"].sum()),
            parts=int(match["parts"].sum() or 0),
            route=r["route"],
            sender_display=SenderDisplay(
                kind=r["sender_kind"],
                value=r["sender_value"],
                guaranteed=r["sender_guaranteed"],
                shown=sender_shown(
                    r["sender_kind"],
                    r["sender_value"],
                    sender=opts.sender,
                    kp_sender=opts.kp_sender,
                ),
            ),
            charge_class=r["charge_class"],
            cost_jpy_excl_tax=_yen(int(match["cost_sen"].sum() or 0)),
            rule_id=r["rule_id"],
        )
    return out


def _rules_used(run: ForecastRun, plan: str) -> list[RuleUsed]:
    rs = run.ruleset
    resolved = run.rules_in_force.filter(pl.col("plan") == plan)
    return [
        RuleUsed(
            id=r["rule_id"],
            effective_from=r["effective_from"],
            sources=[rs.sources[s].citation() for s in r["rule_sources"]],
            source_refs=source_refs(rs, r["rule_sources"]),
        )
        for r in resolved.unique("rule_id", maintain_order=True).to_dicts()
    ]


def fee_lines(run: ForecastRun, plan: str) -> list[FeeLine]:
    """Each fixed fee of `plan` with its arithmetic, as `fixed_fee_sen` adds them up."""
    opts, prices = run.options, run.prices
    periods = math.ceil(opts.period_days / PERIOD_DAYS)
    out = []
    for name in run.ruleset.plans[plan].fixed_fees:
        unit = prices.unit_sen(name)
        line = FeeLine(
            name=name,
            charged_per=prices[name].charged_per,
            unit_jpy=sen_to_jpy(unit),
            sender_ids=opts.sender_ids,
            period_days=opts.period_days,
            days_per_period=PERIOD_DAYS,
            periods=periods,
            amount_jpy=None if unit is None else _yen(unit * opts.sender_ids * periods),
        )
        out.append(line.model_copy(update={"arithmetic": fee_arithmetic(line, "en")}))
    return out


def message_info(run: ForecastRun) -> MessageInfo:
    """The message, its length and, per plan, its encoding, parts and the plan's limit."""
    opts = run.options
    text = opts.message
    try:
        segmentation = load_segmentation_rules(run.ruleset.directory)
    except KpsimError:
        segmentation = None
    by_plan: dict[str, MessagePlan] = {}
    for plan in run.plans:
        if segmentation is None:
            break
        try:
            profile = profile_for(segmentation, plan, opts.as_of, run.settings)
        except KpsimError:
            continue  # no part rules on that date (the plan did not exist yet)
        limit = profile.describe_limit()
        if run.templated:
            by_plan[plan] = MessagePlan(limit=limit)
            continue
        counted = count_parts(text, profile)
        by_plan[plan] = MessagePlan(
            encoding=counted.encoding,
            units=counted.units,
            parts=counted.parts,
            too_long=counted.too_long,
            limit=f"{counted.encoding}: {describe_limits(profile.limits(counted.encoding))}",
        )
    return MessageInfo(
        template=text if run.templated else None,
        templated=run.templated,
        text=text,
        characters=len(text),
        by_plan=by_plan,
    )


def assumption_meanings(rs: RuleSet, settings: Mapping[str, str]) -> dict[str, str]:
    """Per assumption in force: what its chosen value says."""
    out = {}
    for name, value in settings.items():
        assumption = rs.assumptions.get(name)
        says = (
            next((v.says for v in assumption.values if v.id == value), None) if assumption else None
        )
        if says:
            out[name] = says
    return out


def _profile(run: ForecastRun, plan: str) -> Profile | None:
    """The plan's part-counting profile on the forecast's date (None before the plan exists)."""
    if run.options.as_of < run.ruleset.plans[plan].available_from:
        return None
    try:
        segmentation = load_segmentation_rules(run.ruleset.directory)
        return profile_for(segmentation, plan, run.options.as_of, run.settings)
    except KpsimError:
        return None


def _sends(checked: int, too_long: int) -> Literal["all", "partly", "none"]:
    if not too_long:
        return "all"
    return "none" if too_long >= checked else "partly"


def _span(lengths: pl.DataFrame) -> tuple[int, int] | None:
    """The shortest and longest message of `lengths` rows (None without rows)."""
    if lengths.is_empty():
        return None
    low, high = lengths["units_min"].min(), lengths["units_max"].max()
    return None if low is None or high is None else (int(str(low)), int(str(high)))


def message_fit(run: ForecastRun, plan: str) -> MessageFit | None:
    """Whether the recipients' messages fit `plan`, from counts both pricing paths share: the
    fixed text counted once, or a template's lengths per plan status and encoding."""
    profile = _profile(run, plan)
    if profile is None:
        return None
    checked = run.check.ok
    longest = longest_by_encoding(profile)
    limit = profile.describe_limit()
    text = fixed_text(run.options.message)
    if text is not None:
        counted = count_parts(text, profile)
        one = (counted.units, counted.units) if checked else None
        cut = counted.units - longest[counted.encoding] if counted.too_long else None
        return MessageFit(
            sends="none" if counted.too_long else "all",
            recipients_fit=0 if counted.too_long else checked,
            recipients_checked=checked,
            limit=limit,
            longest_allowed=longest,
            units_range=one,
            too_long_units_range=one if counted.too_long else None,
            cut_characters=cut,
        )
    lengths = run.lengths.filter(pl.col("plan") == plan)
    long = lengths.filter(pl.col("plan_status") == "too_long")
    too_long = int(long["n"].sum())
    cuts = [
        int(units) - longest[str(encoding)]
        for encoding, units in long.select("encoding", "units_max").iter_rows()
        if units is not None and str(encoding) in longest
    ]

    return MessageFit(
        sends=_sends(checked, too_long),
        recipients_fit=checked - too_long,
        recipients_checked=checked,
        limit=limit,
        longest_allowed=longest,
        units_range=_span(lengths),
        too_long_units_range=_span(long),
        cut_characters=max(cuts) if cuts else None,
    )


def plan_result(run: ForecastRun, plan: str) -> PlanResult:
    """One plan's figures from the per-carrier aggregates, the prices and the 95% range; a
    plan none of whose messages fit has no figures, only why."""
    info = run.plan_info[plan]
    fit = message_fit(run, plan)
    if not info["sendable"]:
        return PlanResult(sendable=False, reason=info["reason"], fit=fit)
    if fit is not None and fit.sends == "none" and fit.too_long_units_range is not None:
        longest = fit.too_long_units_range[1]
        reason = f"message too long ({longest} characters; {fit.limit})"
        return PlanResult(sendable=False, reason=reason, fit=fit)
    opts, prices, settings = run.options, run.prices, run.settings
    rows = run.per_carrier.filter(pl.col("plan") == plan)
    priced = rows.filter(pl.col("plan_status") == "priced")
    not_priced_rows = rows.filter(pl.col("plan_status") != "priced")
    not_priced = {
        str(status): int(n)
        for status, n in not_priced_rows.group_by("plan_status")
        .agg(pl.col("recipients").sum())
        .sort("plan_status")
        .iter_rows()
    }
    recipients = int(priced["recipients"].sum())
    parts = int(priced["parts"].sum() or 0)
    cost_sen: int | None = (
        None if not_priced.get("price_unknown") else int(priced["cost_sen"].sum() or 0)
    )
    fee_sen, fee_names = fixed_fee_sen(
        run.ruleset, plan, prices, sender_ids=opts.sender_ids, period_days=opts.period_days
    )
    bases = set(rows["price_basis"].drop_nulls().to_list())
    bases |= {prices.basis(name) for name in fee_names if opts.sender_ids}
    basis = next((b for b in BASIS_RANK if b in bases), "exact")
    total_sen = None if cost_sen is None or fee_sen is None else cost_sen + fee_sen
    u = run.uncertain.filter(pl.col("plan") == plan).to_dicts()
    unc: dict[str, Any] = u[0] if u else {}
    expected, low, high = unc.get("expected_sen"), unc.get("low_sen"), unc.get("high_sen")
    lines = fee_lines(run, plan)
    span = (
        None
        if cost_sen is None or fee_sen is None
        else plan_range(
            cost_sen=cost_sen,
            fee_sen=fee_sen,
            interval_sen=None if low is None or high is None else (int(low), int(high)),
            parts=parts_by_charge_class(priced),
            fee_lines=lines if opts.sender_ids else [],
            prices=prices,
        )
    )
    return PlanResult(
        sendable=True,
        reason=info["reason"],
        recipients=recipients,
        parts=parts,
        cost_jpy_excl_tax=sen_to_jpy(cost_sen),
        cost_jpy_incl_tax=None
        if cost_sen is None
        else _yen(tax_incl_sen(cost_sen, prices, settings)),
        cost_per_recipient_jpy_excl_tax=None
        if cost_sen is None or not recipients
        else round(_yen(cost_sen) / recipients, 2),
        fixed_fees_jpy=sen_to_jpy(fee_sen),
        fixed_fees=fee_names,
        fee_lines=lines,
        charge_classes=sorted(set(rows["charge_class"].drop_nulls().to_list())),
        price_basis=basis,
        total_jpy_excl_tax=sen_to_jpy(total_sen),
        total_jpy_incl_tax=None
        if total_sen is None
        else _yen(tax_incl_sen(total_sen, prices, settings)),
        expected_cost_jpy_excl_tax=None if expected is None else round(expected / 100, 2),
        interval_95_jpy_excl_tax=None
        if low is None or high is None
        else (_yen(int(low)), _yen(int(high))),
        carrier_dependent=bool(unc.get("carrier_dependent", False)),
        not_priced=not_priced,
        by_carrier=_by_carrier(run, plan, rows),
        rules=_rules_used(run, plan),
        api_request=ApiRequest.of(
            api_request(run.ruleset, plan, opts.as_of, settings, _given(run))
        ),
        fit=fit,
        range_jpy_excl_tax=None if span is None else (_yen(span.low_sen), _yen(span.high_sen)),
        range_drivers=[] if span is None else span.drivers,
    )


def _given(run: ForecastRun) -> dict[str, str | None]:
    """The request values a forecast knows: the message (unless it is a template rendered per
    recipient) and your senders; the recipient is per line of requests_<plan>.jsonl."""
    opts = run.options
    return given_values(
        run.ruleset,
        message=None if run.templated else opts.message,
        recipient=None,
        sender=opts.sender,
        kp_sender=opts.kp_sender,
    )


def summarise_forecast(run: ForecastRun) -> Forecast:
    """The typed summary of a forecast: what `forecast --json` prints and summary.json holds."""
    rs, opts, check, settings = run.ruleset, run.options, run.check, run.settings
    plans = {plan: plan_result(run, plan) for plan in run.plans}
    notices = run_notices(run)
    for plan, result in plans.items():
        if result.not_priced.get("too_long"):
            notices.append(
                notice("recipients_too_long", plan=plan, count=result.not_priced["too_long"])
            )
    kp_plans = [p for p, r in plans.items() if r.sendable and rs.plans[p].flag_role]
    if kp_plans and check.duplicates:
        notices.append(
            notice("duplicates_kpremium", count=check.duplicates, plans=", ".join(kp_plans))
        )
    if check.lookup_fallbacks:
        notices.append(notice("lookup_fallback", count=f"{check.lookup_fallbacks:,}"))
    notices.extend(
        notice("assumption_not_modelled", name=name, value=value, note=note)
        for name, value, note in not_modelled(rs, settings)
    )
    notices.extend(price_notices(run.prices, plans))
    return Forecast(
        as_of=opts.as_of,
        input=ForecastInput(
            file=opts.input_name,
            phone_column=run.phone_column,
            carrier_column=run.carrier_column,
        ),
        message=message_info(run),
        rows_in=check.rows_in,
        rows_ok=check.ok,
        rows_rejected=check.rejected,
        rejects_by_reason=check.rejects_by_reason,
        reject_examples=check.examples,
        reject_meanings={r: describe(r) for r in check.rejects_by_reason},
        duplicates=check.duplicates,
        by_carrier_source=check.by_carrier_source,
        carriers=list(rs.carriers),
        assumptions=modelled_settings(rs, settings),
        assumptions_changed={k: v for k, v in settings.items() if v != rs.assumptions[k].default},
        assumption_meanings=assumption_meanings(rs, modelled_settings(rs, settings)),
        prices=prices_used(run.prices, rs),
        sender_ids=opts.sender_ids,
        period_days=opts.period_days,
        sender=opts.sender,
        kp_sender=opts.kp_sender,
        warnings=[n.text for n in notices],
        plans=plans,
        notices=notices,
        carrier_lookup=carrier_lookup_option(rs, run.prices, settings, check.by_carrier_source),
    )


@dataclass
class ForecastResult(ForecastRun):
    """What `simulator.forecast(...)` returns: the run (`rows`, `checked`, `rules_in_force`,
    ...) and its typed `summary`."""

    summary: Forecast

    @classmethod
    def of(cls, run: ForecastRun) -> ForecastResult:
        parts = {f.name: getattr(run, f.name) for f in fields(run)}
        return cls(**parts, summary=summarise_forecast(run))
