"""`kpsim rules lint` refuses what `forecast` would refuse, and its hints name its own usage."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from simulator.errors import RulesError
from simulator.numbers.carrier import lookup_key_expr, lookup_names, lookup_table
from simulator.rules.linter import Code, check_carrier_names, lint, lookup_key
from simulator.rules.ruleset import DEFAULT_RULES_DIR, load_ruleset


@pytest.fixture()
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, target)
    return target


def claim_for_second_carrier(rules: Path, alias: str) -> None:
    """Give the second carrier of carriers.yaml one more alias."""
    path = rules / "carriers.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = [i for i, line in enumerate(lines) if line.strip().startswith("aliases: [")][1]
    lines[at] = lines[at].replace("aliases: [", f'aliases: ["{alias}", ', 1)
    path.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize("alias_of_first", ["{id}", "{id_upper}", "{name_spaced}"])
def test_a_name_claimed_by_two_carriers_is_a_lint_finding_as_forecast_refuses_it(
    rules_copy: Path, alias_of_first: str
) -> None:
    first = next(iter(load_ruleset(rules_copy).carriers.values()))
    alias = alias_of_first.format(
        id=first.id, id_upper=first.id.upper(), name_spaced=" ".join(first.name)
    )
    claim_for_second_carrier(rules_copy, alias)
    rs = load_ruleset(rules_copy)
    with pytest.raises(RulesError):
        lookup_table(rs.carriers.values())
    findings = lint(rules_copy)
    assert [f.code for f in findings] == [Code.CARRIER_NAME]
    assert findings[0].file.endswith("carriers.yaml")


def test_the_shipped_carriers_claim_each_name_once() -> None:
    assert check_carrier_names(load_ruleset(None)) == []


def test_lint_folds_every_shipped_name_as_the_carrier_lookup_does() -> None:
    names = [n for c in load_ruleset(None).carriers.values() for n in lookup_names(c)]
    names += ["Y!mobile", "ＮＴＴドコモ", "440-10", "440 010", "株式会社 Example", "ａｕ・KDDI"]
    folded = pl.Series(names).to_frame("n").select(lookup_key_expr(pl.col("n")))
    assert [lookup_key(n) for n in names] == folded.to_series().to_list()


def test_a_missing_rules_directory_hint_names_lints_own_argument(tmp_path: Path) -> None:
    with pytest.raises(RulesError) as caught:
        lint(tmp_path / "nowhere")
    assert caught.value.code == "missing_directory"
    assert "--rules" not in str(caught.value)
    assert "kpsim rules lint DIR" in str(caught.value)
