"""Assumption settings: defaults from `rules/assumptions.yaml`, overridden by name."""

from __future__ import annotations

from collections.abc import Mapping

from simulator.errors import UsageError
from simulator.rules.dating import matches as matches
from simulator.rules.ruleset import RuleSet

Settings = dict[str, str]


def default_settings(ruleset: RuleSet) -> Settings:
    return {a.id: a.default for a in ruleset.assumptions.values()}


def resolve_settings(ruleset: RuleSet, overrides: Mapping[str, str] | None = None) -> Settings:
    """Every assumption's value: the default unless overridden; unknown names or values fail."""
    settings = default_settings(ruleset)
    for name, value in (overrides or {}).items():
        assumption = ruleset.assumptions.get(name)
        if assumption is None:
            known = ", ".join(sorted(ruleset.assumptions))
            raise UsageError(f"unknown assumption {name!r}", hint=f"known: {known}")
        values = [v.id for v in assumption.values]
        if value not in values:
            raise UsageError(
                f"assumption {name} has no value {value!r}", hint=f"choose from {', '.join(values)}"
            )
        settings[name] = value
    return settings


def modelled_settings(ruleset: RuleSet, settings: Mapping[str, str]) -> Settings:
    """The settings of assumptions that can change a computed result (for outputs)."""
    return {k: v for k, v in settings.items() if ruleset.assumptions[k].modelled}


def not_modelled(ruleset: RuleSet, settings: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(name, value, note) of each assumption set away from its default that kpsim cannot
    compute: the choice is accepted and recorded, but the figures are those of the default."""
    return [
        (name, value, " ".join((assumption.note or "the figures follow its default").split()))
        for name, value in settings.items()
        if not (assumption := ruleset.assumptions[name]).modelled and value != assumption.default
    ]


def not_modelled_warnings(ruleset: RuleSet, settings: Mapping[str, str]) -> list[str]:
    """One warning per assumption set away from its default that kpsim cannot compute."""
    return [
        f"assumption {name}={value} is accepted but not modelled: {note}"
        for name, value, note in not_modelled(ruleset, settings)
    ]


def referenced_assumptions(ruleset: RuleSet) -> list[str]:
    """Assumptions that routing rules or API parameters branch on, in file order."""
    seen: dict[str, None] = {}
    for routing in ruleset.routing:
        for variant in routing.rule.variants:
            seen.update(dict.fromkeys(variant.when))
    for param in ruleset.api.parameters:
        for date_variant in param.variants:
            seen.update(dict.fromkeys(date_variant.when))
    return [name for name in seen if name in ruleset.assumptions]


def all_combinations(ruleset: RuleSet, names: list[str] | None = None) -> list[Settings]:
    """Every combination of values of `names` (default: the referenced ones), others at default."""
    chosen = referenced_assumptions(ruleset) if names is None else names
    combos: list[Settings] = [default_settings(ruleset)]
    for name in chosen:
        values = [v.id for v in ruleset.assumptions[name].values]
        combos = [{**c, name: v} for c in combos for v in values]
    return combos
