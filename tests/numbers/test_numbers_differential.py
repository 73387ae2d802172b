"""The vectorised normaliser agrees with phonenumbers, row by row (see numbers_reference.py).

Where kpsim deliberately reads more than the library (0081 prefix, half-width ｰ, 一 and tildes as
dashes, bracketed annotations, trailing labels, '.0' float residue), the reference gets the same
text after `preclean`, which applies exactly those documented rewrites and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache

import phonenumbers
import polars as pl
from hypothesis import given
from hypothesis import strategies as st
from numbers_reference import Expected, reference
from numbers_support import AS_OF, Checker

from simulator.numbers.numbering import NumberingFile, issuance_starts, load_numbering
from simulator.numbers.tables import allocation_table
from simulator.rules.assumptions import resolve_settings
from simulator.rules.ruleset import RuleSet, load_ruleset

FULL_WIDTH = str.maketrans("0123456789+-", "０１２３４５６７８９＋－")
SEPARATORS = [
    "-",
    " ",
    "",
    ".",
    "/",
    "\u3000",
    "\u00a0",
    "ー",
    "ｰ",
    "‐",
    "‑",
    "‒",
    "–",
    "—",
    "―",
    "−",
    "～",
    "〜",
    "~",
    "一",
    "－",
]
OTHER_PREFIXES = ["3", "6", "45", "52", "92", "11", "50", "20", "120", "800", "570", "990", "60"]
INTERNATIONAL_REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS - {"JP"})


@cache
def _rules() -> tuple[RuleSet, NumberingFile, dt.date]:
    rs = load_ruleset()
    numbering = load_numbering(rs)
    start = issuance_starts(numbering, resolve_settings(rs))["60"]
    return rs, numbering, start


def expected(text: str | None) -> Expected:
    rs, numbering, start = _rules()
    return reference(text, rs=rs, numbering=numbering, as_of=AS_OF, n060_start=start)


@cache
def allocated_prefixes() -> list[str]:
    rs, _, _ = _rules()
    return sorted(allocation_table("81", rs.carriers.values())[1])


digits = st.text(alphabet="0123456789", min_size=0, max_size=12)


@st.composite
def national_numbers(draw: st.DrawFn) -> str:
    """NSNs: allocated mobile blocks, any 0A0 mobile-range number, other ranges, odd lengths."""
    kind = draw(st.sampled_from(["allocated", "mobile_range", "other"]))
    if kind == "allocated":
        return draw(st.sampled_from(allocated_prefixes())) + draw(
            st.text(alphabet="0123456789", min_size=5, max_size=5)
        )
    if kind == "mobile_range":
        head = draw(st.sampled_from(["60", "70", "80", "90"]))
        return head + draw(st.text(alphabet="0123456789", min_size=7, max_size=9))
    head = draw(st.sampled_from(OTHER_PREFIXES))
    return head + draw(st.text(alphabet="0123456789", min_size=5, max_size=10 - len(head)))


def _grouped(number: str, cuts: tuple[int, int], sep: str) -> str:
    a, b = cuts
    parts = [number[:a], number[a : a + b], number[a + b :]]
    return sep.join(p for p in parts if p)


Render = Callable[[str, tuple[int, int], str], str]
RENDERS: dict[str, Render] = {
    "national": lambda n, c, s: _grouped("0" + n, c, s),
    "full_width": lambda n, c, s: _grouped("0" + n, c, "-").translate(FULL_WIDTH),
    "plus81": lambda n, c, s: "+81" + s + _grouped(n, c, s),
    "plus81_trunk": lambda n, c, s: "+81 (0)" + _grouped(n, c, s),
    "plus81_zero": lambda n, c, s: "+81-" + _grouped("0" + n, c, "-"),
    "zero_zero_81": lambda n, c, s: "0081" + s + _grouped(n, c, s),
    "idd_010": lambda n, c, s: "010-81-" + _grouped(n, c, "-"),
    "bare_81": lambda n, c, s: "81" + n,
    "bare_810": lambda n, c, s: "810" + n,
    "lost_zero": lambda n, c, s: n,
    "float": lambda n, c, s: n + ".0",
    "annotation": lambda n, c, s: _grouped("0" + n, c, s) + "（携帯）",
    "bracket_label": lambda n, c, s: "【携帯】" + _grouped("0" + n, c, s),
    "trailing_label": lambda n, c, s: _grouped("0" + n, c, s) + " 携帯",
    "tel_label": lambda n, c, s: "TEL:" + _grouped("0" + n, c, s),
    "apostrophe": lambda n, c, s: "'0" + n,
    "formula": lambda n, c, s: '="0' + n + '"',
    "parentheses": lambda n, c, s: "(0" + n[: c[0] - 1] + ")" + n[c[0] - 1 :],
    "zero_width": lambda n, c, s: "\u200b" + _grouped("0" + n, c, s),
}


@st.composite
def dirty_japanese(draw: st.DrawFn) -> str:
    nsn = draw(national_numbers())
    cuts = (draw(st.integers(2, 4)), draw(st.integers(3, 4)))
    sep = draw(st.sampled_from(SEPARATORS))
    return RENDERS[draw(st.sampled_from(sorted(RENDERS)))](nsn, cuts, sep)


@st.composite
def dirty_international(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(INTERNATIONAL_REGIONS))
    kind = draw(
        st.sampled_from(
            [phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]
        )
    )
    example = phonenumbers.example_number_for_type(region, kind)
    if example is None:
        example = phonenumbers.example_number(region) or phonenumbers.parse("+12025550123")
    nsn = phonenumbers.national_significant_number(example)
    code = str(example.country_code)
    style = draw(st.sampled_from(["+{c}{n}", "+{c} {n}", "+{c}-{n}", "010-{c}-{n}", "＋{c} {n}"]))
    return style.format(c=code, n=nsn)


def _agree(check: Checker, cells: list[str]) -> None:
    out = check(cells)
    for cell, got in zip(cells, out.iter_rows(named=True), strict=True):
        want = expected(cell)
        assert (got["e164"], got["number_class"], got["allocated_carrier"]) == (
            want.e164,
            want.number_class,
            want.allocated_carrier,
        ), cell


JUNK = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("0123456789０９+＋-ー() /.,eE:TEL携帯\n")),
        st.characters(exclude_categories=("Cs",)),
    ),
    max_size=24,
)
CELLS = st.one_of(
    st.tuples(st.just("number"), st.one_of(dirty_japanese(), dirty_international())),
    st.tuples(st.just("junk"), st.one_of(JUNK, dirty_japanese().map(lambda s: s + "x"))),
)


@given(st.lists(CELLS, min_size=1, max_size=60))
def test_kpsim_agrees_with_phonenumbers_on_every_cell(
    check: Checker, cells: list[tuple[str, str]]
) -> None:
    """Numbers in dirty formats: same E.164, class and allocating carrier. Junk text: whatever
    kpsim accepts, phonenumbers accepts as the same number and class."""
    out = check([text for _, text in cells])
    for (kind, text), got in zip(cells, out.iter_rows(named=True), strict=True):
        want = expected(text)
        if kind == "number":
            assert (got["e164"], got["number_class"], got["allocated_carrier"]) == (
                want.e164,
                want.number_class,
                want.allocated_carrier,
            ), text
        elif got["e164"] is not None:
            assert (got["e164"], got["number_class"]) == (want.e164, want.number_class), text


def test_the_reference_sees_what_the_domain_notes_measured() -> None:
    assert expected("080-0123-4567") == Expected("+818001234567", "non_sms", None)
    assert expected("090-0123-4567").number_class == "invalid"
    assert expected("0081-90-1234-5678").e164 == "+819012345678"
    assert expected("020-1234-5678").number_class == "non_sms"


def test_a_frame_of_all_renders_agrees(check: Checker) -> None:
    cells = [render("9012345678", (3, 4), "-") for render in RENDERS.values()]
    _agree(check, cells)
    out = check(cells)
    assert out["e164"].to_list() == ["+819012345678"] * len(cells)
    assert out.select(pl.col("status").eq("ok").all()).item()
