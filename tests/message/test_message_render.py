"""Per-recipient messages: `{column}` placeholders rendered and counted row by row."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.errors import UsageError
from simulator.message.count import parts_expr
from simulator.message.profiles import SegmentationRules
from simulator.message.render import placeholders, render_expr

RECIPIENTS = pl.DataFrame(
    {
        "phone": ["+819012345678", "+818012345678", "+817012345678"],
        "name": ["Sato", None, "山田太郎"],
        "points": [120, 5, None],
    }
)


def render(template: str, frame: pl.DataFrame = RECIPIENTS) -> list[str]:
    return frame.select(render_expr(template, frame.columns))["message"].to_list()


def test_placeholders_are_filled_per_row_and_nulls_render_empty() -> None:
    assert render("Hi {name}, you have {points} points") == [
        "Hi Sato, you have 120 points",
        "Hi , you have 5 points",
        "Hi 山田太郎, you have  points",
    ]


def test_a_template_without_placeholders_is_the_same_for_every_row() -> None:
    assert render("Sale today") == ["Sale today"] * 3


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{name}}", "{name}"),
        ("{{{name}}}", "{Sato}"),
        ("a}}b{{c", "a}b{c"),
        ("{ name }", "Sato"),
    ],
)
def test_doubled_braces_are_literal_braces(template: str, expected: str) -> None:
    assert render(template)[0] == expected


def test_unknown_placeholder_is_a_usage_error_listing_the_columns() -> None:
    with pytest.raises(UsageError) as err:
        render_expr("Hi {nmae}", RECIPIENTS.columns)
    message = str(err.value)
    assert "{nmae}" in message and "'phone', 'name', 'points'" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("template", "complaint"),
    [
        ("Hi {name", "has no closing"),
        ("Hi {na{me}", "has no closing"),
        ("50% off }", "closes no placeholder"),
        ("Hi {}", "empty placeholder"),
    ],
)
def test_unbalanced_braces_are_usage_errors(template: str, complaint: str) -> None:
    with pytest.raises(UsageError, match=complaint):
        render_expr(template, RECIPIENTS.columns)


def test_unknown_placeholder_error_masks_column_names_shaped_like_numbers() -> None:
    """A headerless list's "column names" are its first recipient's cells."""
    with pytest.raises(UsageError) as caught:
        render_expr("Hi {name}", ["09012345678", "Taro"])
    assert "09012345678" not in caught.value.render()
    assert "5678" in caught.value.render() and "Taro" in caught.value.render()


def test_placeholders_are_listed_once_in_order_of_use() -> None:
    assert placeholders("{b} {a} {{c}} {b}") == ["b", "a"]


def test_each_row_is_counted_on_its_own_text(segmentation: SegmentationRules) -> None:
    frame = pl.DataFrame({"name": ["Ann", "あ", "B" * 140]})
    profile = segmentation.profile("xoxzo_long")
    counted = (
        frame.with_columns(render_expr("Hello {name}", frame.columns))
        .select(parts_expr(pl.col("message"), profile))
        .unnest("message_parts")
    )
    assert counted.select("encoding", "units", "parts").rows() == [
        ("ascii", 9, 1),
        ("non_ascii", 7, 1),
        ("ascii", 146, 2),
    ]


@given(text=st.text(alphabet=st.characters(exclude_characters="{}", exclude_categories=("Cs",))))
def test_text_without_braces_renders_as_itself(text: str) -> None:
    frame = pl.DataFrame({"x": [1, 2]})
    assert frame.select(render_expr(text, frame.columns))["message"].to_list() == [text, text]
