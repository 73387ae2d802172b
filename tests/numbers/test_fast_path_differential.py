"""The faster checking pipeline gives every checked column exactly as the previous one did.

`previous_classify_numbers` is the pipeline before the speed work, kept verbatim: NFKC inside a
when/then over every slow row, and the slow rows joined back to the fast ones by `row`. The
current one filters instead (NFKC only on non-ASCII rows) and gathers instead of joining. Both
run on generated messy lists (every messy form `datasets/generate.py` writes) and on cells
chosen to be awkward: foreign numbers, 18+ digits, full-width and odd Unicode; on dates before
and after 060 numbers were issued; with and without a carrier-lookup column; in memory and
streamed in batches.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import simulator.numbers.recipients as recipients
from simulator.engine.stream import check_list
from simulator.numbers.classify import ClassRules, classify, fast_steps, fast_values
from simulator.numbers.normalise import Grammar, apply_steps, normalise_text, split_prefix
from simulator.numbers.reader import ROW
from simulator.numbers.tables import RegionTables

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "datasets"))
from generate import generate

LOOKUPS = ["docomo", "au", None, "SoftBank", "楽天モバイル", "unknown", "", "KDDI"]
BEFORE_060 = dt.date(2020, 1, 1)
AFTER_060 = dt.date(2026, 11, 25)
DATES = [BEFORE_060, AFTER_060]

AWKWARD = [
    "+1 415 555 2671",
    "+44 20 7946 0958",
    "+86 138 0013 8000",
    "0086 138 0013 8000",
    "010 44 20 7946 0958",
    "+33 6 12 34 56 78",
    "+8190-1234-5678",
    "0081-90-1234-5678",
    "81 90 1234 5678",
    "819012345678",
    "9012345678",
    "060-1234-5678",
    "060 1234 5678",
    "+81 60 1234 5678",
    "0120-123-456",
    "0800-123-4567",
    "0570-123-456",
    "050-1234-5678",
    "020-1234-5678",
    "03-1234-5678",
    "090123456789012345",
    "0901234567890123456789",
    "+819012345678901234567",
    "123456789012345678901234567890",
    "１２３４５６７８９０１２３４５６７８",
    "０９０－１２３４－５６７８",
    "＋８１　９０　１２３４　５６７８",
    "０９０ー１２３４ー５６７８",
    "090\u200b1234\u200b5678",
    "\ufeff090-1234-5678",
    "090\u00ad1234\u00ad5678",
    "090‐1234‐5678",
    "090–1234—5678",
    "090〜1234〜5678",
    "０９０一１２３４一５６７８",
    "٠٩٠١٢٣٤٥٦٧٨",
    "०९०१२३४५६७८",
    "⓪⑨⓪①②③④⑤⑥⑦⑧",
    "090¹²³⁴⁵⁶⁷⁸",
    "0\u03019012345678",
    "090-1234-5678 🙂",
    "\u202e090-1234-5678",
    "ﾃﾞﾝﾜ 090-1234-5678",
    "携帯：090-1234-5678",
    "TEL 090-1234-5678 (自宅)",
    "090-1234-5678 内線 12",
    "090-1234-5678 ext. 3",
    '="09012345678"',
    "'09012345678",
    "9.01234568E+09",
    "9012345678.0",
    "090-1234-5678 / 080-1234-5678",
    "090-1234-5678、080-1234-5678",
    "090-abcd-5678",
    "090-１２３４-5678",
    "",
    "   ",
    "\u3000",
    "-",
    "+",
    "++81 90 1234 5678",
    "(090) 1234-5678",
    "[090]1234-5678",
    "０",
    "00000000000",
    "0000-0000-0000",
]


def previous_classify_numbers(
    lf: pl.LazyFrame, *, grammar: Grammar, region: RegionTables, rules: ClassRules
) -> pl.LazyFrame:
    """The pipeline before the speed work (when/then fold, slow rows joined back by row)."""
    lf = apply_steps(lf, fast_steps("raw", region, rules)).cache()
    slow = (
        lf.filter(~pl.col("_fast"))
        .select(ROW, "raw")
        .with_columns(_raw_blank=pl.col("raw").str.strip_chars().fill_null("") == "")
        .pipe(normalise_text, "raw", grammar)
        .pipe(split_prefix, grammar)
        .pipe(classify, region, rules)
        .select(ROW, *recipients.DERIVED)
    )
    return lf.join(slow, on=ROW, how="left", maintain_order="left").with_columns(
        pl.when(pl.col("_fast")).then(value).otherwise(pl.col(name)).alias(name)
        for name, value in fast_values().items()
    )


def previous(frame: pl.DataFrame, as_of: dt.date, **options: str) -> pl.DataFrame:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(recipients, "classify_numbers", previous_classify_numbers)
        return recipients.check_recipients(frame, as_of=as_of, **options).collect()  # type: ignore[arg-type]


def current(frame: pl.DataFrame, as_of: dt.date, **options: str) -> pl.DataFrame:
    return recipients.check_recipients(frame, as_of=as_of, **options).collect()  # type: ignore[arg-type]


def assert_same_rows(got: pl.DataFrame, want: pl.DataFrame) -> None:
    assert got.columns == want.columns
    assert got.height == want.height
    for column in want.columns:
        a, b = got[column], want[column]
        differ = ~(a.cast(pl.String).eq_missing(b.cast(pl.String)))
        assert not differ.any(), (column, want.filter(differ).head(5), got.filter(differ).head(5))


def messy_list(seed: int, rows: int = 4000) -> pl.DataFrame:
    frame = generate(rows, seed=seed, dirty_share=0.6, landline_share=0.1)
    frame = frame.with_columns(
        carrier=pl.Series(LOOKUPS * (rows // len(LOOKUPS) + 1), dtype=pl.String).head(rows)
    )
    awkward = pl.DataFrame(
        {
            "customer_id": [f"X{i:07d}" for i in range(len(AWKWARD))],
            "name": ["x"] * len(AWKWARD),
            "phone": AWKWARD,
            "carrier": [None] * len(AWKWARD),
        },
        schema=frame.schema,
    )
    return pl.concat([awkward, frame, awkward.with_columns(pl.col("phone").str.to_uppercase())])


@pytest.mark.parametrize("as_of", DATES, ids=["before_060", "after_060"])
@pytest.mark.parametrize("seed", [1, 2])
def test_the_fast_pipeline_checks_every_messy_row_as_the_previous_one(
    seed: int, as_of: dt.date
) -> None:
    frame = messy_list(seed)
    assert_same_rows(
        current(frame, as_of, phone_column="phone"), previous(frame, as_of, phone_column="phone")
    )
    options = {"phone_column": "phone", "carrier_column": "carrier"}
    assert_same_rows(current(frame, as_of, **options), previous(frame, as_of, **options))


@pytest.mark.parametrize("as_of", DATES, ids=["before_060", "after_060"])
def test_the_streamed_check_in_batches_matches_the_previous_pipeline(as_of: dt.date) -> None:
    frame = messy_list(3, rows=3000)
    streamed = check_list(frame, as_of=as_of, phone_column="phone", batch_rows=700)
    got = streamed.frame.collect()
    assert_same_rows(got, previous(frame, as_of, phone_column="phone"))


odd_characters = st.sampled_from(
    [
        *"0123456789０１２３４５６７８９+＋-ー－‐‒–—―−〜~一 \u3000\u200b\ufeff\u00ad()（）.ext内線TEL:",
        *["٣", "९", "①", "²", "\u0301", "🙂", "\u202e", "ｱ"],
    ]
)
cells = st.one_of(
    st.text(odd_characters, max_size=30),
    st.text(max_size=20),
    st.sampled_from(AWKWARD),
    st.integers(min_value=0, max_value=10**25).map(str),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(cells, min_size=1, max_size=40), st.sampled_from(DATES))
def test_any_cells_are_checked_as_the_previous_pipeline_checked_them(
    texts: list[str], as_of: dt.date
) -> None:
    frame = pl.DataFrame({"phone": texts}, schema={"phone": pl.String})
    assert_same_rows(current(frame, as_of), previous(frame, as_of))
