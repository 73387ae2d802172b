"""simulator/pricing holds no rule literals: plans, carriers, charge classes and dates live in YAML."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import simulator.pricing
from simulator.rules.ruleset import RuleSet

PACKAGE = Path(simulator.pricing.__file__).parent
DATE = re.compile(r"(19|20)\d\d-\d\d-\d\d")


def string_constants(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_module_names_no_plan_carrier_charge_class_or_date(path: Path, ruleset: RuleSet) -> None:
    forbidden = set(ruleset.plans) | set(ruleset.carriers) | {"k_premium", "registration_fee"}
    for text in string_constants(path):
        assert text not in forbidden, f"{path.name}: {text!r}"
        assert not DATE.search(text), f"{path.name}: {text!r}"
