"""Reference evaluator: the specification of what a plan does for a carrier on a date.

Plain Python on purpose, with no shared code paths with the polars engine, so that the engine can
be tested against it row by row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from simulator.errors import NotApplicableError
from simulator.rules.ruleset import RuleSet
from simulator.rules.schema import Outcome, Rule, Source


@dataclass(frozen=True)
class Decision:
    """What happens, and the rule version, sources and assumptions that made it so."""

    plan: str
    carrier: str
    as_of: dt.date
    outcome: Outcome
    rule: Rule
    variant_index: int | None
    sources: tuple[Source, ...]
    assumptions_used: dict[str, str]

    def as_dict(self) -> dict[str, object]:
        sender = self.outcome.sender
        return {
            "plan": self.plan,
            "carrier": self.carrier,
            "as_of": self.as_of.isoformat(),
            "route": self.outcome.route,
            "sender_display": {
                "kind": sender.kind,
                "value": sender.value,
                "value_known": sender.value_known,
                "guaranteed": sender.guaranteed,
            },
            "charge_class": self.outcome.charge,
            "rule": {
                "id": self.rule.id,
                "effective_from": self.rule.effective_from.isoformat(),
                "variant": self.variant_index,
                "note": self.rule.note,
                "sources": [
                    {"id": s.id, "title": s.title, "citation": s.citation()} for s in self.sources
                ],
            },
            "assumptions_used": dict(self.assumptions_used),
        }


def evaluate(
    ruleset: RuleSet,
    plan: str,
    carrier: str,
    on: dt.date,
    settings: Mapping[str, str],
) -> Decision:
    """Route, sender display and charge class for `plan` to `carrier` on `on`."""
    ruleset.plan_ids([plan])
    ruleset.carrier_ids([carrier])
    available = ruleset.plans[plan].available_from
    if on < available:
        raise NotApplicableError(
            f"plan {plan} did not exist on {on.isoformat()}",
            hint=f"it is available from {available.isoformat()}",
        )
    in_force: Rule | None = None
    for rule in ruleset.rules_for(plan, carrier):
        if rule.effective_from <= on and (
            in_force is None or rule.effective_from > in_force.effective_from
        ):
            in_force = rule
    if in_force is None:
        raise NotApplicableError(f"no {plan} rule covers {carrier} on {on.isoformat()}")
    outcome, index, used = in_force.outcome, None, {}
    for i, variant in enumerate(in_force.variants):
        if all(settings.get(name) == value for name, value in variant.when.items()):
            outcome, index, used = variant.outcome, i, dict(variant.when)
            break
    if index is None:
        for variant in in_force.variants:
            for name in variant.when:
                used[name] = settings[name]
    return Decision(
        plan=plan,
        carrier=carrier,
        as_of=on,
        outcome=outcome,
        rule=in_force,
        variant_index=index,
        sources=tuple(ruleset.sources[s] for s in in_force.sources),
        assumptions_used=used,
    )
