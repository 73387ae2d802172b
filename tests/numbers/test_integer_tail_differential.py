"""The integer tail gives every checked column exactly as the string path does.

`check_batch` decides plain national numbers of the table's lengths (digits and `-` only:
mobile numbers, landlines, IP phones, toll-free numbers, ...), and the other ways they are
written with only digits, `+`, `-`, spaces and brackets (`+81 90-…`, `0081-…`, `(090)…`,
`'090…`, a mobile number's lost trunk 0), by integer arithmetic and a prefix table built from
the string pipeline; the other rows take the string path. Here the streamed check with the
tail is compared row by row, and summary by summary, with the same check with the tail switched
off: on generated messy lists, on cells chosen to be awkward, on one number of each length for
every national prefix, on dates before and after 060 numbers were issued, and under hypothesis
over digit-and-hyphen cells and arbitrary text.
"""

from __future__ import annotations

import datetime as dt
import random
from functools import partial

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_fast_path_differential import AWKWARD, DATES, assert_same_rows, cells, messy_list

import simulator.engine.stream as stream
from simulator.engine.stream import check_list
from simulator.numbers.integer_tail import SPAN, WIDTH, agreed_prefixes, tail_rows, written_rows
from simulator.numbers.normalise import build_grammar
from simulator.numbers.numbering import load_numbering
from simulator.numbers.recipients import CheckedList, check_batch, setup_check
from simulator.rules.ruleset import load_ruleset


def checked(frame: pl.DataFrame, as_of: dt.date, *, tail: bool, **options: str) -> CheckedList:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stream, "check_batch", partial(check_batch, integer_tail=tail))
        return check_list(frame, as_of=as_of, batch_rows=700, **options)  # type: ignore[arg-type]


def assert_tail_changes_nothing(frame: pl.DataFrame, as_of: dt.date, **options: str) -> None:
    with_tail = checked(frame, as_of, tail=True, **options)
    without = checked(frame, as_of, tail=False, **options)
    assert_same_rows(with_tail.frame.collect(), without.frame.collect())
    assert with_tail.summarise() == without.summarise()


def every_prefix(seed: int) -> list[str]:
    """One trunk-prefixed national number of 8, 9 and 10 digits for every 3-digit national
    prefix, written with and without hyphens, plus numbers around the edges of the integer
    range."""
    rng = random.Random(seed)
    out = []
    for head in range(100, 1000):
        for length in (5, 6, 7):
            tail = "".join(rng.choice("0123456789") for _ in range(length))
            out += [f"0{head}{tail}", f"0{head}-{tail[:4]}-{tail[4:]}", f"-0{head}{tail}-"]
    edges = ["01000000000", "09999999999", "00999999999", "0100000000", "0999999999"]
    return [*edges, "010000000", "099999999", "+09012345678", "+0312345678", "0-"]


WRITTEN_FORMS = [
    "+81 {h}-{a}-{b}",
    "+81 (0){h} {a} {b}",
    "+81 0{h}{a}{b}",
    "+81{h}{a}{b}",
    "0081-{h}-{a}-{b}",
    "010-81-{h}-{a}-{b}",
    "81 {h} {a} {b}",
    "810{h}{a}{b}",
    "(0{h}){a}-{b}",
    "'0{h}{a}{b}",
    "'0{h}-{a}-{b}",
    "  0{h} {a} {b}  ",
    "{h}{a}{b}",
    "{h}-{a}-{b}",
    "＋８１ {h}-{a}-{b}",
    "0{h}　{a}　{b}",
    "0{h}.{a}.{b}",
    "{h}{a}{b}.0",
    "0{h}{a}{b}.0",
    "+81 {h}.{a}.{b}",
]
"""How people write one mobile number: the integer tail's second stage reads each of them."""

AWKWARD_WRITTEN = [
    "(+)09012345678",
    "+(81)9012345678",
    "+ 81 90 1234 5678",
    "''09012345678",
    "'+819012345678",
    '="09012345678"',
    "()09012345678",
    "( - )090-1234-5678",
    "0 0 8 1 9 0 1 2 3 4 5 6 7 8",
    "0081 0 90 1234 5678",
    "01081-0-90-1234-5678",
    "+8109012345678",
    "+8100901234567",
    "+81 +9012345678",
    "090123456789",
    "9012345678 ",
    "-9012345678",
    "+0 90 1234 5678",
    "+1 (0)90 1234 5678",
    "(090) (1234) (5678)",
    "090-1234-5678 090-1234-5678",
    "09012345678 09012345678",
    "+81 90 1234 5678 (0)",
    "81-90-1234-5678",
    "8190123456789",
    "0120-123-456",
    "+81 120 123 456",
    "(.)9012345678.0",
    "(0)9012345678.0",
    "9012345678.00",
    "9012345678.",
    ".09012345678",
    "09012345678.5",
    "090.1234.5678.0",
    "+819012345678.0",
    "90123456780.0",
    "90123456780.000",
    "9012345670.00",
    "0.0",
    "00.",
    "0901234567.0",
    "0.9012345678",
    "9.012345678E9",
]


def written_forms(seed: int) -> list[str]:
    """A WRITTEN_FORMS way of writing a 9- and a 10-digit national number for every 3-digit
    national prefix."""
    rng = random.Random(seed)
    out = []
    for head in range(100, 1000):
        for length in (6, 7):
            digits = "".join(rng.choice("0123456789") for _ in range(length))
            form = rng.choice(WRITTEN_FORMS)
            out.append(form.format(h=head, a=digits[:3], b=digits[3:]))
    return out


CLEANED_FORMS = [
    "TEL:{n}",
    "Tel. {n}",
    "ＴＥＬ：{n}",
    "携帯:{n}",
    "電話 {n}",
    "【携帯】{n}",
    "{n}（携帯）",
    "(mobile) {n}",
    "{n} (自宅)",
    "Mobile No: {n}",
    "tel{n}",
    "携帯電話番号：{n} 本人",
    '="{n}"',
    '= "{n}"',
    '\'="{n}"',
    "{n} ext 123",
    "{n} 内線12",
    "TEL:{n}（自宅） ext. 5",
]
"""Ways a number is written that only the cleaning grammar reads (labels, annotations, Excel
wrappers, extensions), each around a written form `{n}`: the string path's, whatever the tail
takes first."""
AWKWARD_CLEANED = [
    'TEL:="09012345678"',
    '="9012345678.0"',
    '="09012345678.00"',
    '="TEL:09012345678"',
    '="09012345678',
    '"09012345678"',
    '=""09012345678""',
    '="\n09012345678"',
    "TEL:'09012345678",
    "TEL:+81 (0)90 1234 5678",
    "TEL:9012345678.0",
    "TEL:090-1234-5678 / 080-1234-5678",
    "TEL:(090)",
    "TEL:+",
    "(自宅)03-1234-5678",
    "TEL:0120-123-456",
    "携帯:060-1001-2345",
    "TEL:050-1234-5678",
    "TEL:+1 415 555 0100",
    "TEL:",
    "【携帯】",
]


def cleaned_forms(seed: int) -> list[str]:
    """A CLEANED_FORMS way around a WRITTEN_FORMS way of writing a number, for every 3-digit
    national prefix."""
    rng = random.Random(seed)
    return [
        rng.choice(CLEANED_FORMS).replace("{n}", written)
        for written in written_forms(seed)
        if "'" not in written
    ]


@pytest.mark.parametrize("as_of", DATES, ids=["before_060", "after_060"])
def test_the_integer_tail_checks_labelled_and_wrapped_forms_as_the_string_path(
    as_of: dt.date,
) -> None:
    phones = cleaned_forms(5) + cleaned_forms(6) + AWKWARD_CLEANED
    frame = pl.DataFrame({"phone": phones}, schema={"phone": pl.String})
    assert_tail_changes_nothing(frame, as_of)


@pytest.mark.parametrize("as_of", DATES, ids=["before_060", "after_060"])
def test_the_integer_tail_checks_written_forms_as_the_string_path(as_of: dt.date) -> None:
    phones = written_forms(3) + written_forms(4) + AWKWARD_WRITTEN
    frame = pl.DataFrame({"phone": phones}, schema={"phone": pl.String})
    assert_tail_changes_nothing(frame, as_of)


@pytest.mark.parametrize("form", WRITTEN_FORMS)
def test_the_second_stage_reads_each_written_form(form: str) -> None:
    phone = form.format(h="90", a="1234", b="5678")
    frame = pl.DataFrame(
        {"row": [1], "phone": [phone]}, schema={"row": pl.UInt64, "phone": pl.String}
    )
    setup = setup_check(frame.drop("row"), as_of=DATES[1])
    assert setup.integer_tail is not None
    text = frame.with_columns(pl.col("phone").str.normalize("NFKC"))
    taken, decided = written_rows(text, setup.integer_tail, setup.grammar, "phone")
    assert taken.to_list() == [True], phone
    assert decided["_key"].to_list() == [819012345678]
    expected_repair = (
        "leading_zero_restored"
        if form.startswith("{h}")
        else "float_suffix_removed"
        if form.endswith(".0")
        else None
    )
    assert decided["repair"].cast(pl.String).to_list() == [expected_repair]


def test_a_label_made_of_digits_and_separators_turns_the_second_stage_off() -> None:
    numbering = load_numbering(load_ruleset(None))
    reading = numbering.reading.model_copy(update={"labels": [*numbering.reading.labels, "0-"]})
    setup = setup_check(
        pl.DataFrame({"phone": ["09012345678"]}, schema={"phone": pl.String}), as_of=DATES[1]
    )
    grammar = build_grammar(numbering.model_copy(update={"reading": reading}), setup.region)
    assert setup.grammar.words_outside_digits
    assert not grammar.words_outside_digits
    frame = pl.DataFrame({"phone": ["+81 90-1234-5678"]}, schema={"phone": pl.String})
    assert setup.integer_tail is not None
    taken, _ = written_rows(frame, setup.integer_tail, grammar, "phone")
    assert taken.to_list() == [False]


@pytest.mark.parametrize("as_of", DATES, ids=["before_060", "after_060"])
def test_the_integer_tail_checks_a_messy_list_as_the_string_path(as_of: dt.date) -> None:
    frame = messy_list(5, rows=3000)
    assert_tail_changes_nothing(frame, as_of, phone_column="phone")


@pytest.mark.parametrize("as_of", DATES, ids=["before_060", "after_060"])
def test_the_integer_tail_checks_every_national_prefix_as_the_string_path(as_of: dt.date) -> None:
    phones = every_prefix(7) + AWKWARD
    frame = pl.DataFrame({"phone": phones * 2}, schema={"phone": pl.String})
    assert_tail_changes_nothing(frame, as_of)


@pytest.mark.parametrize(
    "phones",
    [
        ["060-1001-2345"],
        ["09012345678", "080-1234-5678"],
        ["03-1234-5678"],
        ["０９０１２３４５６７８"],
    ],
)
def test_lists_the_tail_takes_whole_or_not_at_all_are_checked_as_the_string_path(
    phones: list[str],
) -> None:
    frame = pl.DataFrame({"phone": phones}, schema={"phone": pl.String})
    for as_of in DATES:
        assert_tail_changes_nothing(frame, as_of)


def test_a_carrier_lookup_column_keeps_the_string_path() -> None:
    setup = setup_check(
        messy_list(1, rows=50), as_of=DATES[1], phone_column="phone", carrier_column="carrier"
    )
    assert setup.integer_tail is None


@pytest.mark.parametrize("as_of", DATES, ids=["before_060", "after_060"])
def test_the_prefix_table_agrees_with_the_string_path_on_random_numbers(as_of: dt.date) -> None:
    frame = pl.DataFrame({"phone": ["09012345678"]}, schema={"phone": pl.String})
    setup = setup_check(frame, as_of=as_of)
    tail = setup.integer_tail
    assert tail is not None
    low = 10 ** (WIDTH - 1)
    rng = random.Random(11)
    entries = [
        (length, low + i % SPAN, code)
        for i, code in enumerate(tail.codes)
        if code is not None
        for length in [tail.lengths[i // SPAN]]
    ]
    assert {length for length, _, _ in entries} == set(tail.lengths), "a length decides nothing"
    raws = [
        f"0{prefix}{rng.randrange(10 ** (length - WIDTH)):0{length - WIDTH}d}"
        for length, prefix, _ in entries
    ]
    rebuilt = setup._check_probes(pl.DataFrame({"raw": raws}, schema={"raw": pl.String}))
    expected = tail.outcomes.select(pl.all().gather([code for _, _, code in entries]))
    assert_same_rows(rebuilt.drop("raw", "e164"), expected)
    assert rebuilt["e164"].to_list() == [f"+{tail.country_code}{raw[1:]}" for raw in raws]


def test_the_prefix_table_decides_landlines_toll_free_and_ip_phones_too() -> None:
    frame = pl.DataFrame({"phone": ["09012345678"]}, schema={"phone": pl.String})
    tail = setup_check(frame, as_of=DATES[1]).integer_tail
    assert tail is not None
    cells = ["0312345678", "0120-123-456", "050-1234-5678", "0570-123-456", "090-1234-5678"]
    taken, decided = tail_rows(pl.DataFrame({"phone": cells}), tail, "phone")
    assert taken.to_list() == [True] * len(cells)
    assert decided["reject_reason"].cast(pl.String).to_list() == [
        "landline",
        "toll_free",
        "ip_phone",
        "uan",
        None,
    ]


def test_only_a_mobile_number_written_without_its_trunk_prefix_is_restored_by_the_table() -> None:
    frame = pl.DataFrame({"phone": ["09012345678"]}, schema={"phone": pl.String})
    setup = setup_check(frame, as_of=DATES[1])
    tail = setup.integer_tail
    assert tail is not None
    cells = pl.DataFrame({"phone": ["9012345678", "5012345678", "312345678", "+81 3-1234-5678"]})
    taken, decided = written_rows(cells, tail, setup.grammar, "phone")
    assert taken.to_list() == [True, False, False, True]
    assert decided["repair"].cast(pl.String).to_list() == ["leading_zero_restored", None]
    assert decided["_key"].to_list() == [819012345678, 81312345678]


plain_cells = st.one_of(
    st.from_regex(r"\A-?0[0-9]{2,3}-?[0-9]{3,4}-?[0-9]{4}-?\Z", fullmatch=True),
    st.from_regex(r"\A[-+0-9]{0,14}\Z", fullmatch=True),
    st.from_regex(r"\A[-+0-9 ().']{0,22}\Z", fullmatch=True),
    st.builds(
        str.format,
        st.sampled_from(WRITTEN_FORMS),
        h=st.sampled_from(["90", "80", "70", "60", "50", "20", "3", "120", "800", "91"]),
        a=st.from_regex(r"\A[0-9]{3,5}\Z", fullmatch=True),
        b=st.from_regex(r"\A[0-9]{3,5}\Z", fullmatch=True),
    ),
    st.builds(
        str.replace,
        st.sampled_from(CLEANED_FORMS),
        st.just("{n}"),
        st.builds(
            str.format,
            st.sampled_from(WRITTEN_FORMS),
            h=st.sampled_from(["90", "80", "70", "60", "50", "3", "120"]),
            a=st.from_regex(r"\A[0-9]{3,5}\Z", fullmatch=True),
            b=st.from_regex(r"\A[0-9]{3,5}\Z", fullmatch=True),
        ),
    ),
    cells,
)


@settings(max_examples=40, deadline=None)
@given(st.lists(plain_cells, min_size=1, max_size=40), st.sampled_from(DATES))
def test_any_cells_are_checked_by_the_integer_tail_as_by_the_string_path(
    texts: list[str], as_of: dt.date
) -> None:
    frame = pl.DataFrame({"phone": texts}, schema={"phone": pl.String})
    assert_tail_changes_nothing(frame, as_of)


def fake_check(deep_head: str, frame: pl.DataFrame) -> pl.DataFrame:
    """A string path under which numbers are landlines, except that under `deep_head` the
    last digit decides (odd: toll-free), and the carrier follows the fifth digit."""
    raw = pl.col("raw")
    deep = raw.str.slice(1, len(deep_head)) == deep_head
    odd = raw.str.slice(-1).cast(pl.Int64) % 2 == 1
    return frame.select(
        "raw",
        (pl.lit("+81") + raw.str.slice(1)).alias("e164"),
        pl.lit("non_sms").alias("number_class"),
        pl.lit(None, pl.String).alias("repair"),
        pl.when(raw.str.slice(5, 1) == "1").then(pl.lit("au")).alias("allocated_carrier"),
        pl.lit(None, pl.String).alias("carrier"),
        pl.lit(None, pl.String).alias("carrier_source"),
        pl.when(deep & odd)
        .then(pl.lit("toll_free"))
        .otherwise(pl.lit("landline"))
        .alias("reject_reason"),
    )


def test_a_prefix_whose_later_digits_change_the_outcome_is_left_to_the_string_path() -> None:
    agreed = agreed_prefixes(partial(fake_check, "123"), "0", "81", 3, 9)
    assert "123" not in agreed
    assert {"122", "124", "999"} <= set(agreed)
    assert len(agreed) == 899


def test_a_prefix_whose_carrier_alone_changes_within_it_is_in_the_table() -> None:
    agreed = agreed_prefixes(partial(fake_check, "---"), "0", "81", 3, 9)
    assert len(agreed) == 900
