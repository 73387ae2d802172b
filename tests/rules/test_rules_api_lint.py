"""`kpsim rules lint` on api.yaml endpoints: a role no parameter has, a price prices.yaml lacks
and a source sources.yaml lacks are findings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from simulator.rules.linter import FindingCode, lint
from simulator.rules.ruleset import DEFAULT_RULES_DIR


def broken_copy(tmp_path: Path, key: str, value: object, endpoint: int = 1) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    api = yaml.safe_load((rules / "api.yaml").read_text(encoding="utf-8"))
    api["endpoints"][endpoint][key] = value
    (rules / "api.yaml").write_text(yaml.safe_dump(api, allow_unicode=True), encoding="utf-8")
    return rules


@pytest.mark.parametrize(
    ("key", "value", "code", "says"),
    [
        ("form_roles", ["recipient", "msisdn"], FindingCode.API, "role 'msisdn'"),
        ("price", "carrier_lookups", FindingCode.API, "price 'carrier_lookups'"),
        ("sources", ["no-such-source"], FindingCode.UNKNOWN_SOURCE, "no-such-source"),
    ],
)
def test_an_endpoint_naming_what_the_rules_lack_is_a_finding(
    tmp_path: Path, key: str, value: object, code: FindingCode, says: str
) -> None:
    findings = lint(broken_copy(tmp_path, key, value))
    assert any(f.code == code and says in f.message for f in findings), findings


def test_the_shipped_endpoints_lint_clean() -> None:
    assert [f for f in lint(DEFAULT_RULES_DIR) if f.code == FindingCode.API] == []
