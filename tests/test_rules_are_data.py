"""Rules are data: no carrier, date or sender code in Python; plan names only where they are vocabulary."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import simulator
from simulator.rules.ruleset import load_ruleset

RULES = load_ruleset()
PACKAGE = Path(simulator.__file__).parent
DATE = re.compile(r"(19|20)\d\d-\d\d-\d\d")
SENDER_CODES = {
    v.outcome.sender.value
    for r in RULES.routing
    for v in [r.rule, *r.rule.variants]
    if v.outcome.sender.value
}
EVERYWHERE = set(RULES.carriers) | SENDER_CODES
PRICE_AND_MESSAGE_LAYERS = {"message", "pricing"}
"""These layers must not even name plans or charge classes: the YAML maps plans to profiles and prices."""


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


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_module_names_no_carrier_date_or_sender_code(path: Path) -> None:
    forbidden = set(EVERYWHERE)
    if path.parent.name in PRICE_AND_MESSAGE_LAYERS:
        forbidden |= set(RULES.plans) | {"k_premium", "registration_fee"}
    for text in string_constants(path):
        assert text not in forbidden, f"{path.name}: {text!r}"
        assert not any(code in text for code in SENDER_CODES), f"{path.name}: {text!r}"
        assert not DATE.search(text), f"{path.name}: {text!r}"
