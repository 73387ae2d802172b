"""The Python API takes the natural forms of its arguments and refuses others with a UsageError;
amounts are bounded like a price book's and totals never wrap around."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from robustness_support import AS_OF, CORPUS, EXIT_USAGE, kpsim_here

import simulator
from simulator.errors import UsageError
from simulator.rules.prices import MAX_AMOUNT_JPY

ONE = pl.DataFrame({"phone": ["090-1234-5678"]})


def plans_of(result: simulator.ForecastResult) -> list[str]:
    return list(result.summary.plans)


@pytest.mark.parametrize(
    "plans", ["lite,full", " lite , full ", ["lite", "full"], ("lite", "full")]
)
def test_plans_are_a_comma_separated_string_or_a_list(plans: Any) -> None:
    assert plans_of(simulator.forecast(ONE, message="hi", as_of=AS_OF, plans=plans)) == [
        "lite",
        "full",
    ]


@pytest.mark.parametrize("amount", [9.5, 9.50, Decimal("9.5"), "9.5", "9.50"])
def test_a_price_is_an_int_float_decimal_or_string(amount: Any) -> None:
    result = simulator.forecast(
        ONE, message="hi", as_of=AS_OF, plans="lite", prices={"k_premium": amount}
    )
    assert str(result.summary.prices.items["k_premium"].amount_jpy) in ("9.5", "9.50")


def test_a_whole_price_may_be_an_int() -> None:
    result = simulator.forecast(ONE, message="hi", as_of=AS_OF, prices={"k_premium": 9})
    assert result.summary.prices.items["k_premium"].amount_jpy == 9


@pytest.mark.parametrize(
    "as_of", [dt.date(2025, 6, 1), dt.datetime(2025, 6, 1, 23, 59), "2025-06-01", " 2025-06-01 "]
)
def test_as_of_is_a_date_a_datetime_or_an_iso_string(as_of: Any) -> None:
    assert simulator.forecast(ONE, message="hi", as_of=as_of).summary.as_of == dt.date(2025, 6, 1)


def test_assumptions_are_a_mapping() -> None:
    result = simulator.forecast(ONE, message="hi", as_of=AS_OF, assume={})
    assert result.summary.rows_in == 1


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"as_of": "2027/01/15"}, "not_a_date"),
        ({"as_of": 20250601}, "wrong_type"),
        ({"assume": ["a=b"]}, "wrong_type"),
        ({"assume": "a=b"}, "wrong_type"),
        ({"prices": ["k_premium=9"]}, "wrong_type"),
        ({"prices": {"k_premium": None}}, "wrong_type"),
        ({"prices": {"k_premium": True}}, "wrong_type"),
        ({"sender_ids": 1.5}, "wrong_type"),
        ({"sender_ids": "2"}, "wrong_type"),
        ({"period_days": 30.0}, "wrong_type"),
        ({"plans": 3}, "wrong_type"),
        ({"plans": ["lite", 3]}, "wrong_type"),
        ({"dedupe": "yes"}, "wrong_type"),
        ({"sender": 123}, "wrong_type"),
        ({"no_such_option": 1}, "unknown_option"),
    ],
)
def test_a_wrongly_typed_argument_is_a_one_line_usage_error(
    options: dict[str, Any], code: str
) -> None:
    kwargs = {"as_of": AS_OF, **options}
    with pytest.raises(UsageError) as caught:
        simulator.forecast(ONE, message="hi", **kwargs)
    assert caught.value.code == code
    assert "\n" not in str(caught.value)


def test_a_message_that_is_not_a_string_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as caught:
        simulator.forecast(ONE, message=b"hi", as_of=AS_OF)  # type: ignore[arg-type]
    assert caught.value.code == "wrong_type"


def test_a_price_above_the_price_books_maximum_is_a_usage_error() -> None:
    too_much = str(MAX_AMOUNT_JPY + 1)
    run = kpsim_here(
        "forecast", CORPUS / "only_rejects.csv", "--message", "hi", "--as-of", AS_OF,
        "--price", f"k_premium={too_much}", "--json",
    )  # fmt: skip
    assert run.code == EXIT_USAGE
    assert '"amount_too_large"' in run.out
    with pytest.raises(UsageError) as caught:
        simulator.forecast(ONE, message="hi", as_of=AS_OF, prices={"k_premium": too_much})
    assert caught.value.code == "amount_too_large"


def test_the_maximum_price_for_100k_recipients_totals_exactly(tmp_path: Path) -> None:
    """100,000 parts at 10^12 JPY is 10^22 sen: past Int64, so the sums are 128-bit."""
    book = tmp_path / "max.yaml"
    book.write_text(
        "items:\n"
        + "".join(
            f"  - name: {name}\n    periods:\n      - effective_from: 2015-08-27\n"
            f"        amount: {MAX_AMOUNT_JPY}\n"
            for name in ("standard", "k_premium")
        ),
        encoding="utf-8",
    )
    recipients = pl.DataFrame({"phone": ["090-1234-5678"] * 100_000})
    result = simulator.forecast(
        recipients, message="hi", as_of=AS_OF, plans="standard", price_book=book
    )
    plan = result.summary.plans["standard"]
    assert plan.cost_jpy_excl_tax == Decimal(100_000) * MAX_AMOUNT_JPY
