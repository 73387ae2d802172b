"""rules/segmentation.yaml: the shipped data, and one clear error line for each kind of mistake."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from message_reference import GSM7_BASIC, GSM7_EXTENSION

from simulator.errors import RulesError
from simulator.message.profiles import SegmentationRules, load_segmentation_rules
from simulator.rules.linter import check_segmentation
from simulator.rules.ruleset import DEFAULT_RULES_DIR, RuleSet, load_ruleset

VALID = textwrap.dedent(
    """\
    gsm7:
      basic: ["@ab"]
      extension: "{}"
      extension_units: 2
      sources: [s1]
    profiles:
      - id: one
        name: One part
        counting: ascii_or_utf16
        limits:
          ascii: {single: 160}
          non_ascii: {single: 70}
        sources: [s1]
      - id: gsm
        name: GSM
        counting: gsm7_or_ucs2
        limits:
          gsm7: {single: 160, per_part: 153, max_parts: 10}
          ucs2: {single: 70, per_part: 67, max_parts: 10}
        sources: [s1]
    assignments:
      - id: a.1
        plans: [standard]
        effective_from: 2015-08-27
        profile: one
        sources: [s1]
      - id: a.2
        plans: [standard]
        effective_from: 2025-04-01
        profile: gsm
        sources: [s1]
    """
)


def write_rules(tmp_path: Path, text: str) -> Path:
    (tmp_path / "segmentation.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_minimal_file_loads(tmp_path: Path) -> None:
    rules = load_segmentation_rules(write_rules(tmp_path, VALID))
    assert rules.profile("gsm").gsm7_extension == "{}"


MISTAKES = [
    # what, replace this, with this, expected line, kpsim's words in the message, err.code
    ("unknown profile", "profile: gsm", "profile: gsn", 30, "unknown profile 'gsn'", "unknown_profile"),
    ("dates out of order", "2025-04-01", "2015-01-01", 29, "before", "dates_out_of_order"),
    ("duplicate date", "2025-04-01", "2015-08-27", 29, "the same day as", "dates_out_of_order"),
    ("unknown key", "{single: 160}", "{single: 160, singel: 1}", 11, "singel", "unknown_key"),
    ("wrong encodings", "non_ascii: {single: 70}", "ucs2: {single: 70}", 11, "needs limits", "invalid_value"),
    ("per part above single", "per_part: 153", "per_part: 170", 18, "larger than single", "invalid_value"),
    ("repeated GSM char", '["@ab"]', '["@aba"]', 2, "more than once", "invalid_value"),
    ("char in both tables", '"{}"', '"{}a"', 2, "both the basic and extension", "invalid_value"),
    ("negative limit", "single: 70}", "single: -70}", 12, "profiles[0].limits.non_ascii.single: ", "invalid_value"),
    ("malformed YAML", "profiles:", "profiles: [", 7, "YAML syntax error", "yaml_syntax"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "line", "words", "code"),
    [pytest.param(*m[1:], id=m[0]) for m in MISTAKES],
)
def test_each_mistake_is_one_line_with_file_and_line(
    tmp_path: Path, old: str, new: str, line: int, words: str, code: str
) -> None:
    assert old in VALID
    directory = write_rules(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(RulesError) as err:
        load_segmentation_rules(directory)
    rendered = str(err.value)
    assert words in err.value.message
    assert err.value.code == code
    assert err.value.file is not None and err.value.file.endswith("segmentation.yaml")
    assert err.value.line == line, rendered
    assert "\n" not in rendered


def test_a_gsm_profile_needs_the_gsm7_table(tmp_path: Path) -> None:
    without_table = VALID.split("profiles:", 1)[1]
    with pytest.raises(RulesError, match="no gsm7 table"):
        load_segmentation_rules(write_rules(tmp_path, "profiles:" + without_table))


def test_the_shipped_gsm7_tables_are_the_3gpp_tables(segmentation: SegmentationRules) -> None:
    gsm = segmentation.profile("generic_gsm")
    assert len(gsm.gsm7_basic) == 127 and len(gsm.gsm7_extension) == 10
    assert set(gsm.gsm7_basic) == set(GSM7_BASIC)
    assert set(gsm.gsm7_extension) == set(GSM7_EXTENSION)
    assert "¥" in gsm.gsm7_basic and "\f" in gsm.gsm7_extension


def test_every_plan_has_a_profile_from_the_day_it_starts(
    ruleset: RuleSet, segmentation: SegmentationRules
) -> None:
    for plan_id, plan in ruleset.plans.items():
        starts = [a.effective_from for a in segmentation.assignments if plan_id in a.plans]
        assert starts and min(starts) <= plan.available_from


def test_the_shipped_file_passes_lint(ruleset: RuleSet) -> None:
    assert check_segmentation(ruleset) == []


def test_lint_reports_an_unknown_plan_and_assumption(tmp_path: Path, ruleset: RuleSet) -> None:
    directory = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, directory)
    path = directory / "segmentation.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("plans: [lite, full]", "plans: [lite, fulll]", 1)
    text = text.replace("{long_sms_under_kpremium: allowed}", "{long_sms_under_kpremium: maybe}")
    path.write_text(text, encoding="utf-8")
    messages = [f.message for f in check_segmentation(load_ruleset(directory))]
    assert any("plan 'fulll' is not in plans.yaml" in m for m in messages)
    assert any("long_sms_under_kpremium has no value 'maybe'" in m for m in messages)
    with pytest.raises(RulesError, match="fulll"):
        load_segmentation_rules(directory, ruleset=ruleset)
