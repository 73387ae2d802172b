"""Price books: the documented prices by date, user prices, and one clear line per mistake."""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

import polars as pl
import pytest

from simulator.errors import InputError, NotApplicableError, RulesError, UsageError
from simulator.pricing.book import PriceBook, load_default_price_book, load_price_book
from simulator.pricing.resolve import UNIT_PRICE_SCHEMA, resolve_prices
from simulator.rules.linter import check_prices
from simulator.rules.ruleset import DEFAULT_RULES_DIR, RuleSet, load_ruleset

D = dt.date.fromisoformat

DOCUMENTED = [
    # date, price, sen, basis
    ("2015-08-27", "standard", 1000, "exact"),
    ("2019-03-15", "standard", 1000, "exact"),
    ("2025-09-26", "standard", 1000, "exact"),
    ("2025-09-27", "standard", 1000, "assumed_unchanged"),  # M7: after the last source
    ("2026-01-01", "standard", 1000, "assumed_unchanged"),
    ("2015-09-01", "k_premium", None, "unknown"),
    ("2017-12-04", "k_premium", None, "unknown"),
    ("2017-12-05", "k_premium", 1300, "exact"),
    ("2020-02-19", "k_premium", 1300, "exact"),
    ("2020-02-20", "k_premium", 1100, "exact"),
    ("2025-02-28", "k_premium", 1100, "exact"),
    ("2025-03-01", "k_premium", 1100, "upper_bound"),
    ("2019-01-01", "registration_fee", 0, "exact"),
    ("2020-02-20", "registration_fee", 5_000_000, "exact"),
    ("2025-03-01", "registration_fee", 5_000_000, "assumed_unchanged"),
    ("2015-08-27", "k_premium", None, "unknown"),
]


@pytest.mark.parametrize(("on", "name", "unit_sen", "basis"), DOCUMENTED)
def test_documented_prices_by_date(
    book: PriceBook, on: str, name: str, unit_sen: int | None, basis: str
) -> None:
    price = resolve_prices(book, D(on))[name]
    assert (price.unit_sen, price.basis) == (unit_sen, basis)


def test_every_shipped_price_cites_sources(book: PriceBook) -> None:
    for day in ("2016-01-01", "2018-01-01", "2021-01-01", "2025-06-01"):
        for price in resolve_prices(book, D(day)).prices.values():
            assert price.sources, f"{price.name} on {day}"


def test_the_upper_bound_says_the_real_amount_is_not_public(book: PriceBook) -> None:
    note = resolve_prices(book, D("2025-03-01"))["k_premium"].note or ""
    assert "upper bound" in note


@pytest.mark.parametrize(
    ("on", "percent"), [("2019-09-30", 8), ("2019-10-01", 10), ("2014-04-01", 8)]
)
def test_consumption_tax_rate_by_date(book: PriceBook, on: str, percent: int) -> None:
    assert resolve_prices(book, D(on)).tax_rate_percent == percent


def test_no_tax_rate_before_the_first_one(book: PriceBook) -> None:
    with pytest.raises(NotApplicableError, match="2014-04-01"):
        resolve_prices(book, D("2014-03-31"))


def test_unit_price_frame_has_one_row_per_charge_class(book: PriceBook) -> None:
    frame = resolve_prices(book, D("2015-10-01")).unit_price_frame()
    assert frame.schema == pl.Schema(UNIT_PRICE_SCHEMA)
    assert sorted(frame.rows()) == [("k_premium", None, "unknown"), ("standard", 1000, "exact")]


# --- user prices ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "sen"), [("9", 900), ("9.5", 950), ("10.05", 1005), ("0", 0), (" 12 ", 1200)]
)
def test_price_option_overrides_a_price_with_basis_user(
    book: PriceBook, value: str, sen: int
) -> None:
    price = resolve_prices(book, D("2025-06-01"), overrides={"k_premium": value})["k_premium"]
    assert (price.unit_sen, price.basis) == (sen, "user")


def test_price_option_can_set_the_registration_fee(book: PriceBook) -> None:
    prices = resolve_prices(book, D("2025-06-01"), overrides={"registration_fee": "30000"})
    assert (prices.unit_sen("registration_fee"), prices.basis("registration_fee")) == (
        3_000_000,
        "user",
    )
    assert prices.basis("k_premium") == "upper_bound"


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("k_premium", "-1", "is not an amount"),
        ("k_premium", "10.123", "is not an amount"),
        ("k_premium", "ten", "is not an amount"),
        ("k_premium", "1e3", "is not an amount"),
        ("kpremium", "9", "unknown price name 'kpremium'"),
    ],
)
def test_bad_price_option_is_one_usage_line(
    book: PriceBook, name: str, value: str, words: str
) -> None:
    with pytest.raises(UsageError) as err:
        resolve_prices(book, D("2025-06-01"), overrides={name: value})
    assert words in str(err.value) and "\n" not in str(err.value)


USER_BOOK = textwrap.dedent(
    """\
    currency: JPY
    items:
      - name: k_premium
        periods:
          - effective_from: 2025-03-01
            amount: 9.9
      - name: registration_fee
        charged_per: sender_id_per_30_days
        periods:
          - effective_from: 2020-02-20
            amount: 40000
    """
)


def write(tmp_path: Path, text: str, name: str = "my-prices.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_price_book_replaces_prices_from_its_first_period(
    book: PriceBook, tmp_path: Path
) -> None:
    user = load_price_book(write(tmp_path, USER_BOOK))
    after = resolve_prices(book, D("2025-06-01"), user_book=user)
    assert (after["k_premium"].unit_sen, after["k_premium"].basis) == (990, "user")
    assert (after["registration_fee"].unit_sen, after["registration_fee"].basis) == (
        4_000_000,
        "user",
    )
    assert after["standard"].basis == "exact"
    before = resolve_prices(book, D("2024-06-01"), user_book=user)
    assert (before["k_premium"].unit_sen, before["k_premium"].basis) == (1100, "exact")


def test_price_option_wins_over_the_user_book(book: PriceBook, tmp_path: Path) -> None:
    user = load_price_book(write(tmp_path, USER_BOOK))
    prices = resolve_prices(book, D("2025-06-01"), user_book=user, overrides={"k_premium": "8"})
    assert prices.unit_sen("k_premium") == 800


def test_user_book_tax_rates_replace_the_shipped_ones(book: PriceBook, tmp_path: Path) -> None:
    text = USER_BOOK + "tax_rates:\n  - effective_from: 2019-10-01\n    percent: 0\n"
    prices = resolve_prices(book, D("2025-06-01"), user_book=load_price_book(write(tmp_path, text)))
    assert (prices.tax_rate_percent, prices.tax_basis) == (0, "user")


def test_user_book_naming_an_unknown_price_points_at_its_line(
    book: PriceBook, tmp_path: Path
) -> None:
    user = load_price_book(write(tmp_path, USER_BOOK.replace("name: k_premium", "name: kp")))
    with pytest.raises(InputError) as err:
        resolve_prices(book, D("2025-06-01"), user_book=user)
    assert err.value.line == 3 and "unknown price 'kp'" in str(err.value)


USER_MISTAKES = [
    # what, replace this, with this, line, kpsim's words, err.code
    ("negative", "amount: 9.9", "amount: -9.9", 6, "items[0].periods[0].amount: ", "invalid_value"),
    ("three decimals", "amount: 9.9", "amount: 9.999", 6, "items[0].periods[0].amount: ", "invalid_value"),
    ("missing amount", "amount: 9.9", "note: forgot", 5, "amount is missing", "invalid_value"),
    ("not a number", "amount: 9.9", "amount: nine", 6, "items[0].periods[0].amount: ", "invalid_value"),
    (
        "unordered dates",
        "2020-02-20",
        "2020-02-20\n        amount: 1\n      - effective_from: 2019-01-01",
        12,
        "before the previous period",
        "dates_out_of_order",
    ),
    (
        "duplicate dates",
        "2020-02-20",
        "2020-02-20\n        amount: 1\n      - effective_from: 2020-02-20",
        12,
        "the same day as",
        "dates_out_of_order",
    ),
    ("unknown key", "amount: 9.9", "amount: 9.9\n        amout: 9", 7, "items[0].periods[0].amout: ", "unknown_key"),
    ("basis in a user book", "amount: 9.9", "amount: 9.9\n        basis: exact", 7, "amounts only", "invalid_value"),
    ("tax included", "currency: JPY", "currency: JPY\ntax_included: true", 2, "tax_included: ", "invalid_value"),
    ("malformed YAML", "items:", "items: [", 3, "YAML syntax error", "yaml_syntax"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "line", "words", "code"),
    [pytest.param(*m[1:], id=m[0]) for m in USER_MISTAKES],
)
def test_user_book_mistakes_are_one_input_error_line_with_file_and_line(
    tmp_path: Path, old: str, new: str, line: int, words: str, code: str
) -> None:
    assert old in USER_BOOK
    path = write(tmp_path, USER_BOOK.replace(old, new, 1))
    with pytest.raises(InputError) as err:
        load_price_book(path)
    rendered = str(err.value)
    assert words in err.value.message and err.value.code == code, rendered
    assert rendered.startswith(f"{path}:{line}: "), rendered
    assert "\n" not in rendered


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("standard,10\nk_premium,11\n", "invalid_value"),
        (b"\xff\xfe\x00binary", "not_utf8"),
        ("", "empty"),
    ],
)
def test_a_user_file_that_is_not_a_price_book_is_an_input_error(
    tmp_path: Path, content: str | bytes, code: str
) -> None:
    path = tmp_path / "prices.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_price_book(path)
    assert err.value.code == code


def test_a_missing_user_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_price_book(tmp_path / "nope.yaml")
    assert caught.value.code == "not_found"
    assert caught.value.file == str(tmp_path / "nope.yaml")


# --- the shipped file -------------------------------------------------------------------------


def copy_rules(tmp_path: Path) -> Path:
    directory = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, directory)
    return directory


RULES_MISTAKES = [
    # what, replace this, with this, kpsim's words, err.code
    ("negative", "amount: 13", "amount: -13", "items[1].periods[1].amount: ", "invalid_value"),
    ("unknown basis", "basis: upper_bound", "basis: guess", "items[1].periods[3].basis: ", "invalid_value"),
    ("user basis", "basis: upper_bound", "basis: user", "basis must be one of", "invalid_value"),
    (
        "amount with unknown",
        "      - effective_from: 2015-09-01\n        basis: unknown",
        "      - effective_from: 2015-09-01\n        amount: 1\n        basis: unknown",
        "has no amount",
        "invalid_value",
    ),
    (
        "unordered",
        "effective_from: 2020-02-20\n        amount: 11",
        "effective_from: 2017-01-01\n        amount: 11",
        "before the previous period",
        "dates_out_of_order",
    ),
    (
        "unknown key",
        "charged_per: message_part",
        "charged_per: message_part\n    chargd: 1",
        "items[0].chargd: ",
        "unknown_key",
    ),
    ("duplicate item", "name: registration_fee", "name: standard", "listed twice", "duplicate_id"),
    (
        "no sources",
        "sources: [blog-kp-price-cut-2025]\n        note: >-\n          The fee",
        "sources: []\n        note: >-\n          The fee",
        "sources are missing",
        "missing_sources",
    ),
    ("malformed", "items:", "items: [", "YAML syntax error", "yaml_syntax"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "words", "code"), [pytest.param(*m[1:], id=m[0]) for m in RULES_MISTAKES]
)
def test_shipped_book_mistakes_are_one_rules_error_line_with_file_and_line(
    tmp_path: Path, old: str, new: str, words: str, code: str
) -> None:
    directory = copy_rules(tmp_path)
    path = directory / "prices.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RulesError) as err:
        load_default_price_book(directory)
    rendered = str(err.value)
    assert words in err.value.message and err.value.code == code, rendered
    assert rendered.startswith(f"{path}:") and err.value.line is not None
    assert "\n" not in rendered


def test_the_shipped_book_passes_lint(ruleset: RuleSet) -> None:
    assert check_prices(ruleset) == []


def test_lint_reports_an_unknown_source(tmp_path: Path, ruleset: RuleSet) -> None:
    directory = copy_rules(tmp_path)
    path = directory / "prices.yaml"
    text = path.read_text(encoding="utf-8").replace("help-prepost]", "help-prepost, no-such-doc]")
    path.write_text(text, encoding="utf-8")
    messages = [f.message for f in check_prices(load_ruleset(directory))]
    assert any("'no-such-doc' is not in sources.yaml" in m for m in messages)
