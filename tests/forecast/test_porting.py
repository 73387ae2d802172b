"""rules/porting.yaml: the estimated porting matrix, its validation and its rescaling."""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.engine.porting import (
    PORTING_SCHEMA,
    PortingMatrix,
    load_porting,
    select_porting,
)
from simulator.errors import RulesError, UsageError
from simulator.rules.assumptions import resolve_settings
from simulator.rules.linter import FindingCode, check_porting
from simulator.rules.ruleset import DEFAULT_RULES_DIR, load_ruleset
from simulator.rules.schema import Strict

MATRIX = load_porting()
RULESET = load_ruleset()


def test_every_carrier_has_a_row_that_is_a_probability_distribution() -> None:
    assert set(MATRIX.matrix) == set(RULESET.carriers)
    for row in MATRIX.matrix.values():
        assert set(row) == set(RULESET.carriers)
        assert all(p >= 0 for p in row.values())
        assert math.fsum(row.values()) == pytest.approx(1.0, abs=1e-9)


def test_matrix_is_an_estimate_as_of_2025_09_30_with_cited_sources() -> None:
    assert MATRIX.status == "estimate"
    assert MATRIX.as_of.isoformat() == "2025-09-30"
    assert MATRIX.basis
    assert all(s in RULESET.sources for s in MATRIX.sources)


def test_about_a_quarter_of_numbers_are_off_their_allocating_network() -> None:
    assert MATRIX.off_diagonal_share == 0.252
    assert MATRIX.porting_share() == pytest.approx(0.252, abs=1e-3)
    assert (MATRIX.sensitivity.low, MATRIX.sensitivity.high) == (0.15, 0.35)


def test_serving_shares_reproduce_mic_host_shares_of_2025_09() -> None:
    weights = MATRIX.weights()
    serving = {
        s: math.fsum(weights[a] * row[s] for a, row in MATRIX.matrix.items())
        for s in MATRIX.carriers
    }
    mic = {"docomo": 0.397, "au": 0.313, "softbank": 0.248, "rakuten": 0.042}
    assert serving == pytest.approx(mic, abs=1.5e-3)


def test_frame_has_every_pair_in_long_form() -> None:
    frame = MATRIX.frame()
    assert frame.schema == pl.Schema(PORTING_SCHEMA)
    assert frame.height == len(MATRIX.carriers) ** 2
    sums = frame.group_by("allocated_carrier").agg(pl.col("probability").sum())
    assert sums.get_column("probability").to_list() == pytest.approx([1.0] * 4, abs=1e-9)
    docomo_to_au = frame.filter(
        (pl.col("allocated_carrier") == "docomo") & (pl.col("serving_carrier") == "au")
    )
    assert docomo_to_au.get_column("probability").item() == 0.128


@given(share=st.floats(min_value=0.0, max_value=0.99))
def test_with_porting_share_hits_the_requested_share(share: float) -> None:
    rescaled = MATRIX.with_porting_share(share)
    assert rescaled.porting_share() == pytest.approx(share, abs=1e-9)
    assert rescaled.off_diagonal_share == share
    for row in rescaled.matrix.values():
        assert min(row.values()) >= 0.0
        assert math.fsum(row.values()) == pytest.approx(1.0, abs=1e-9)


@given(share=st.floats(min_value=0.01, max_value=0.6))
def test_with_porting_share_keeps_where_ported_numbers_go(share: float) -> None:
    rescaled = MATRIX.with_porting_share(share)
    for allocated, row in MATRIX.matrix.items():
        others = [s for s in MATRIX.carriers if s != allocated]
        old = [row[s] / math.fsum(row[o] for o in others) for s in others]
        new_row = rescaled.matrix[allocated]
        new = [new_row[s] / math.fsum(new_row[o] for o in others) for s in others]
        assert new == pytest.approx(old, rel=1e-9)


def test_porting_share_zero_is_the_identity() -> None:
    assert MATRIX.with_porting_share(0.0).matrix == MATRIX.without_porting().matrix


@pytest.mark.parametrize("share", [-0.01, 1.0, 1.5, float("nan")])
def test_with_porting_share_rejects_shares_outside_0_to_1(share: float) -> None:
    with pytest.raises(UsageError, match="outside"):
        MATRIX.with_porting_share(share)


def test_identity_cannot_be_rescaled_to_a_positive_share() -> None:
    with pytest.raises(UsageError, match="no off-diagonal mass"):
        MATRIX.without_porting().with_porting_share(0.2)


def test_porting_matrix_assumption_selects_the_estimate_or_the_identity() -> None:
    defaults = resolve_settings(RULESET)
    assert select_porting(MATRIX, defaults) is MATRIX
    no_porting = select_porting(MATRIX, resolve_settings(RULESET, {"porting_matrix": "no_porting"}))
    for allocated, row in no_porting.matrix.items():
        assert row == {s: float(s == allocated) for s in MATRIX.carriers}
    assert no_porting.porting_share() == 0.0


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, target)
    return target


def _line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_without_allocation_shares_rows_weigh_equally(rules_copy: Path) -> None:
    path = rules_copy / "porting.yaml"
    text = path.read_text()
    start = text.index("allocation_shares:")
    end = text.index("matrix:")
    path.write_text(text[:start] + text[end:])
    unweighted = load_porting(rules_copy)
    assert unweighted.allocation_shares is None
    mean_off = math.fsum(1 - row[a] for a, row in MATRIX.matrix.items()) / 4
    assert unweighted.porting_share() == pytest.approx(mean_off)
    assert unweighted.with_porting_share(0.3).porting_share() == pytest.approx(0.3)


Edit = Callable[[str], str]

BROKEN: list[tuple[str, Edit, str, str, str]] = [
    # name, edit, where it is reported, kpsim's words, err.code
    (
        "row_not_summing_to_1",
        lambda t: t.replace("docomo: {docomo: 0.744", "docomo: {docomo: 0.754"),
        "  docomo: {docomo:",
        "sum to 1.01",
        "invalid_value",
    ),
    (
        "unknown_serving_carrier",
        lambda t: t.replace("softbank: 0.102, rakuten: 0.026}", "softbank: 0.102, rakutan: 0.026}"),
        "  docomo: {docomo:",
        "unknown carrier 'rakutan'",
        "unknown_carrier",
    ),
    (
        "unknown_allocating_carrier",
        lambda t: t.replace("  rakuten: {docomo: 0.095", "  rakutan: {docomo: 0.095"),
        "  rakutan: {docomo:",
        "unknown carrier 'rakutan'",
        "unknown_carrier",
    ),
    (
        "negative_probability",
        lambda t: t.replace("au: {docomo: 0.120,", "au: {docomo: -0.120,"),
        "  au: {docomo:",
        "matrix.au.docomo: ",
        "invalid_value",
    ),
    (
        "missing_row",
        lambda t: t.replace(
            "  rakuten: {docomo: 0.095, au: 0.081, softbank: 0.064, rakuten: 0.760}\n", ""
        ),
        "matrix:",
        "no row for carrier rakuten",
        "missing_key",
    ),
    (
        "missing_column",
        lambda t: t.replace("softbank: 0.102, rakuten: 0.026}", "softbank: 0.128}"),
        "  docomo: {docomo:",
        "no column for rakuten",
        "missing_key",
    ),
    (
        "stated_share_disagrees_with_matrix",
        lambda t: t.replace("off_diagonal_share: 0.252", "off_diagonal_share: 0.30"),
        "off_diagonal_share:",
        "does not match",
        "inconsistent",
    ),
    (
        "unknown_source",
        lambda t: t.replace("sources: [porting-mic-shares-2025-09,", "sources: [no-such-source,"),
        "sources: [no-such-source",
        "not in sources.yaml",
        "unknown_source",
    ),
    (
        "unknown_key",
        lambda t: t.replace("status: estimate", "status: estimate\nconfidence: high"),
        "confidence: high",
        "confidence: ",
        "unknown_key",
    ),
]


@pytest.mark.parametrize(
    ("edit", "located_at", "message", "code"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_broken_porting_file_is_a_rules_error_with_file_and_line(
    rules_copy: Path, edit: Edit, located_at: str, message: str, code: str
) -> None:
    path = rules_copy / "porting.yaml"
    broken = edit(path.read_text())
    assert broken != path.read_text()
    path.write_text(broken)
    with pytest.raises(RulesError) as caught:
        load_porting(rules_copy)
    rendered = str(caught.value)
    assert rendered.startswith(f"{path}:{_line_of(broken, located_at)}: ")
    assert caught.value.code == code
    assert message in caught.value.message
    assert "\n" not in rendered


def test_missing_porting_file_is_a_rules_error(rules_copy: Path) -> None:
    (rules_copy / "porting.yaml").unlink()
    with pytest.raises(RulesError, match=r"missing rule file porting\.yaml"):
        load_porting(rules_copy)


def test_lint_reports_a_broken_porting_file_and_passes_the_shipped_one(rules_copy: Path) -> None:
    assert check_porting(RULESET) == []
    path = rules_copy / "porting.yaml"
    text = path.read_text().replace("au: {docomo: 0.120,", "au: {docomo: 0.220,")
    path.write_text(text)
    findings = check_porting(load_ruleset(rules_copy))
    assert [(f.line, f.code) for f in findings] == [
        (_line_of(text, "  au: {docomo:"), FindingCode.PORTING)
    ]


def test_porting_matrix_is_a_strict_model() -> None:
    assert issubclass(PortingMatrix, Strict)
