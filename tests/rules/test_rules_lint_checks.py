"""The linter runs an explicit list of checks over every rule file; its invariants are data."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from simulator.rules import linter
from simulator.rules.linter import FindingCode, lint
from simulator.rules.ruleset import DEFAULT_RULES_DIR, load_ruleset

RULES_README = DEFAULT_RULES_DIR / "README.md"
RULES_PACKAGE = Path(linter.__file__).parent

FRESH_LINT = """
import json, sys
from simulator.rules.linter import lint
findings = lint(sys.argv[1])
print(json.dumps([[f.code, f.message] for f in findings]))
"""


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_negative_price_is_found_by_lint_alone_in_a_fresh_interpreter(rules_copy: Path) -> None:
    edit(rules_copy / "prices.yaml", "amount: 13", "amount: -13")
    done = subprocess.run(
        [sys.executable, "-c", FRESH_LINT, str(rules_copy)],
        capture_output=True,
        text=True,
        check=True,
    )
    [(code, message)] = json.loads(done.stdout)
    assert code == FindingCode.PRICES and "items[1].periods" in message


def simulator_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    return {n for n in names if n.startswith("simulator.")}


@pytest.mark.parametrize("path", sorted(RULES_PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_the_rules_layer_imports_nothing_above_it(path: Path) -> None:
    """Every rule file's model and check lives here, so the linter needs no higher layer."""
    allowed = {"simulator.errors", "simulator.i18n"}  # shared helpers that import no layer
    upward = {m for m in simulator_imports(path) if not m.startswith("simulator.rules")} - allowed
    assert not upward, f"{path.name} imports {sorted(upward)}"


def test_the_shipped_rules_pass_every_check() -> None:
    assert lint() == []
    rs = load_ruleset()
    for check in (*linter.CROSS_FILE_CHECKS, linter.check_combinations, *linter.FILE_CHECKS):
        assert check(rs) == [], check.__name__


def test_every_rule_file_has_a_check() -> None:
    checked = {c.__name__.removeprefix("check_") for c in linter.FILE_CHECKS}
    assert checked == {"numbering", "segmentation", "prices", "porting", "sender_ids", "api"}


@pytest.mark.parametrize("code", list(FindingCode), ids=str)
def test_every_finding_code_is_documented(code: FindingCode) -> None:
    assert f"`{code}`" in RULES_README.read_text(encoding="utf-8")


def test_the_plan_subsets_are_read_from_plans_yaml(rules_copy: Path) -> None:
    """Swapping the pair asks for full ⊆ lite, which the shipped routing does not satisfy."""
    path = rules_copy / "plans.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["subsets"] = [{"smaller": "full", "larger": "lite", "says": "reversed"}]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    codes = {f.code for f in lint(rules_copy)}
    assert codes == {FindingCode.NOT_SUBSET}


def test_a_subset_naming_an_unknown_plan_is_reported(rules_copy: Path) -> None:
    path = rules_copy / "plans.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["subsets"][0]["larger"] = "fulll"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert [(f.code, f.message) for f in lint(rules_copy)] == [
        (FindingCode.UNKNOWN_PLAN, "subsets: plan 'fulll' is not in plans.yaml")
    ]


def test_the_roles_a_flagged_plan_needs_are_read_from_api_yaml(rules_copy: Path) -> None:
    """Requiring the customer's `sender` role with each flag holds; a role no parameter has fails."""
    path = rules_copy / "api.yaml"
    edit(path, "required_with_flag: [kp_sender]", "required_with_flag: [kp_sender, sender]")
    assert lint(rules_copy) == []
    edit(path, "required_with_flag: [kp_sender, sender]", "required_with_flag: [kp_sendr]")
    findings = lint(rules_copy)
    assert findings and {f.code for f in findings} == {FindingCode.INCOMPLETE}
    assert all(" no kp_sendr parameter " in f.message for f in findings)
