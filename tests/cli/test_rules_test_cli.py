"""`kpsim rules test`: the shipped cases pass with full coverage; a changed documented outcome,
an empty tests folder or a broken case file fails, each with its own exit code and one line."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_runner import Kpsim

from simulator.cli.rules_test_cmd import TESTS_FAILED_EXIT
from simulator.rules.ruleset import DEFAULT_RULES_DIR

REQUIRED = ("rule_versions", "variants", "price_periods", "sender_rules", "registration")


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, target)
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_shipped_rules_pass_every_case_with_full_coverage(kpsim: Kpsim) -> None:
    code, report = kpsim.json("rules", "test")
    assert code == 0
    assert report["passed"] is True
    assert report["cases"] > 100 and report["failed"] == 0
    for area in REQUIRED:
        assert report["coverage"][area]["percent"] == 100.0, report["coverage"][area]["missed"]
    assert report["coverage"]["assumption_values"]["missed"] == []


def test_text_report_is_a_table_with_counts_and_coverage(kpsim: Kpsim) -> None:
    code, out, err = kpsim("rules", "test", "--min-coverage", "100")
    assert code == 0 and err == ""
    assert "documentary.yaml" in out
    assert re.search(r"coverage rule_versions: 100\.0% \(\d+/\d+\)", out)
    assert re.search(r"\d+ case\(s\), \d+ passed, 0 failed", out)


# A documented outcome changed in the rule files: every one must make a case fail.
MUTATIONS: list[tuple[str, str, str, str]] = [
    ("routing/full.yaml", 'value: "22472"}, charge: k_premium}', 'value: "22473"}, charge: k_premium}', "sender"),
    ("routing/full.yaml", "effective_from: 2021-06-16", "effective_from: 2021-06-15", "rule"),
    ("routing/lite.yaml", "outcome: {route: standard, sender: {kind: user}, charge: standard}\n  - id: lite.docomo.2020-02-20",
     "outcome: {route: direct, sender: {kind: registered}, charge: k_premium}\n  - id: lite.docomo.2020-02-20", "route"),
    ("routing/full.yaml", "when: {docomo_2019_number_change: blog_2019_07_10}", "when: {docomo_2019_number_change: help_2019_08_12}", "sender"),
    ("prices.yaml", "amount: 13", "amount: 12", "price_per_part"),
    ("prices.yaml", "amount: 50000\n        basis: exact", "amount: 5000\n        basis: exact", "amount"),
    ("plans.yaml", "available_from: 2018-06-25", "available_from: 2018-06-01", "error_says"),
    ("sender_ids.yaml", "longer_than: 15}", "longer_than: 16}", "senders"),
    ("sender_ids.yaml", "action: refuse\n    code: sender_looks_japanese", "action: warn\n    code: sender_looks_japanese", "senders"),
    ("sender_ids.yaml", "carriers: [au]", "carriers: [softbank]", "senders"),
    ("sender_ids.yaml", "days: 14", "days: 7", "lead_time_days"),
    ("sender_ids.yaml", "until: 2020-02-20", "until: 2020-02-19", "notices"),
    ("sender_ids.yaml", "who: corporations_with_contract", "who: corporations", "eligibility"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("file", "old", "new", "field"), MUTATIONS, ids=[f"{m[0]}-{m[3]}" for m in MUTATIONS]
)
def test_a_changed_documented_outcome_fails(
    kpsim: Kpsim, rules_copy: Path, file: str, old: str, new: str, field: str
) -> None:
    edit(rules_copy / file, old, new)
    code, out, err = kpsim("rules", "test", str(rules_copy))
    assert code == TESTS_FAILED_EXIT
    assert re.fullmatch(r"kpsim: \d+ of \d+ rule test\(s\) failed \(.+\); .+\n", err)
    assert "FAIL" in out
    code, report = kpsim.json("rules", "test", str(rules_copy))
    assert code == TESTS_FAILED_EXIT and report["passed"] is False
    failed = [r for r in report["results"] if not r["passed"]]
    assert any(m.startswith(f"{field}:") for r in failed for m in r["mismatches"]), failed


@pytest.mark.parametrize(
    "empty",
    [
        pytest.param(lambda d: [p.unlink() for p in (d / "tests").glob("*.yaml")], id="no-files"),
        pytest.param(
            lambda d: [p.rename(p.with_suffix(".txt")) for p in (d / "tests").glob("*.yaml")],
            id="no-yaml-files",
        ),
    ],
)
def test_no_case_is_a_failure(
    kpsim: Kpsim, rules_copy: Path, empty: Callable[[Path], object]
) -> None:
    empty(rules_copy)
    code, _out, err = kpsim("rules", "test", str(rules_copy))
    assert code == TESTS_FAILED_EXIT
    assert err.startswith("kpsim: no rule test ran") and err.count("\n") == 1
    code, report = kpsim.json("rules", "test", str(rules_copy))
    assert code == TESTS_FAILED_EXIT
    assert report["passed"] is False and report["cases"] == 0


def test_missing_tests_folder_is_a_rules_error(kpsim: Kpsim, rules_copy: Path) -> None:
    shutil.rmtree(rules_copy / "tests")
    code, _, err = kpsim("rules", "test", str(rules_copy))
    assert code == 4
    assert "rule tests folder not found" in err


def test_uncovered_items_are_listed_and_min_coverage_fails(kpsim: Kpsim, rules_copy: Path) -> None:
    (rules_copy / "tests" / "assumptions.yaml").unlink()
    code, out, _ = kpsim("rules", "test", str(rules_copy))
    assert code == 0
    assert (
        "not exercised: full.softbank.2023-05-12 when softbank_shortcode_since_2023=ezsms_249200"
        in out
    )
    code, _, err = kpsim("rules", "test", str(rules_copy), "--min-coverage", "100")
    assert code == TESTS_FAILED_EXIT
    assert "coverage below 100.0% for variants" in err


# A mistake in a case file names the file and line (the strict YAML reader), exit 4.
CASE_MISTAKES = [
    ("  - name:", "  - nmae:", "unknown_key"),
    ("expect: {rule: full.au.2015-09-01,", "expect: {rule: full.au.2015-09-02,", "no rule version"),
    ("{plan: full, carrier: au,", "{plan: full, carrier: kddi,", "unknown carrier"),
    ("{plan: full, carrier: au,", "{plan: ful, carrier: au,", "unknown plan"),
    ("    date: 2016-01-01\n", "", "has no date"),
    ("route: direct, sender: {kind: registered}", "route: direkt, sender: {kind: registered}", "route"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "says"), CASE_MISTAKES, ids=[m[2] for m in CASE_MISTAKES])
def test_a_broken_case_file_names_file_and_line(
    kpsim: Kpsim, rules_copy: Path, old: str, new: str, says: str
) -> None:
    edit(rules_copy / "tests" / "documentary.yaml", old, new)
    code, _out, err = kpsim("rules", "test", str(rules_copy))
    assert code == 4
    assert re.match(r"kpsim: \S+documentary\.yaml:\d+: ", err), err
    assert err.count("\n") == 1
    code, report = kpsim.json("rules", "test", str(rules_copy))
    assert report["line"] is not None and (says in report["error"] or says == report["code"])


def test_an_assumption_in_a_case_is_checked(kpsim: Kpsim, rules_copy: Path) -> None:
    edit(
        rules_copy / "tests" / "assumptions.yaml",
        "assume: {docomo_2019_number_change: blog_2019_07_10}",
        "assume: {docomo_2019_number_change: blog_2019}",
    )
    code, _, err = kpsim("rules", "test", str(rules_copy))
    assert code == 4
    assert re.search(
        r"assumptions\.yaml:\d+: assumption docomo_2019_number_change has no value", err
    )


def test_cases_option_runs_one_file_even_before_any_price_exists(
    kpsim: Kpsim, tmp_path: Path
) -> None:
    cases = tmp_path / "early.yaml"
    cases.write_text(
        "groups:\n  - date: 2010-01-01\n    cases:\n"
        '      - {plan: full, carrier: au, expect: {error: not_applicable, error_says: "did not exist"}}\n'
        "      - {price: standard, expect: {amount: null}}\n",
        encoding="utf-8",
    )
    code, report = kpsim.json("rules", "test", "--cases", str(cases))
    assert code == 0 and report["cases"] == 2 and report["files"] == [str(cases)]
    assert report["coverage"]["rule_versions"]["percent"] < 100
