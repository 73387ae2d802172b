"""Documentary cost cases: one-part messages to one recipient per carrier, as the notes price them."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest
from forecast_helpers import cost, recipients, run

import simulator
from simulator.result import Forecast
from simulator.result.shared import SenderDisplay

THREE = ["docomo", "au", "softbank"]
FOUR = ["docomo", "au", "softbank", "rakuten"]


def test_2019_costs_standard_30_lite_33_full_39_with_8_percent_tax() -> None:
    # V2 price 13 (blog kpremium-v2-notice), Lite au only (help 7c01840), tax 8% before 2019-10-01.
    result = run(recipients(THREE), on="2019-01-01")
    assert (cost(result, "standard"), cost(result, "lite"), cost(result, "full")) == (30, 33, 39)
    assert result.summary.prices.tax.rate_percent == 8
    assert result.summary.plans["full"].cost_jpy_incl_tax == Decimal(42)  # floor(39 × 1.08)


def test_2021_costs_standard_40_lite_43_full_44_with_10_percent_tax() -> None:
    # V3 price 11 (blog jp-kp-v3-notice), Rakuten K-Premium under Lite by default (C7).
    result = run(recipients(FOUR), on="2021-01-01")
    assert (cost(result, "standard"), cost(result, "lite"), cost(result, "full")) == (40, 43, 44)
    assert result.summary.plans["lite"].cost_jpy_incl_tax == Decimal(47)  # floor(43 × 1.1)


def test_lite_costs_42_in_2021_when_rakuten_is_standard_under_lite() -> None:
    result = run(recipients(FOUR), on="2021-01-01", assume={"rakuten_under_lite": "standard"})
    assert cost(result, "lite") == 42
    assert result.summary.plans["lite"].by_carrier["rakuten"].charge_class == "standard"


def test_lite_charges_softbank_at_standard_price() -> None:
    result = run(recipients(["softbank"]), on="2024-01-01")
    softbank = result.summary.plans["lite"].by_carrier["softbank"]
    assert (softbank.charge_class, softbank.route, softbank.cost_jpy_excl_tax) == (
        "standard",
        "standard",
        10,
    )
    assert softbank.rule_id == "lite.softbank.2018-06-25"


def test_full_shows_softbank_the_fixed_short_code_21053_since_2023() -> None:
    result = run(recipients(["softbank"]), on="2024-01-01")
    shown = result.summary.plans["full"].by_carrier["softbank"].sender_display
    assert shown == SenderDisplay(kind="fixed", value="21053", guaranteed=True, shown="21053")


def test_kpremium_after_2025_price_cut_is_an_upper_bound_and_says_so() -> None:
    result = run(recipients(["au"]), on="2025-06-01")
    full = result.summary.plans["full"]
    assert full.cost_jpy_excl_tax == 11
    assert full.price_basis == "upper_bound"
    assert any("upper_bound" in w for w in result.summary.warnings)


def test_user_price_replaces_the_unknown_kpremium_price_and_is_marked_user() -> None:
    result = run(recipients(["au", "softbank"]), on="2025-06-01", prices={"k_premium": "9.5"})
    assert cost(result, "full") == Decimal("19")
    assert result.summary.plans["full"].price_basis == "user"


def test_kpremium_before_v2_has_no_known_price() -> None:
    result = run(recipients(["au"]), on="2016-06-01")
    full = result.summary.plans["full"]
    assert full.cost_jpy_excl_tax is None
    assert full.price_basis == "unknown"
    assert cost(result, "standard") == 10


def test_lite_is_not_sendable_before_it_existed() -> None:
    result = run(recipients(["au"]), on="2018-01-01")
    lite = result.summary.plans["lite"]
    assert lite.sendable is False
    assert "2018-06-25" in lite.reason


def test_registration_fee_counts_per_sender_id_and_started_30_days() -> None:
    result = run(recipients(["au"]), on="2021-01-01", sender_ids=2)
    full = result.summary.plans["full"]
    assert full.fixed_fees_jpy == Decimal(100_000)
    assert full.total_jpy_excl_tax == Decimal(100_011)
    assert result.summary.plans["standard"].fixed_fees_jpy == 0


@pytest.mark.parametrize("on", ["2019-01-01", "2021-01-01", "2024-06-01"])
def test_rejected_rows_cost_nothing_and_rows_reconcile(on: str) -> None:
    frame = pl.concat(
        [
            recipients(FOUR),
            pl.DataFrame(
                {"phone": ["03-1234-5678", "junk"], "name": ["x", "y"], "carrier": ["au", "au"]}
            ),
        ]
    )
    result = run(frame, on=on)
    s = result.summary
    assert s.rows_in == 6 and s.rows_rejected == 2 and s.rows_ok == 4
    assert s.plans["standard"].recipients == 4
    priced_rows = result.rows.collect()
    assert set(priced_rows["row"].to_list()) == {1, 2, 3, 4}


def test_the_python_entry_point_returns_the_typed_summary_with_exact_yen() -> None:
    result = simulator.forecast(
        recipients(["docomo", "softbank"]),
        message="Hello",
        as_of="2024-01-01",
        carrier_column="carrier",
        sender="SHOP",
        kp_sender="KPSHOP",
    )
    assert isinstance(result.summary, Forecast)
    full = result.summary.plans["full"]
    assert isinstance(full.cost_jpy_excl_tax, Decimal)
    assert full.by_carrier["docomo"].sender_display.shown == "KPSHOP"
    assert full.by_carrier["softbank"].sender_display.shown == "21053"
    standard = result.summary.plans["standard"].by_carrier["docomo"].sender_display
    assert (standard.shown, standard.guaranteed) == ("SHOP", False)
    assert result.summary.model_dump(mode="json")["plans"]["full"]["cost_jpy_excl_tax"] == 22
