"""The polars engine agrees with the plain-Python reference evaluator; costs obey their laws."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from forecast_helpers import MOBILE_BY_CARRIER, recipients, run
from hypothesis import assume, given
from hypothesis import strategies as st

from simulator.analysis.run import ForecastOptions, forecast
from simulator.engine.price import aggregate, fine_groups, message_lengths
from simulator.message.count import count_parts
from simulator.message.profiles import load_segmentation_rules, profile_for
from simulator.pricing.book import load_default_price_book
from simulator.pricing.resolve import resolve_prices
from simulator.result.forecast import Forecast
from simulator.rules.assumptions import all_combinations, resolve_settings
from simulator.rules.reference import evaluate
from simulator.rules.ruleset import load_ruleset

RULES = load_ruleset()
SEGMENTATION = load_segmentation_rules()
BOOK = load_default_price_book()
COMBOS = all_combinations(RULES)
CARRIERS = st.sampled_from(sorted(MOBILE_BY_CARRIER))
MESSAGES = st.sampled_from(
    [
        "Hi",
        "こんにちは",
        "A" * 150,
        "あ" * 70,
        "あ" * 71,
        "x" * 141,
        "🎉 sale",
        "{name}さん、こんにちは",
    ]
)
DATES = st.dates(dt.date(2015, 9, 1), dt.date(2027, 12, 31))


@given(
    carriers=st.lists(CARRIERS, min_size=1, max_size=25),
    on=DATES,
    message=MESSAGES,
    combo=st.integers(0, len(COMBOS) - 1),
)
def test_engine_matches_reference_evaluator_row_by_row(
    carriers: list[str], on: dt.date, message: str, combo: int
) -> None:
    settings = COMBOS[combo]
    changed = {k: v for k, v in settings.items() if v != RULES.assumptions[k].default}
    result = run(recipients(carriers), on=on, message=message, assume=changed)
    rows = result.rows.collect().sort("row", "plan")
    prices = resolve_prices(BOOK, on)
    for r in rows.to_dicts():
        carrier = carriers[r["row"] - 1]
        decision = evaluate(RULES, r["plan"], carrier, on, resolve_settings(RULES, changed))
        sender = decision.outcome.sender
        assert (r["route"], r["charge_class"], r["rule_id"]) == (
            decision.outcome.route,
            decision.outcome.charge,
            decision.rule.id,
        )
        assert (r["sender_kind"], r["sender_value"]) == (sender.kind, sender.value)
        text = message.replace("{name}", f"n{r['row'] - 1}")
        expected_parts = count_parts(text, profile_for(SEGMENTATION, r["plan"], on, settings))
        assert r["parts"] == expected_parts.parts
        unit = prices.unit_sen(decision.outcome.charge)
        expected_cost = None if unit is None or r["parts"] is None else unit * r["parts"]
        assert r["cost_sen"] == expected_cost
    available = [p for p, plan in RULES.plans.items() if plan.available_from <= on]
    assert rows.height <= len(carriers) * len(available)


@given(
    carriers=st.lists(CARRIERS, min_size=1, max_size=20),
    on=st.dates(dt.date(2018, 6, 25), dt.date(2027, 12, 31)),
    combo=st.integers(0, len(COMBOS) - 1),
    kp_price=st.integers(10, 30),
)
def test_standard_le_lite_le_full_when_kpremium_costs_at_least_standard(
    carriers: list[str], on: dt.date, combo: int, kp_price: int
) -> None:
    settings = COMBOS[combo]
    changed = {k: v for k, v in settings.items() if v != RULES.assumptions[k].default}
    result = run(
        recipients(carriers),
        on=on,
        message="Hi",
        assume=changed,
        prices={"k_premium": str(kp_price)},
    )
    plans = result.summary.plans
    assert plans["standard"].cost_jpy_excl_tax <= plans["lite"].cost_jpy_excl_tax
    assert plans["lite"].cost_jpy_excl_tax <= plans["full"].cost_jpy_excl_tax


@given(
    carriers=st.lists(CARRIERS, min_size=2, max_size=20),
    cut=st.integers(1, 19),
    on=st.dates(dt.date(2017, 12, 5), dt.date(2027, 12, 31)),
)
def test_cost_is_additive_over_a_split_of_the_list(
    carriers: list[str], cut: int, on: dt.date
) -> None:
    cut = min(cut, len(carriers) - 1)
    whole = run(recipients(carriers), on=on)
    first = run(recipients(carriers).head(cut), on=on)
    rest = run(recipients(carriers).slice(cut), on=on)
    for plan, info in whole.summary.plans.items():
        if not info.sendable:
            continue
        a = first.summary.plans[plan].cost_jpy_excl_tax
        b = rest.summary.plans[plan].cost_jpy_excl_tax
        assert info.cost_jpy_excl_tax == a + b


@given(
    good=st.lists(CARRIERS, min_size=0, max_size=10),
    junk=st.lists(
        st.sampled_from(["03-1234-5678", "050-1234-5678", "", "abc", "0120-123-456"]), max_size=10
    ),
    on=DATES,
)
def test_rows_in_equal_priced_plus_rejected_and_rejects_cost_nothing(
    good: list[str], junk: list[str], on: dt.date
) -> None:
    frame = pl.concat(
        [
            recipients(good)
            if good
            else pl.DataFrame(schema={"phone": pl.Utf8, "name": pl.Utf8, "carrier": pl.Utf8}),
            pl.DataFrame(
                {"phone": junk, "name": ["j"] * len(junk), "carrier": ["au"] * len(junk)},
                schema={"phone": pl.Utf8, "name": pl.Utf8, "carrier": pl.Utf8},
            ),
        ]
    )
    if frame.height == 0:
        return
    result = run(frame, on=on)
    s = result.summary
    assert s.rows_in == frame.height == s.rows_ok + s.rows_rejected
    assert s.rows_ok == len(good)
    rows = result.rows.collect()
    assert set(rows["row"].to_list()) <= set(range(1, len(good) + 1))


@given(
    carriers=st.lists(CARRIERS, min_size=1, max_size=25),
    junk=st.lists(st.sampled_from(["03-1234-5678", "", "abc", "+1 212 555 0100"]), max_size=5),
    lookup=st.booleans(),
    on=DATES,
    message=MESSAGES.filter(lambda m: "{" not in m),
)
def test_a_fixed_message_priced_per_carrier_group_equals_pricing_every_recipient(
    carriers: list[str], junk: list[str], lookup: bool, on: dt.date, message: str
) -> None:
    """A message without placeholders is priced once per group of alike recipients; a
    placeholder that renders to nothing forces the per-recipient path. Both must agree on
    every figure of the summary: counts, costs, the 95% range and the rules cited."""
    good = recipients(carriers, lookup=lookup)
    bad = pl.DataFrame(
        {"phone": junk, "name": ["j"] * len(junk)}
        | ({"carrier": ["au"] * len(junk)} if lookup else {}),
        schema=good.schema,
    )
    frame = pl.concat([good, bad]).with_columns(suffix=pl.lit(""))
    grouped = run(frame, on=on, message=message).summary
    assume(not any("too long" in w for w in grouped.warnings))  # templated: per-row reject
    per_row = run(frame, on=on, message=message + "{suffix}").summary
    assert without_the_message(grouped) == without_the_message(per_row)


NAMES = st.none() | st.text(st.sampled_from("aZ {€あ😀é\n"), max_size=90)


@given(
    carriers=st.lists(CARRIERS, min_size=1, max_size=25),
    names=st.lists(NAMES, min_size=25, max_size=25),
    lookup=st.booleans(),
    on=DATES,
    template=st.sampled_from(["{name}", "Hi {name}!", "{name}さん、こんにちは", "{name}{name} €"]),
)
def test_a_template_priced_per_group_of_alike_messages_equals_pricing_every_recipient(
    carriers: list[str], names: list[str | None], lookup: bool, on: dt.date, template: str
) -> None:
    """A template's recipients are priced once per carrier group and message counts (never
    rendered); the per-recipient rows price every rendered message. Both must agree on the
    cost per plan and carrier and on the messages' lengths."""
    frame = recipients(carriers, lookup=lookup).with_columns(
        name=pl.Series(names[: len(carriers)], dtype=pl.Utf8)
    )
    result = forecast(
        frame,
        ForecastOptions(message=template, as_of=on, carrier_column="carrier" if lookup else None),
    )
    order = ["plan", "carrier", "plan_status"]
    per_row = aggregate(result.rows).collect().sort(order)
    assert result.per_carrier.sort(order).equals(per_row.select(result.per_carrier.columns))
    lengths = message_lengths(fine_groups(result.rows).collect())
    assert result.lengths.equals(lengths)


def without_the_message(summary: Forecast) -> dict[str, Any]:
    """A forecast's summary less what comes from the message text itself (the message, and
    the request's message field: a template's text is per recipient, so it is left open)."""
    dumped = summary.model_dump(exclude={"message"})
    for plan in dumped["plans"].values():
        request = (plan.get("api_request") or {}).get("request")
        if request is not None:
            request["fields"] = [f for f in request["fields"] if f["role"] != "message"]
            request["missing"] = [m for m in request["missing"] if m != "message"]
    return dumped
