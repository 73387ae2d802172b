"""Every format Japanese recipient lists arrive in, and what kpsim makes of it (one row each)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numbers_support import Checker

from simulator.numbers.normalise import non_ascii_expr, normalise_expr
from simulator.numbers.reasons import REJECT_REASONS, REPAIRS
from simulator.numbers.recipients import CHECKED_COLUMNS, normalise_one
from simulator.rules.ruleset import RuleSet

M = "+819012345678"

# raw cell -> (e164, number_class, reject_reason, repair)
CASES: list[tuple[str | None, str | None, str, str | None, str | None]] = [
    # plain and hyphenated
    ("09012345678", M, "mobile", None, None),
    ("090-1234-5678", M, "mobile", None, None),
    ("080-2345-6789", "+818023456789", "mobile", None, None),
    ("070-1234-5678", "+817012345678", "mobile", None, None),
    # full width and every dash variant
    ("０９０－１２３４－５６７８", M, "mobile", None, None),
    ("０９０１２３４５６７８", M, "mobile", None, None),
    ("090ー1234ー5678", M, "mobile", None, None),  # U+30FC long vowel
    ("090ｰ1234ｰ5678", M, "mobile", None, None),  # U+FF70 half-width
    ("090‐1234‐5678", M, "mobile", None, None),  # U+2010
    ("090‑1234‑5678", M, "mobile", None, None),  # U+2011
    ("090‒1234‒5678", M, "mobile", None, None),  # U+2012
    ("090–1234–5678", M, "mobile", None, None),  # U+2013
    ("090—1234—5678", M, "mobile", None, None),  # U+2014
    ("090―1234―5678", M, "mobile", None, None),  # U+2015
    ("090−1234−5678", M, "mobile", None, None),  # U+2212
    ("090～1234～5678", M, "mobile", None, None),  # U+FF5E
    ("090〜1234〜5678", M, "mobile", None, None),  # U+301C
    ("090~1234~5678", M, "mobile", None, None),
    ("090一1234一5678", M, "mobile", None, None),  # kanji one typed as a dash
    ("＋８１９０１２３４５６７８", M, "mobile", None, None),
    # spaces, invisible characters, punctuation
    ("090 1234 5678", M, "mobile", None, None),
    ("090\u30001234\u30005678", M, "mobile", None, None),
    ("090\u00a01234\u00a05678", M, "mobile", None, None),
    ("\u200b090\u200b1234\u200b5678", M, "mobile", None, None),
    ("\ufeff09012345678", M, "mobile", None, None),
    (" 09012345678\r", M, "mobile", None, None),
    ("090.1234.5678", M, "mobile", None, None),
    ("090/1234/5678", M, "mobile", None, None),
    ("(090)1234-5678", M, "mobile", None, None),
    ("（090）1234-5678", M, "mobile", None, None),
    # annotations and labels
    ("090-1234-5678（携帯）", M, "mobile", None, None),
    ("090-1234-5678 (mobile)", M, "mobile", None, None),
    ("(mobile) 090-1234-5678", M, "mobile", None, None),
    ("【携帯】090-1234-5678", M, "mobile", None, None),
    ("090-1234-5678 携帯", M, "mobile", None, None),
    ("TEL:090-1234-5678", M, "mobile", None, None),
    ("Tel. 090-1234-5678", M, "mobile", None, None),
    ("ＴＥＬ：０９０－１２３４－５６７８", M, "mobile", None, None),
    ("電話 090-1234-5678", M, "mobile", None, None),
    ("携帯電話番号：090-1234-5678", M, "mobile", None, None),
    ("tel:+81-90-1234-5678", M, "mobile", None, None),
    # Excel text tricks
    ("'09012345678", M, "mobile", None, None),
    ('="09012345678"', M, "mobile", None, None),
    ('"090-1234-5678"', M, "mobile", None, None),
    # international and trunk prefixes
    ("+819012345678", M, "mobile", None, None),
    ("+81 90 1234 5678", M, "mobile", None, None),
    ("+81-90-1234-5678", M, "mobile", None, None),
    ("+81 (0)90-1234-5678", M, "mobile", None, None),
    ("+81-090-1234-5678", M, "mobile", None, None),
    ("+8109012345678", M, "mobile", None, None),
    ("0081-90-1234-5678", M, "mobile", None, None),
    ("00 81 90 1234 5678", M, "mobile", None, None),
    ("010-81-90-1234-5678", M, "mobile", None, None),
    ("819012345678", M, "mobile", None, None),
    ("81-090-1234-5678", M, "mobile", None, None),
    ("8109012345678", M, "mobile", None, None),
    # Excel-dropped leading zero and float residue
    ("9012345678", M, "mobile", None, "leading_zero_restored"),
    ("8023456789", "+818023456789", "mobile", None, "leading_zero_restored"),
    ("7012345678", "+817012345678", "mobile", None, "leading_zero_restored"),
    ("9012345678.0", M, "mobile", None, "leading_zero_restored"),
    ("09012345678.0", M, "mobile", None, "float_suffix_removed"),
    ("8001234567", "+818001234567", "non_sms", "toll_free", None),
    # unrecoverable: rejected with a reason, never guessed
    ("9.01235E+09", None, "invalid", "scientific_notation", None),
    ("9.01235e9", None, "invalid", "scientific_notation", None),
    ("090-1234-5678 / 080-2345-6789", None, "invalid", "two_numbers", None),
    ("090-1234-5678、080-2345-6789", None, "invalid", "two_numbers", None),
    ("090-1234-5678・080-2345-6789", None, "invalid", "two_numbers", None),
    ("090-1234-5678,080-2345-6789", None, "invalid", "two_numbers", None),
    ("090-1234-5678;080-2345-6789", None, "invalid", "two_numbers", None),
    ("090-1234-5678\n080-2345-6789", None, "invalid", "two_numbers", None),
    ("09012345678 09087654321", None, "invalid", "two_numbers", None),
    ("090-1234-5678 or 080-2345-6789", None, "invalid", "two_numbers", None),
    ("090-1234-5678または080-2345-6789", None, "invalid", "two_numbers", None),
    ("TEL 03-1234-5678 FAX 03-1234-5679", None, "invalid", "two_numbers", None),
    ("090-1234-5678 本人以外", None, "invalid", "letters", None),
    ("なし", None, "invalid", "letters", None),
    ("090-XXXX-5678", None, "invalid", "letters", None),
    ("090-1234-567", None, "invalid", "invalid", None),
    ("0901234567", None, "invalid", "invalid", None),
    ("090123456789", None, "invalid", "too_long", None),
    ("1234", None, "invalid", "too_short", None),
    ("090-0123-4567", None, "invalid", "invalid", None),
    ("070-0123-4567", None, "invalid", "invalid", None),
    # blank cells
    ("", None, "empty", "empty", None),
    (None, None, "empty", "empty", None),
    ("   ", None, "empty", "empty", None),
    ("\u3000", None, "empty", "empty", None),
    ("-", None, "empty", "empty", None),
    ("()", None, "empty", "empty", None),
    # numbers that cannot receive SMS
    ("03-1234-5678", "+81312345678", "non_sms", "landline", None),
    ("06-6123-4567", "+81661234567", "non_sms", "landline", None),
    ("045-123-4567", "+81451234567", "non_sms", "landline", None),
    ("312345678", "+81312345678", "non_sms", "landline", None),
    ("03-1234-5678 内線123", "+81312345678", "non_sms", "landline", None),
    ("050-1234-5678", "+815012345678", "non_sms", "ip_phone", None),
    ("020-1234-5678", "+812012345678", "non_sms", "m2m_pager", None),
    ("020-4123-4567", "+812041234567", "non_sms", "m2m_pager", None),
    ("0200-1234-56789", None, "invalid", "too_long", None),
    ("0120-123-456", "+81120123456", "non_sms", "toll_free", None),
    ("0800-123-4567", "+818001234567", "non_sms", "toll_free", None),
    ("080-0123-4567", "+818001234567", "non_sms", "toll_free", None),  # the 080-0 trap
    ("0570-123-456", "+81570123456", "non_sms", "uan", None),
    ("0990-123-456", "+81990123456", "non_sms", "premium_rate", None),
    # international: kept and classified, not priced
    ("+1 212 555 0123", "+12125550123", "international", "international_not_priced", None),
    ("+44 20 7946 0958", "+442079460958", "international", "international_not_priced", None),
    ("+86 138 0013 8000", "+8613800138000", "international", "international_not_priced", None),
    ("010-44-20-7946-0958", "+442079460958", "international", "international_not_priced", None),
    ("+999 1234 5678", None, "invalid", "invalid", None),
    ("+44 12", None, "invalid", "invalid", None),
]


@pytest.mark.parametrize(("raw", "e164", "number_class", "reason", "repair"), CASES)
def test_each_format_normalises_and_classifies(
    check: Checker,
    raw: str | None,
    e164: str | None,
    number_class: str,
    reason: str | None,
    repair: str | None,
) -> None:
    row = check([raw]).row(0, named=True)
    assert (row["e164"], row["number_class"], row["reject_reason"], row["repair"]) == (
        e164,
        number_class,
        reason,
        repair,
    )
    assert row["status"] == ("ok" if reason is None else "rejected")
    assert row["raw"] == raw


def test_the_whole_table_in_one_frame_gives_the_same_answers(check: Checker) -> None:
    out = check([c[0] for c in CASES])
    got = out.select("e164", "number_class", "reject_reason", "repair").rows()
    assert got == [c[1:] for c in CASES]


@pytest.mark.parametrize(
    ("as_of", "assume", "number_class", "reason"),
    [
        (dt.date(2026, 6, 30), {}, "non_sms", "n060_not_issued"),
        (dt.date(2026, 7, 1), {}, "mobile", None),
        (dt.date(2027, 2, 28), {"n060_issuance_start": "2027-03-01"}, "non_sms", "n060_not_issued"),
        (dt.date(2027, 3, 1), {"n060_issuance_start": "2027-03-01"}, "mobile", None),
    ],
)
def test_060_numbers_receive_sms_only_from_the_issuance_start(
    check: Checker, as_of: dt.date, assume: dict[str, str], number_class: str, reason: str | None
) -> None:
    out = check(["060-1001-2345", "06010012345"], as_of=as_of, settings=assume)
    assert out["e164"].to_list() == ["+816010012345"] * 2
    assert out["number_class"].to_list() == [number_class] * 2
    assert out["reject_reason"].to_list() == [reason, reason if reason else None]
    assert out["allocated_carrier"].to_list() == ["softbank"] * 2


def test_060_block_without_an_allocation_has_no_carrier(check: Checker) -> None:
    row = check(["060-9912-3456"]).row(0, named=True)
    assert (row["number_class"], row["reject_reason"]) == ("mobile", "no_carrier")


def test_carrier_comes_from_the_allocation_by_longest_prefix(check: Checker) -> None:
    out = check(["090-1234-5678", "070-8312-3456", "080-6123-4567", "070-9012-3456"])
    assert out["allocated_carrier"].to_list() == ["au", "rakuten", "au", "rakuten"]
    assert out["carrier_source"].to_list() == ["allocation"] * 4


def test_output_columns_and_dtypes_are_fixed(check: Checker) -> None:
    frame = pl.DataFrame({"phone": ["090-1234-5678"], "name": ["山田"], "carrier": ["au"]})
    out = check(frame, carrier_column=None)
    assert tuple(out.columns[: len(CHECKED_COLUMNS)]) == CHECKED_COLUMNS
    assert out.columns[len(CHECKED_COLUMNS) :] == ["name", "input_carrier"]
    assert out.schema["row"] == pl.UInt64 and out.schema["dup_of"] == pl.UInt64


def test_every_reason_and_repair_code_has_a_one_line_description() -> None:
    for text in [*REJECT_REASONS.values(), *REPAIRS.values()]:
        assert text and "\n" not in text


def test_normalise_one_runs_the_same_pipeline(ruleset: RuleSet) -> None:
    row = normalise_one("０９０ー１２３４ー５６７８", as_of=dt.date(2026, 11, 25), ruleset=ruleset)
    assert (row["e164"], row["carrier"], row["carrier_source"]) == (M, "au", "allocation")
    looked_up = normalise_one(
        "090-1234-5678", as_of=dt.date(2026, 11, 25), ruleset=ruleset, carrier="docomo"
    )
    assert (looked_up["carrier"], looked_up["allocated_carrier"]) == ("docomo", "au")
    assert looked_up["carrier_source"] == "lookup"


def test_normalise_expr_exposes_the_text_steps() -> None:
    frame = pl.DataFrame({"p": ["TEL:０９０ー１２３４ー５６７８（携帯）", "9.01235E+09", "a / b"]})
    out = frame.select(normalise_expr(pl.col("p")).alias("n")).unnest("n")
    assert out["digits"].to_list() == ["09012345678", "90123509", ""]
    assert out["scientific"].to_list() == [False, True, False]
    assert out["letters"].to_list() == [False, False, True]


def test_colliding_input_columns_are_renamed_and_others_kept(check: Checker) -> None:
    frame = pl.DataFrame(
        {"phone": ["090-1234-5678"], "status": ["vip"], "input_status": ["x"], "e164": ["y"]}
    )
    out = check(frame)
    assert out.columns[len(CHECKED_COLUMNS) :] == [
        "input_input_status",
        "input_status",
        "input_e164",
    ]
    assert out.select("input_input_status", "input_status", "status").row(0) == ("vip", "x", "ok")


@given(st.lists(st.one_of(st.none(), st.text()), max_size=30))
def test_a_cell_holds_a_non_ascii_character_exactly_when_the_character_class_finds_one(
    cells: list[str | None],
) -> None:
    frame = pl.DataFrame({"x": cells}, schema={"x": pl.String})
    found = frame.select(
        by_length=non_ascii_expr(pl.col("x")),
        by_class=pl.col("x").str.contains(r"[^\x00-\x7F]"),
    )
    assert found["by_length"].to_list() == found["by_class"].to_list()
