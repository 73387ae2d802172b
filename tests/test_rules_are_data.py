"""Rules are data: no carrier, date, sender code, plan, role or assumption id in Python.

Every module of every layer of `simulator/` is read as source; none may spell out an id the rule
files define. The words the schema itself defines (route and charge names, field names such as
`sender`) are kpsim's vocabulary, not rule data, even where a rule id happens to equal one.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import get_args

import pytest
from pydantic import BaseModel

import simulator
from simulator.rules import schema
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
ROLES = (
    {p.role for p in RULES.api.parameters}
    | {r for c in RULES.api.constraints for r in [*c.roles, *c.with_roles]}
    | {p.flag_role for p in RULES.plans.values() if p.flag_role}
    | {RULES.roles.user_sender, RULES.roles.registered_sender, *RULES.roles.required_with_flag}
)
ASSUMPTIONS = set(RULES.assumptions)
SCHEMA_WORDS = {
    *get_args(schema.Route),
    *get_args(schema.ChargeClass),
    *get_args(schema.SenderKind),
    *(
        name
        for model in vars(schema).values()
        if isinstance(model, type) and issubclass(model, BaseModel)
        for name in model.model_fields
    ),
}
"""Words the schema defines: `standard` is a route and a charge class, `sender` a field."""
RULE_IDS = (set(RULES.plans) | ROLES | ASSUMPTIONS) - SCHEMA_WORDS
EVERYWHERE = set(RULES.carriers) | SENDER_CODES
PRICE_AND_MESSAGE_LAYERS = {"message", "pricing"}
"""These layers must not even name charge classes or fees: the YAML maps plans to prices."""

MODULES = sorted(PACKAGE.rglob("*.py"))


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


def module_id(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


@pytest.mark.parametrize("path", MODULES, ids=module_id)
def test_module_names_no_carrier_date_or_sender_code(path: Path) -> None:
    forbidden = set(EVERYWHERE)
    if path.parent.name in PRICE_AND_MESSAGE_LAYERS:
        forbidden |= set(RULES.plans) | {"k_premium", "registration_fee"}
    for text in string_constants(path):
        assert text not in forbidden, f"{path.name}: {text!r}"
        assert not any(code in text for code in SENDER_CODES), f"{path.name}: {text!r}"
        assert not DATE.search(text), f"{path.name}: {text!r}"


def rule_ids_in(path: Path) -> set[str]:
    return {text for text in string_constants(path) if text in RULE_IDS}


@pytest.mark.parametrize("path", MODULES, ids=module_id)
def test_module_names_no_plan_role_or_assumption_id(path: Path) -> None:
    found = set(rule_ids_in(path))
    assert not found, f"{module_id(path)} names {sorted(found)}: read them from the rule set"


def test_the_vocabulary_is_read_from_the_rules() -> None:
    """The forbidden ids are the rule set's own, so a renamed plan or role is still caught."""
    assert {"kp_sender", "lite_flag", "full_flag"} <= ROLES
    assert {"lite", "full"} <= RULE_IDS and "standard" not in RULE_IDS
    assert {"tax_rounding", "porting_matrix"} <= ASSUMPTIONS
