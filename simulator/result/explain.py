"""`Explanation`: what happens to one number under one plan on one day, and why."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from simulator.clock import today_in_japan
from simulator.errors import KpsimError, NotApplicableError
from simulator.message.count import count_parts
from simulator.message.profiles import load_segmentation_rules, profile_for
from simulator.numbers.recipients import normalise_one
from simulator.pricing.book import load_default_price_book
from simulator.pricing.money import sen_to_jpy
from simulator.pricing.resolve import resolve_prices
from simulator.pricing.tax import tax_incl_sen
from simulator.result.document import Document, Model, Yen
from simulator.result.forecast import Notice, SourceRef
from simulator.result.shared import ApiRequest, sender_shown
from simulator.result.summarise import notice, source_refs
from simulator.rules.api_request import api_request, given_values
from simulator.rules.assumptions import modelled_settings
from simulator.rules.reference import Decision, evaluate
from simulator.rules.ruleset import RuleSet
from simulator.rules.sender_checks import (
    check_senders,
    eligibility_on,
    refuse,
    registration_notices,
    unguaranteed,
)


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


class ExplainedPrice(Model):
    """What one part costs under the outcome's charge class on the day, and the message's total
    (one part when no message is given)."""

    name: str
    """The price item: the charge class."""
    per_part_jpy_excl_tax: Yen | None
    """None when the amount is unknown on that day."""
    basis: str
    effective_from: dt.date | None
    note: str | None = None
    source_refs: list[SourceRef] = Field(default_factory=list)
    parts: int | None
    """The message's parts under the plan (1 without a message; None when too long)."""
    parts_from_message: bool
    total_jpy_excl_tax: Yen | None
    tax_rate_percent: int
    total_jpy_incl_tax: Yen | None


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
    price: ExplainedPrice | None = None
    """The yen amount per part and the total for the message's parts (None when the price
    book cannot price that day)."""
    notices: list[Notice] = Field(default_factory=list)
    """Warnings: sender values that break a sender-ID rule, registration freeze or lead time."""
    registration_eligibility: str | None = None
    """Who may register the sender ID a K-Premium plan needs, on that day (rules/sender_ids.yaml)."""


def explained_price(
    rs: RuleSet, plan: str, charge: str, day: dt.date, settings: dict[str, str], message: str | None
) -> ExplainedPrice | None:
    """The price of one part of `charge` on `day` and the total for the message's parts."""
    try:
        prices = resolve_prices(load_default_price_book(rs.directory), day)
    except KpsimError:
        return None
    if charge not in prices:
        return None
    item = prices[charge]
    parts: int | None = 1
    if message is not None:
        counted = count_parts(
            message, profile_for(load_segmentation_rules(rs.directory), plan, day, settings)
        )
        parts = None if counted.too_long else counted.parts
    total = None if item.unit_sen is None or parts is None else item.unit_sen * parts
    return ExplainedPrice(
        name=charge,
        per_part_jpy_excl_tax=item.amount_jpy,
        basis=item.basis,
        effective_from=item.effective_from,
        note=item.note,
        source_refs=source_refs(rs, item.sources),
        parts=parts,
        parts_from_message=message is not None,
        total_jpy_excl_tax=sen_to_jpy(total),
        tax_rate_percent=prices.tax_rate_percent,
        total_jpy_incl_tax=None
        if total is None
        else sen_to_jpy(tax_incl_sen(total, prices, settings)),
    )


def eligibility_says(rs: RuleSet, plan: str, day: dt.date) -> str | None:
    """What the rules say about who may register, for a plan that needs a sender ID."""
    if rs.plans[plan].flag_role is None:
        return None
    rule = eligibility_on(rs.sender_ids, day)
    return None if rule is None else " ".join(rule.says.split())


def sender_notices(
    rs: RuleSet,
    decision: Decision,
    *,
    plan: str,
    carrier: str,
    day: dt.date,
    settings: dict[str, str],
    sender: str | None,
    kp_sender: str | None,
) -> tuple[list[Notice], bool]:
    """The sender-ID and registration warnings of one plan × carrier, and whether the sender
    shown is still guaranteed; a refused sender raises a UsageError."""
    flagged = [plan] if rs.plans[plan].flag_role is not None else []
    findings = check_senders(
        rs.sender_ids,
        day,
        settings,
        values={"user_sender": sender, "registered_sender": kp_sender},
        shown=[(plan, carrier, decision.outcome.sender.kind)],
        flagged=flagged,
    )
    refuse(findings)
    notices = [notice(f.code, **f.fields()) for f in findings if f.action == "warn"]
    if flagged:
        notices += [
            notice(n.code, **n.fields)
            for n in registration_notices(rs.sender_ids, day, today_in_japan())
        ]
    guaranteed = decision.outcome.sender.guaranteed and (plan, carrier) not in unguaranteed(
        findings
    )
    return notices, guaranteed


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
    message: str | None = None,
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
    notices, guaranteed = sender_notices(
        rs, decision, plan=plan, carrier=checked["carrier"], day=day, settings=settings,
        sender=sender, kp_sender=kp_sender,
    )  # fmt: skip
    outcome["sender_display"] = {
        **outcome["sender_display"],  # type: ignore[dict-item]
        "shown": shown,
        "guaranteed": guaranteed,
    }
    given = given_values(
        rs, message=message, recipient=checked["e164"], sender=sender, kp_sender=kp_sender
    )
    explanation = Explanation.model_validate(
        {
            "input": number,
            "e164": checked["e164"],
            "allocated_carrier": checked["allocated_carrier"],
            "carrier": checked["carrier"],
            "carrier_source": "user" if carrier is not None else checked["carrier_source"],
            **outcome,
            "assumptions": modelled_settings(rs, settings),
            "api_request": api_request(rs, plan, day, settings, given),
            "price": explained_price(rs, plan, decision.outcome.charge, day, settings, message),
            "notices": notices,
            "registration_eligibility": eligibility_says(rs, plan, day),
        }
    )
    return explanation, decision
