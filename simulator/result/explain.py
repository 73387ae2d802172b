"""`Explanation`: what happens to one number under one plan on one day, and why."""

from __future__ import annotations

import datetime as dt

from simulator.errors import NotApplicableError
from simulator.numbers.recipients import normalise_one
from simulator.result.document import Document, Model
from simulator.result.shared import ApiRequest, sender_shown
from simulator.rules.api_request import api_request
from simulator.rules.assumptions import modelled_settings
from simulator.rules.reference import Decision, evaluate
from simulator.rules.ruleset import RuleSet


class ExplainedSender(Model):
    kind: str
    value: str | None
    value_known: bool
    guaranteed: bool
    shown: str | None = None
    """What recipients see: the fixed code, or the sender value you gave for this kind."""


class SourceCited(Model):
    id: str
    title: str
    citation: str


class ExplainedRule(Model):
    id: str
    effective_from: dt.date
    variant: int | None
    """The index of the assumption variant that applied, if any."""
    note: str | None
    sources: list[SourceCited]


class Explanation(Document):
    """One number under one plan on one day: the carrier, the outcome and the rule behind it."""

    input: str
    e164: str
    allocated_carrier: str | None
    carrier: str
    carrier_source: str
    plan: str
    as_of: dt.date
    route: str
    sender_display: ExplainedSender
    charge_class: str
    rule: ExplainedRule
    assumptions_used: dict[str, str]
    assumptions: dict[str, str]
    api_request: ApiRequest


def explain(
    rs: RuleSet,
    number: str,
    *,
    plan: str,
    day: dt.date,
    carrier: str | None,
    settings: dict[str, str],
    kp_sender: str | None,
    sender: str | None,
) -> tuple[Explanation, Decision]:
    """Everything `kpsim explain` says about one number under one plan on one day."""
    rs.plan_ids([plan])
    rs.carrier_ids([carrier] if carrier is not None else [])
    checked = normalise_one(number, as_of=day, ruleset=rs, settings=settings, carrier=carrier)
    if checked["number_class"] != "mobile":
        raise NotApplicableError(
            f"{number!r} is not a Japanese SMS-capable mobile number "
            f"({checked['number_class']}: {checked['reject_reason']})",
            hint="K-Premium applies to 060/070/080/090 numbers only",
        )
    if checked["carrier"] is None:
        raise NotApplicableError(
            f"no carrier known for {number!r} ({checked['reject_reason']})",
            hint="pass --carrier",
        )
    decision = evaluate(rs, plan, checked["carrier"], day, settings)
    outcome = decision.as_dict()
    by = decision.outcome.sender
    shown = sender_shown(by.kind, by.value, sender=sender, kp_sender=kp_sender)
    outcome["sender_display"] = {**outcome["sender_display"], "shown": shown}  # type: ignore[dict-item]
    explanation = Explanation.model_validate(
        {
            "input": number,
            "e164": checked["e164"],
            "allocated_carrier": checked["allocated_carrier"],
            "carrier": checked["carrier"],
            "carrier_source": "user" if carrier is not None else checked["carrier_source"],
            **outcome,
            "assumptions": modelled_settings(rs, settings),
            "api_request": api_request(rs, plan, day, settings),
        }
    )
    return explanation, decision
