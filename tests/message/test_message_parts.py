"""Message parts: which profile a plan uses on a date, and how texts are counted and split."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from message_reference import REFERENCE, exact_gsm_parts

from simulator.errors import NotApplicableError, UsageError
from simulator.message.count import (
    PARTS_DTYPE,
    count_parts,
    parts_columns,
    parts_expr,
    parts_expr_by,
    stats_parts,
    template_stats,
)
from simulator.message.profiles import SegmentationRules, profile_for
from simulator.message.render import template_pieces
from simulator.rules.assumptions import resolve_settings
from simulator.rules.ruleset import RuleSet

BEFORE_LONG = dt.date(2025, 3, 31)
LONG = dt.date(2025, 4, 1)

PROFILE_CASES = [
    # plan, date, assumption overrides, profile
    ("standard", dt.date(2015, 8, 27), {}, "xoxzo_single"),
    ("standard", BEFORE_LONG, {}, "xoxzo_single"),
    ("standard", LONG, {}, "xoxzo_long"),
    ("standard", LONG, {"long_sms_ascii_single_part": "guideline_160"}, "xoxzo_long_ascii_160"),
    ("standard", BEFORE_LONG, {"split_before_long_sms": "divided_2021_blog"}, "generic_gsm"),
    ("standard", LONG, {"split_before_long_sms": "divided_2021_blog"}, "xoxzo_long"),
    ("full", dt.date(2015, 9, 1), {}, "kpremium_single"),
    ("lite", dt.date(2018, 6, 25), {}, "kpremium_single"),
    ("full", LONG, {}, "kpremium_single"),
    ("lite", LONG, {}, "kpremium_single"),
    ("full", BEFORE_LONG, {"long_sms_under_kpremium": "allowed"}, "kpremium_single"),
    ("full", LONG, {"long_sms_under_kpremium": "allowed"}, "xoxzo_long"),
    ("lite", LONG, {"long_sms_under_kpremium": "allowed"}, "xoxzo_long"),
    ("standard", dt.date(2020, 1, 1), {"segmentation_profile": "generic_gsm"}, "generic_gsm"),
    # M6: generic GSM counting keeps K-Premium's one-part limit unless long SMS is allowed
    ("lite", LONG, {"segmentation_profile": "generic_gsm"}, "generic_gsm_kpremium_single"),
    ("full", BEFORE_LONG, {"segmentation_profile": "generic_gsm"}, "generic_gsm_kpremium_single"),
    (
        "full",
        dt.date(2015, 9, 1),
        {"segmentation_profile": "generic_gsm"},
        "generic_gsm_kpremium_single",
    ),
    (
        "full",
        BEFORE_LONG,
        {"segmentation_profile": "generic_gsm", "long_sms_under_kpremium": "allowed"},
        "generic_gsm_kpremium_single",
    ),
    (
        "lite",
        LONG,
        {"segmentation_profile": "generic_gsm", "long_sms_under_kpremium": "allowed"},
        "generic_gsm",
    ),
]


@pytest.mark.parametrize(("plan", "on", "overrides", "expected"), PROFILE_CASES)
def test_plan_uses_the_documented_profile_on_each_date(
    ruleset: RuleSet,
    segmentation: SegmentationRules,
    plan: str,
    on: dt.date,
    overrides: dict[str, str],
    expected: str,
) -> None:
    settings = resolve_settings(ruleset, overrides)
    assert profile_for(segmentation, plan, on, settings).id == expected


def test_empty_settings_mean_the_default_profiles(segmentation: SegmentationRules) -> None:
    assert profile_for(segmentation, "standard", LONG, {}).id == "xoxzo_long"
    assert profile_for(segmentation, "full", LONG, {}).id == "kpremium_single"


def test_unknown_plan_is_a_usage_error_naming_the_plans(segmentation: SegmentationRules) -> None:
    with pytest.raises(UsageError, match="standard"):
        profile_for(segmentation, "premium", LONG, {})


def test_a_date_before_any_rule_is_not_applicable(segmentation: SegmentationRules) -> None:
    with pytest.raises(NotApplicableError, match="2015-08-27"):
        profile_for(segmentation, "standard", dt.date(2015, 8, 26), {})


A = "a"
KANA = "あ"
EMOJI = "😀"

PARTS_CASES = [
    # id, plan, date, overrides, text, encoding, units, parts (None = "Message too long")
    ("non-ascii 70 is one part", "standard", LONG, {}, KANA * 70, "non_ascii", 70, 1),
    ("non-ascii 71 is two", "standard", LONG, {}, KANA * 71, "non_ascii", 71, 2),
    ("non-ascii 132 is two", "standard", LONG, {}, KANA * 132, "non_ascii", 132, 2),
    ("non-ascii 133 is three", "standard", LONG, {}, KANA * 133, "non_ascii", 133, 3),
    ("non-ascii 660 is ten", "standard", LONG, {}, KANA * 660, "non_ascii", 660, 10),
    ("non-ascii 661 too long", "standard", LONG, {}, KANA * 661, "non_ascii", 661, None),
    ("ascii 140 is one part", "standard", LONG, {}, A * 140, "ascii", 140, 1),
    ("ascii 141 is two", "standard", LONG, {}, A * 141, "ascii", 141, 2),
    ("ascii 264 is two", "standard", LONG, {}, A * 264, "ascii", 264, 2),
    ("ascii 265 is three", "standard", LONG, {}, A * 265, "ascii", 265, 3),
    ("ascii 660 is five", "standard", LONG, {}, A * 660, "ascii", 660, 5),
    ("ascii 661 too long", "standard", LONG, {}, A * 661, "ascii", 661, None),
    ("pre-long ascii 160", "standard", BEFORE_LONG, {}, A * 160, "ascii", 160, 1),
    ("pre-long ascii 161", "standard", BEFORE_LONG, {}, A * 161, "ascii", 161, None),
    ("pre-long non-ascii 70", "standard", BEFORE_LONG, {}, KANA * 70, "non_ascii", 70, 1),
    ("pre-long non-ascii 71", "standard", BEFORE_LONG, {}, KANA * 71, "non_ascii", 71, None),
    ("one kana flips 140 ascii", "standard", LONG, {}, A * 139 + KANA, "non_ascii", 140, 3),
    ("one kana flips pre-long", "standard", BEFORE_LONG, {}, A * 70 + KANA, "non_ascii", 71, None),
    ("emoji counts two", "standard", LONG, {}, EMOJI * 35, "non_ascii", 70, 1),
    ("36 emoji need two parts", "standard", LONG, {}, EMOJI * 36, "non_ascii", 72, 2),
    ("ascii plus emoji is 71", "standard", LONG, {}, A * 69 + EMOJI, "non_ascii", 71, 2),
    ("half-width yen not ascii", "standard", LONG, {}, "¥100", "non_ascii", 4, 1),
    ("half-width katakana", "standard", LONG, {}, "ｱｲｳ", "non_ascii", 3, 1),
    ("empty text has no parts", "standard", LONG, {}, "", "ascii", 0, 0),
    (
        "ascii 160 guideline",
        "standard",
        LONG,
        {"long_sms_ascii_single_part": "guideline_160"},
        A * 160,
        "ascii",
        160,
        1,
    ),
    (
        "ascii 161 guideline",
        "standard",
        LONG,
        {"long_sms_ascii_single_part": "guideline_160"},
        A * 161,
        "ascii",
        161,
        2,
    ),
    (
        "divided 2021 blog",
        "standard",
        BEFORE_LONG,
        {"split_before_long_sms": "divided_2021_blog"},
        A * 161,
        "gsm7",
        161,
        2,
    ),
    ("k-premium ascii 140", "full", LONG, {}, A * 140, "ascii", 140, 1),
    ("k-premium ascii 141", "full", LONG, {}, A * 141, "ascii", 141, None),
    ("k-premium non-ascii 70", "lite", LONG, {}, KANA * 70, "non_ascii", 70, 1),
    ("k-premium non-ascii 71", "lite", LONG, {}, KANA * 71, "non_ascii", 71, None),
    (
        "k-premium long allowed",
        "full",
        LONG,
        {"long_sms_under_kpremium": "allowed"},
        KANA * 71,
        "non_ascii",
        71,
        2,
    ),
    (
        "k-premium long cap",
        "lite",
        LONG,
        {"long_sms_under_kpremium": "allowed"},
        KANA * 661,
        "non_ascii",
        661,
        None,
    ),
    (
        "k-premium before long",
        "full",
        BEFORE_LONG,
        {"long_sms_under_kpremium": "allowed"},
        A * 141,
        "ascii",
        141,
        None,
    ),
]

GSM = {"segmentation_profile": "generic_gsm"}
GSM_CASES = [
    ("gsm7 160 is one part", "a" * 160, "gsm7", 160, 1),
    ("gsm7 161 is two", "a" * 161, "gsm7", 161, 2),
    ("gsm7 306 is two", "a" * 306, "gsm7", 306, 2),
    ("gsm7 307 is three", "a" * 307, "gsm7", 307, 3),
    ("gsm7 1530 is ten", "a" * 1530, "gsm7", 1530, 10),
    ("gsm7 1531 too long", "a" * 1531, "gsm7", 1531, None),
    ("extension chars count two", "{" * 80, "gsm7", 160, 1),
    ("81 braces need two parts", "{" * 81, "gsm7", 162, 2),
    ("euro counts two", "€", "gsm7", 2, 1),
    ("form feed counts two", "\f", "gsm7", 2, 1),
    ("every extension char counts two", "^{}\\[~]|€\f", "gsm7", 20, 1),
    ("half-width yen is gsm7", "¥100", "gsm7", 4, 1),
    ("full-width yen is ucs2", "￥100", "ucs2", 4, 1),
    ("half-width katakana is ucs2", "ｱｲｳ", "ucs2", 3, 1),
    ("extension char is one unit in ucs2", "{あ", "ucs2", 2, 1),
    ("ucs2 70 is one part", KANA * 70, "ucs2", 70, 1),
    ("ucs2 71 is two", KANA * 71, "ucs2", 71, 2),
    ("ucs2 134 is two", KANA * 134, "ucs2", 134, 2),
    ("ucs2 135 is three", KANA * 135, "ucs2", 135, 3),
    ("ucs2 670 is ten", KANA * 670, "ucs2", 670, 10),
    ("ucs2 671 too long", KANA * 671, "ucs2", 671, None),
    ("36 emoji are two parts", EMOJI * 36, "ucs2", 72, 2),
]
PARTS_CASES += [(name, "standard", LONG, GSM, t, e, u, p) for name, t, e, u, p in GSM_CASES]


@pytest.mark.parametrize(
    ("plan", "on", "overrides", "text", "encoding", "units", "parts"),
    [pytest.param(*case[1:], id=case[0]) for case in PARTS_CASES],
)
def test_parts_at_every_documented_boundary(
    ruleset: RuleSet,
    segmentation: SegmentationRules,
    plan: str,
    on: dt.date,
    overrides: dict[str, str],
    text: str,
    encoding: str,
    units: int,
    parts: int | None,
) -> None:
    profile = profile_for(segmentation, plan, on, resolve_settings(ruleset, overrides))
    counted = count_parts(text, profile)
    assert (counted.encoding, counted.units, counted.parts) == (encoding, units, parts)
    assert counted.too_long == (parts is None)


def test_batch_counting_gives_the_documented_dtypes_and_null_for_null(
    segmentation: SegmentationRules,
) -> None:
    profile = segmentation.profile("xoxzo_long")
    frame = pl.DataFrame({"text": ["hello", None, KANA * 700]}, schema={"text": pl.Utf8})
    counted = frame.select(parts_expr(pl.col("text"), profile))
    assert counted.schema["message_parts"] == PARTS_DTYPE
    assert counted["message_parts"].to_list() == [
        {"units": 5, "encoding": "ascii", "parts": 1, "too_long": False},
        {"units": None, "encoding": None, "parts": None, "too_long": None},
        {"units": 700, "encoding": "non_ascii", "parts": None, "too_long": True},
    ]
    columns = frame.select(parts_columns(pl.col("text"), profile, prefix="msg_"))
    assert columns.columns == ["msg_units", "msg_encoding", "msg_parts", "msg_too_long"]


def test_profile_chosen_per_row_by_key(segmentation: SegmentationRules) -> None:
    frame = pl.DataFrame(
        {"text": [A * 150] * 3, "profile": ["xoxzo_long", "generic_gsm", "no_such_profile"]}
    )
    counted = frame.select(
        parts_expr_by(pl.col("text"), pl.col("profile"), segmentation.profiles).struct.field(
            "parts"
        )
    )
    assert counted.to_series().to_list() == [2, 1, None]


def test_profile_describes_its_limits(segmentation: SegmentationRules) -> None:
    text = segmentation.profile("xoxzo_long").describe_limit()
    assert "non_ascii: 70 in one part, then 66 per part, at most 660" in text


# --- properties ---------------------------------------------------------------------------

CHARS = ["a", " ", "\n", "{", "€", "\f", "¥", "ｱ", "あ", "漢", "😀", "é", "Δ", "￥", "\x00"]


ANY_CHAR = st.sampled_from(CHARS) | st.characters(exclude_categories=("Cs",))
RUNS = st.tuples(st.sampled_from(CHARS), st.integers(0, 700), st.text(ANY_CHAR, max_size=8))


def _with_extra(run_char: str, length: int, extra: str) -> str:
    run = run_char * length
    return run[: length // 2] + extra + run[length // 2 :]


def texts() -> st.SearchStrategy[str]:
    """Texts near the part boundaries: a long run of one character with a few others inside."""
    return RUNS.map(lambda drawn: _with_extra(*drawn))


def _count_all(items: list[str], segmentation: SegmentationRules) -> dict[str, list[dict]]:
    """Every text counted under every profile the reference knows, in one polars query."""
    frame = pl.DataFrame({"text": items}, schema={"text": pl.Utf8})
    counted = frame.select(
        parts_expr(pl.col("text"), segmentation.profile(pid)).alias(pid) for pid in REFERENCE
    )
    return {pid: counted[pid].to_list() for pid in REFERENCE}


@given(items=st.lists(texts(), min_size=1, max_size=10))
def test_counting_matches_the_reference_counter_for_all_texts(
    segmentation: SegmentationRules, items: list[str]
) -> None:
    for profile_id, rows in _count_all(items, segmentation).items():
        for text, got in zip(items, rows, strict=True):
            expected = REFERENCE[profile_id](text)
            assert (got["encoding"], got["units"], got["parts"], got["too_long"]) == (
                expected.encoding,
                expected.units,
                expected.parts,
                expected.too_long,
            ), (profile_id, text)


def _escaped(literal: str) -> str:
    return literal.replace("{", "{{").replace("}", "}}")


@given(
    literals=st.lists(st.one_of(texts(), st.text(ANY_CHAR, max_size=6)), min_size=1, max_size=4),
    values=st.lists(
        st.lists(st.none() | st.text(ANY_CHAR, max_size=80), min_size=3, max_size=3), max_size=3
    ),
)
def test_a_template_counted_by_its_pieces_matches_the_reference_on_each_rendered_text(
    segmentation: SegmentationRules, literals: list[str], values: list[list[str | None]]
) -> None:
    """A template is never rendered to be counted: each placeholder's column is counted on its
    own and added to the literal text's counts. Every row must count as its rendered text."""
    names = [f"c{i}" for i in range(len(values))]
    after = (literals[1:] + [""] * len(names))[: len(names)]
    template = _escaped(literals[0]) + "".join(
        f"{{{name}}}{_escaped(text)}" for name, text in zip(names, after, strict=True)
    )
    frame = pl.DataFrame(
        dict(zip(names, values, strict=True)), schema=dict.fromkeys(names, pl.Utf8)
    )
    frame = frame if names else pl.DataFrame({"row": [1, 2, 3]})
    pieces = template_pieces(template, frame.columns)
    rendered = [
        literals[0]
        + "".join((column[row] or "") + text for column, text in zip(values, after, strict=True))
        for row in range(3)
    ]
    for profile_id, reference in REFERENCE.items():
        profile = segmentation.profile(profile_id)
        counted = frame.select(stats_parts(template_stats(pieces, profile), profile))
        rows = counted.to_series().to_list()
        if not names:
            rows = rows * 3
        for text, got in zip(rendered, rows, strict=True):
            expected = reference(text)
            assert (got["encoding"], got["units"], got["parts"], got["too_long"]) == (
                expected.encoding,
                expected.units,
                expected.parts,
                expected.too_long,
            ), (profile_id, template, text)


def _rank(row: dict) -> float:
    return float("inf") if row["too_long"] else row["parts"]


@given(text=texts(), more=ANY_CHAR)
def test_appending_a_character_never_reduces_parts_within_one_encoding(
    segmentation: SegmentationRules, text: str, more: str
) -> None:
    for profile_id, (before, after) in _count_all([text, text + more], segmentation).items():
        if before["encoding"] == after["encoding"]:
            assert _rank(after) >= _rank(before), profile_id
            assert after["units"] >= before["units"], profile_id


@given(text=texts())
def test_generic_gsm_approximation_is_at_most_one_part_below_an_exact_split(
    segmentation: SegmentationRules, text: str
) -> None:
    row = count_parts(text, segmentation.profile("generic_gsm"))
    if not row.too_long:
        assert row.parts is not None
        assert row.parts <= exact_gsm_parts(text) <= row.parts + 1


def test_documented_approximation_a_real_split_of_67_emoji_needs_one_part_more(
    segmentation: SegmentationRules,
) -> None:
    counted = count_parts(EMOJI * 67, segmentation.profile("generic_gsm"))
    assert (counted.units, counted.parts) == (134, 2)
    assert exact_gsm_parts(EMOJI * 67) == 3


@pytest.mark.parametrize(
    ("plan", "on", "overrides", "parts"),
    [
        ("full", BEFORE_LONG, GSM, None),
        ("lite", LONG, GSM, None),
        ("full", LONG, {**GSM, "long_sms_under_kpremium": "allowed"}, 2),
        ("standard", BEFORE_LONG, GSM, 2),
    ],
)
def test_generic_gsm_keeps_the_k_premium_one_part_limit(
    ruleset: RuleSet,
    segmentation: SegmentationRules,
    plan: str,
    on: dt.date,
    overrides: dict[str, str],
    parts: int | None,
) -> None:
    """M6: 71 Japanese characters are too long for K-Premium, not 2 parts, under generic_gsm."""
    profile = profile_for(segmentation, plan, on, resolve_settings(ruleset, overrides))
    assert count_parts(KANA * 71, profile).parts == parts
