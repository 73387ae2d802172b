"""The checker is checked: every broken copy of the shipped rules gets the finding meant for it.

Each mutation copies `rules/`, breaks the YAML data in one way the linter promises to catch,
writes the changed files back with `yaml.safe_dump`, runs `simulator.rules.linter.lint` and
expects a finding of the code that names that kind of break (a mutant caught only by an
unrelated check does not count).
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import shutil
import tempfile
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from simulator.rules.linter import Finding, FindingCode, lint
from simulator.rules.ruleset import DEFAULT_RULES_DIR

T = TypeVar("T")
Rules = dict[str, Any]
DAY = dt.timedelta(days=1)


class Chooser(Protocol):
    def pick(self, options: Sequence[T]) -> T: ...
    def integer(self, low: int, high: int) -> int: ...


Mutation = Callable[[Rules, Chooser], tuple[str, FindingCode]]
"""Breaks the rules in place; says what it did and which finding code must report it."""


class DrawChooser:
    """Choices drawn by hypothesis, so failures shrink to the simplest broken rule set."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def pick(self, options: Sequence[T]) -> T:
        return self.data.draw(st.sampled_from(list(options)))

    def integer(self, low: int, high: int) -> int:
        return self.data.draw(st.integers(low, high))


class SeededChooser:
    """Fixed pseudo-random choices, so that every kind of mutation runs at least once."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def pick(self, options: Sequence[T]) -> T:
        return self.rng.choice(list(options))

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)


@cache
def shipped() -> Rules:
    """Every YAML file of the shipped rules, by path relative to the rules directory."""
    return {
        str(path.relative_to(DEFAULT_RULES_DIR)): yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(DEFAULT_RULES_DIR.rglob("*.yaml"))
    }


class NoAliasDumper(yaml.SafeDumper):
    """`safe_dump` that writes a value used twice (a shared date) in full, not as `*alias`,
    which rule files refuse: a mutant must break what it means to, not the YAML."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def write_copy(target: Path, rules: Rules) -> Path:
    """A copy of the shipped directory with every changed file rewritten by `yaml.safe_dump`."""
    shutil.copytree(DEFAULT_RULES_DIR, target)
    for name, data in rules.items():
        if data != shipped()[name]:
            with (target / name).open("w", encoding="utf-8") as fh:
                yaml.dump(data, fh, Dumper=NoAliasDumper, sort_keys=False, allow_unicode=True)
    return target


def routing_rules(rules: Rules) -> list[tuple[str, dict[str, Any]]]:
    return [
        (data["plan"], rule)
        for name, data in rules.items()
        if name.startswith("routing/")
        for rule in data["rules"]
    ]


def chains(rules: Rules) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Rules per plan × carrier, in file order."""
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for plan, rule in routing_rules(rules):
        for carrier in rule["carriers"]:
            out.setdefault((plan, carrier), []).append(rule)
    return out


def sourced_items(rules: Rules, *, required: bool) -> list[dict[str, Any]]:
    """Items whose `sources` list must be non-empty (and, unless `required`, assumption values)."""
    items = [rule for _, rule in routing_rules(rules)]
    items += rules["plans.yaml"]["plans"] + rules["carriers.yaml"]["carriers"]
    items += rules["api.yaml"]["parameters"] + rules["api.yaml"]["constraints"]
    if not required:
        items += [v for a in rules["assumptions.yaml"]["assumptions"] for v in a["values"]]
    return items


# --- mutations: each breaks the data in place and says what it did ---


def shift_rule_to_or_before_its_predecessor(
    rules: Rules, choose: Chooser
) -> tuple[str, FindingCode]:
    longer = [(key, chain) for key, chain in chains(rules).items() if len(chain) > 1]
    (plan, carrier), chain = choose.pick(longer)
    index = choose.integer(1, len(chain) - 1)
    rule, before = chain[index], chain[index - 1]
    days = choose.integer(0, 800)
    rule["effective_from"] = before["effective_from"] - days * DAY
    code = FindingCode.OVERLAP if days == 0 else FindingCode.UNORDERED
    return f"{rule['id']} moved to {rule['effective_from']} ({plan}/{carrier})", code


def drop_a_carrier(rules: Rules, choose: Chooser) -> tuple[str, FindingCode]:
    """Empty a one-carrier rule, or open a gap at the start of a carrier's chain.

    (Dropping a carrier from a later version that names several would only extend the previous
    version for that carrier, a different but valid rule set.)
    """
    first = {key: chain[0] for key, chain in chains(rules).items()}
    options = [
        (rule, carrier)
        for plan, rule in routing_rules(rules)
        for carrier in rule["carriers"]
        if len(rule["carriers"]) == 1 or first[plan, carrier] is rule
    ]
    rule, carrier = choose.pick(options)
    rule["carriers"].remove(carrier)
    code = FindingCode.GAP if rule["carriers"] else FindingCode.SCHEMA  # `carriers: []` is invalid
    return f"{carrier} dropped from {rule['id']}", code


def remove_sources(rules: Rules, choose: Chooser) -> tuple[str, FindingCode]:
    item = choose.pick(sourced_items(rules, required=True))
    if choose.pick(["empty", "missing"]) == "empty":
        item["sources"] = []
        return f"{item.get('id') or item['name']}: sources: []", FindingCode.SCHEMA
    del item["sources"]
    return f"{item.get('id') or item['name']}: no sources key", FindingCode.SCHEMA


def add_unknown_carrier(rules: Rules, choose: Chooser) -> tuple[str, FindingCode]:
    _, rule = choose.pick(routing_rules(rules))
    carrier = choose.pick(["kddi", "ymobile", "NTT Docomo", "emobile"])
    rule["carriers"].append(carrier)
    return f"{rule['id']} names carrier {carrier}", FindingCode.UNKNOWN_CARRIER


def cite_unknown_source(rules: Rules, choose: Chooser) -> tuple[str, FindingCode]:
    item = choose.pick(sourced_items(rules, required=False))
    item.setdefault("sources", []).append(choose.pick(["blog-nowhere", "help-kp-en-0000000"]))
    return f"{item.get('id') or item['name']} cites an unknown source", FindingCode.UNKNOWN_SOURCE


def make_outcome_inconsistent(rules: Rules, choose: Chooser) -> tuple[str, FindingCode]:
    _, rule = choose.pick(routing_rules(rules))
    outcome = choose.pick([rule["outcome"], *(v["outcome"] for v in rule.get("variants", []))])
    broken = choose.pick(
        [
            {"route": "direct", "charge": "standard"},
            {"route": "standard", "charge": "k_premium", "sender": {"kind": "user"}},
            {"route": "standard", "charge": "standard", "sender": {"kind": "registered"}},
            {"route": "standard", "charge": "standard", "sender": {"kind": "fixed", "value": "1"}},
        ]
    )
    outcome.update(copy.deepcopy(broken))
    return f"{rule['id']}: outcome {outcome}", FindingCode.INVARIANT


def vary_on_unknown_assumption_value(rules: Rules, choose: Chooser) -> tuple[str, FindingCode]:
    known = [a["id"] for a in rules["assumptions.yaml"]["assumptions"]]
    when = choose.pick([{choose.pick(known): "no_such_value"}, {"no_such_assumption": "yes"}])
    if choose.pick(["rule", "api"]) == "rule":
        _, item = choose.pick(routing_rules(rules))
        variant = {"when": when, "outcome": copy.deepcopy(item["outcome"])}
    else:
        item = choose.pick(rules["api.yaml"]["parameters"])
        variant = {"when": when, "accepted_from": item["accepted_from"]}
    item.setdefault("variants", []).append(variant)
    return f"{item.get('id') or item['name']} varies on {when}", FindingCode.UNKNOWN_ASSUMPTION


def plan_available_before_its_first_rule(rules: Rules, choose: Chooser) -> tuple[str, FindingCode]:
    plan = choose.pick(rules["plans.yaml"]["plans"])
    first = min(r["effective_from"] for p, r in routing_rules(rules) if p == plan["id"])
    plan["available_from"] = first - choose.integer(1, 1000) * DAY
    return f"plan {plan['id']} available from {plan['available_from']}", FindingCode.GAP


# Where a parameter window can be moved to leave a gap: (name, reading or None, field, range).
KP_SENDER_GAPS = [
    ("jp-kddi-sender", None, "accepted_until", "2015-09-01", "2017-07-29"),
    ("jp_kddi_sender", None, "accepted_until", "2017-07-31", "2020-05-17"),
    ("jp_kddi_sender", None, "accepted_from", "2017-08-16", "2020-05-18"),
    ("jp_kp_sender", None, "accepted_from", "2020-10-02", "2030-01-01"),
    ("jp_kddi_sender", "jp_kddi_sender_last_day", "accepted_until", "2017-07-31", "2020-05-17"),
    ("jp_kp_sender", "jp_kp_sender_accepted_from", "accepted_from", "2020-10-02", "2030-01-01"),
]


def leave_a_day_without_kp_sender(rules: Rules, choose: Chooser) -> tuple[str, FindingCode]:
    """Delete a `kp_sender` name, or shrink its window (or an assumption's reading of it)."""
    api = rules["api.yaml"]
    senders = [p for p in api["parameters"] if p["role"] == "kp_sender"]
    if choose.pick(["delete", "shrink"]) == "delete":
        gone = choose.pick(senders)
        api["parameters"].remove(gone)
        return f"deleted {gone['name']}", FindingCode.INCOMPLETE
    name, reading, field, low, high = choose.pick(KP_SENDER_GAPS)
    param = next(p for p in senders if p["name"] == name)
    target = (
        param if reading is None else next(v for v in param["variants"] if reading in v["when"])
    )
    start, end = dt.date.fromisoformat(low), dt.date.fromisoformat(high)
    target[field] = start + choose.integer(0, (end - start).days) * DAY
    return f"{name} {field} {target[field]} ({reading or 'base window'})", FindingCode.INCOMPLETE


def drop_a_plan_flag(rules: Rules, choose: Chooser) -> tuple[str, FindingCode]:
    api = rules["api.yaml"]
    flags = [p for p in api["parameters"] if p["role"] in ("full_flag", "lite_flag")]
    flag = choose.pick([f for f in flags if f.get("accepted_until") is None])
    api["parameters"].remove(flag)
    return f"deleted {flag['name']}", FindingCode.INCOMPLETE


MUTATIONS: list[Mutation] = [
    shift_rule_to_or_before_its_predecessor,
    drop_a_carrier,
    remove_sources,
    add_unknown_carrier,
    cite_unknown_source,
    make_outcome_inconsistent,
    vary_on_unknown_assumption_value,
    plan_available_before_its_first_rule,
    leave_a_day_without_kp_sender,
    drop_a_plan_flag,
]


def lint_mutant(mutation: Mutation, choose: Chooser) -> tuple[str, FindingCode, list[Finding]]:
    rules = copy.deepcopy(shipped())
    what, expected = mutation(rules, choose)
    assert rules != shipped(), what
    with tempfile.TemporaryDirectory() as tmp:
        directory = write_copy(Path(tmp) / "rules", rules)
        findings = lint(directory)
        for f in findings:
            assert Path(f.file).is_relative_to(directory) and f.line >= 1, f.render()
    return what, expected, findings


def assert_found(what: str, expected: FindingCode, findings: list[Finding]) -> None:
    codes = {f.code for f in findings}
    assert expected in codes, f"{what}: expected [{expected}], got {sorted(codes) or 'nothing'}"


def test_unmutated_copy_written_by_safe_dump_is_clean(tmp_path: Path) -> None:
    directory = write_copy(tmp_path / "rules", shipped())
    for name, data in shipped().items():
        (directory / name).write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    assert lint(directory) == []


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.__name__)
def test_each_kind_of_mutant_is_found(mutation: Mutation) -> None:
    assert_found(*lint_mutant(mutation, SeededChooser(MUTATIONS.index(mutation))))


@given(data=st.data())
def test_every_mutant_is_found(data: st.DataObject) -> None:
    mutation = data.draw(st.sampled_from(MUTATIONS), label="mutation")
    assert_found(*lint_mutant(mutation, DrawChooser(data)))


def test_gap_left_by_an_assumption_reading_is_reported_on_its_first_day() -> None:
    rules = copy.deepcopy(shipped())
    kddi = next(p for p in rules["api.yaml"]["parameters"] if p["name"] == "jp_kddi_sender")
    next(v for v in kddi["variants"] if "jp_kddi_sender_last_day" in v["when"])[
        "accepted_until"
    ] = dt.date(2020, 5, 10)
    with tempfile.TemporaryDirectory() as tmp:
        findings = lint(write_copy(Path(tmp) / "rules", rules))
    assert any(
        f.code == FindingCode.INCOMPLETE and "on 2020-05-11 no kp_sender" in f.message
        for f in findings
    )
