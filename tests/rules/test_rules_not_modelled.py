"""Assumptions the rules list as not modelled: accepted, figures unchanged, and said so."""

from __future__ import annotations

from simulator.rules.assumptions import not_modelled_warnings, resolve_settings
from simulator.rules.ruleset import load_ruleset


def test_every_not_modelled_value_away_from_its_default_warns_with_its_reason() -> None:
    rs = load_ruleset()
    not_modelled = [a for a in rs.assumptions.values() if not a.modelled]
    assert not_modelled
    for assumption in not_modelled:
        for value in (v.id for v in assumption.values if v.id != assumption.default):
            settings = resolve_settings(rs, {assumption.id: value})
            (warning,) = not_modelled_warnings(rs, settings)
            assert warning.startswith(f"assumption {assumption.id}={value} is accepted but not")


def test_defaults_and_modelled_assumptions_do_not_warn() -> None:
    rs = load_ruleset()
    assert not_modelled_warnings(rs, resolve_settings(rs)) == []
    modelled = next(a for a in rs.assumptions.values() if a.modelled and len(a.values) > 1)
    other = next(v.id for v in modelled.values if v.id != modelled.default)
    assert not_modelled_warnings(rs, resolve_settings(rs, {modelled.id: other})) == []
