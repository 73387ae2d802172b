"""`kpsim diff` reports message-charge, unit-price and fee changes separately and names the
assumptions it compares; forecast fees carry their arithmetic."""

from __future__ import annotations

from decimal import Decimal

from cli_runner import REPO, Kpsim

from simulator.i18n import t

LIST = str(REPO / "datasets" / "sample_recipients.csv")
SIDES = ("--from", "2019-01-01", "--to", "2026-12-01")


def test_diff_splits_message_charges_into_unit_prices_and_the_rest_and_adds_fees(
    kpsim: Kpsim,
) -> None:
    code, doc = kpsim.json("diff", LIST, *SIDES)
    assert code == 0
    for plan in doc["by_plan"].values():
        charges = Decimal(str(plan["cost_delta_jpy_excl_tax"]))
        by_price = Decimal(str(plan["unit_price_delta_jpy_excl_tax"]))
        other = Decimal(str(plan["other_charge_delta_jpy_excl_tax"]))
        fees = Decimal(str(plan["fee_delta_jpy"]))
        assert by_price + other == charges
        assert Decimal(str(plan["total_delta_jpy_excl_tax"])) == charges + fees
        assert fees == Decimal(str(plan["fees_to_jpy"])) - Decimal(str(plan["fees_from_jpy"]))
    assert (
        doc["price_changes"]["k_premium"]["from_jpy"] != doc["price_changes"]["k_premium"]["to_jpy"]
    )
    assert list(doc["price_changes"]) == sorted(doc["price_changes"])


def test_diff_names_the_assumptions_it_compares(kpsim: Kpsim) -> None:
    args = ("diff", LIST, *SIDES, "--assume-a", "softbank_under_v3=standard_ja_notice")
    code, doc = kpsim.json(*args)
    assert code == 0
    compared = doc["assumptions_compared"]["softbank_under_v3"]
    assert (compared["from_value"], compared["to_value"]) == ("standard_ja_notice", "direct_fixed")
    assert compared["from_says"] and compared["to_says"]
    code, out, _ = kpsim(*args)
    assert "assumption softbank_under_v3 compared: standard_ja_notice" in out
    assert "lite: message charges" in out and "fees ¥50,000" in out


def test_forecast_fees_carry_their_arithmetic(kpsim: Kpsim) -> None:
    args = ("forecast", LIST, "--message", "hi", "--as-of", "2026-12-01", "--period-days", "31")
    code, doc = kpsim.json(*args)
    assert code == 0
    (line,) = doc["plans"]["lite"]["fee_lines"]
    assert line["arithmetic"] == (
        "¥100,000 = 2 started 30-day periods (31 days) × 1 sender ID × ¥50,000"
    )
    _, out, _ = kpsim(*args)
    assert "¥100,000 = 2 started 30-day periods (31 days) × 1 sender ID × ¥50,000" in out


def test_diff_text_is_in_japanese_with_lang_ja(kpsim: Kpsim) -> None:
    code, out, _ = kpsim("diff", LIST, *SIDES, "--lang", "ja")
    assert code == 0
    words = " ".join(out.split())
    for key in ("diff.table.title", "diff.table.recipients", "diff.table.cost_delta"):
        assert t(key, "ja") in words
    assert "件のうち" in words and "出典:" in words
    for english in ("recipients change", "Changes by plan", "numbers read from", "source:"):
        assert english not in words
