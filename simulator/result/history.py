"""`RulesHistory`: every dated fact of the rule files, each with its sources (`kpsim rules
history`), and the facts in force on one day (`kpsim rules show`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Literal, get_args

from pydantic import Field

from simulator.pricing.money import fmt_jpy
from simulator.result.document import Document, Model
from simulator.result.forecast import SourceRef
from simulator.result.shared import describe_sender
from simulator.result.summarise import source_refs
from simulator.rules.ruleset import RuleSet
from simulator.rules.schema import Outcome

FactKind = Literal[
    "routing",
    "price",
    "tax",
    "api_parameter",
    "api_constraint",
    "segmentation",
    "sender_id",
    "registration",
]
ONE_DAY = dt.timedelta(days=1)


class SenderShown(Model):
    kind: str
    value: str | None
    value_known: bool


class OutcomeRecord(Model):
    route: str
    sender: SenderShown
    charge: str


class VariantRecord(Model):
    when: dict[str, str]
    outcome: OutcomeRecord


class SourceCitation(Model):
    id: str
    citation: str
    title: str


class RoutingVersion(Model):
    """One routing rule version (as `rules history` has always listed them)."""

    id: str
    plan: str
    carriers: list[str]
    effective_from: dt.date
    route: str
    sender_display: SenderShown
    charge_class: str
    variants: list[VariantRecord]
    note: str | None
    sources: list[SourceCitation]


class DatedFact(Model):
    """One dated fact: what holds from `effective_from` (to `until`, inclusive, when a later
    version or a stated end closes it), about what, and the documents it rests on."""

    kind: FactKind
    id: str
    effective_from: dt.date
    until: dt.date | None = None
    subject: str
    """What the fact is about: `full → softbank`, `price k_premium`, `parameter jp_kp`, ..."""
    value: str
    """The fact in words (a route and sender, an amount, a rate, a profile, an action)."""
    basis: str | None = None
    """How sure an amount is (prices, tax), or the action of a sender-ID rule."""
    plans: list[str] | None = None
    """The plans it concerns (None: every plan)."""
    carriers: list[str] | None = None
    """The carriers it concerns (None: every carrier)."""
    variants: list[str] = Field(default_factory=list)
    """Other values under named assumption readings, in words."""
    documented_from: dt.date | None = None
    """Before this day the fact is an extrapolation (no source states it yet)."""
    note: str | None = None
    sources: list[SourceRef] = Field(default_factory=list)


class RulesHistory(Document):
    """Every dated fact of the rules in date order; `versions` repeats the routing versions in
    their original shape."""

    plan: str | None = None
    carrier: str | None = None
    versions: list[RoutingVersion]
    facts: list[DatedFact]


def _outcome(outcome: Outcome) -> OutcomeRecord:
    sender = outcome.sender
    return OutcomeRecord(
        route=outcome.route,
        sender=SenderShown(kind=sender.kind, value=sender.value, value_known=sender.value_known),
        charge=outcome.charge,
    )


def _outcome_words(outcome: Outcome) -> str:
    s = outcome.sender
    return f"{outcome.route} / {describe_sender(s.kind, s.value, s.value_known)} / {outcome.charge}"


def _when(when: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in when.items())


def _words(text: str | None) -> str | None:
    return None if text is None else " ".join(text.split())


def _closed_by_next(starts: Sequence[dt.date], i: int) -> dt.date | None:
    """The last day of version `i` of a chain: the day before the next version starts."""
    return starts[i + 1] - ONE_DAY if i + 1 < len(starts) else None


def routing_versions(rs: RuleSet, plan: str | None, carrier: str | None) -> list[RoutingVersion]:
    """The routing versions (of one plan or carrier), in date order."""
    chosen = sorted(
        (
            r
            for r in rs.routing
            if (plan is None or r.plan == plan) and (carrier is None or carrier in r.rule.carriers)
        ),
        key=lambda r: (r.rule.effective_from, r.plan, r.rule.id),
    )
    return [
        RoutingVersion(
            id=r.rule.id,
            plan=r.plan,
            carriers=list(r.rule.carriers),
            effective_from=r.rule.effective_from,
            route=r.rule.outcome.route,
            sender_display=_outcome(r.rule.outcome).sender,
            charge_class=r.rule.outcome.charge,
            variants=[
                VariantRecord(when=dict(v.when), outcome=_outcome(v.outcome))
                for v in r.rule.variants
            ],
            note=r.rule.note,
            sources=[
                SourceCitation(id=s, citation=rs.sources[s].citation(), title=rs.sources[s].title)
                for s in r.rule.sources
                if s in rs.sources
            ],
        )
        for r in chosen
    ]


def _routing_facts(rs: RuleSet) -> list[DatedFact]:
    out = []
    for plan in rs.plans:
        for carrier in rs.carriers:
            rules = rs.rules_for(plan, carrier)
            starts = [r.effective_from for r in rules]
            for i, rule in enumerate(rules):
                out.append(
                    DatedFact(
                        kind="routing",
                        id=rule.id,
                        effective_from=rule.effective_from,
                        until=_closed_by_next(starts, i),
                        subject=f"{plan} → {carrier}",
                        value=_outcome_words(rule.outcome),
                        plans=[plan],
                        carriers=[carrier],
                        variants=[
                            f"when {_when(v.when)}: {_outcome_words(v.outcome)}"
                            for v in rule.variants
                        ],
                        note=_words(rule.note),
                        sources=source_refs(rs, rule.sources),
                    )
                )
    return out


def _price_facts(rs: RuleSet) -> list[DatedFact]:
    book = rs.prices.data
    out = []
    for item in book.items:
        starts = [p.effective_from for p in item.periods]
        for i, period in enumerate(item.periods):
            amount = "no amount known" if period.amount is None else fmt_jpy(period.amount)
            out.append(
                DatedFact(
                    kind="price",
                    id=f"price.{item.name}.{period.effective_from.isoformat()}",
                    effective_from=period.effective_from,
                    until=_closed_by_next(starts, i),
                    subject=f"price {item.name}",
                    value=f"{amount} per {item.charged_per or 'message_part'} (excl. tax)",
                    basis=period.basis,
                    note=_words(period.note),
                    sources=source_refs(rs, period.sources),
                )
            )
    starts = [r.effective_from for r in book.tax_rates]
    for i, rate in enumerate(book.tax_rates):
        out.append(
            DatedFact(
                kind="tax",
                id=f"tax.{rate.effective_from.isoformat()}",
                effective_from=rate.effective_from,
                until=_closed_by_next(starts, i),
                subject="consumption tax",
                value=f"{rate.percent}%",
                basis=rate.basis,
                note=_words(rate.note),
                sources=source_refs(rs, rate.sources),
            )
        )
    return out


def _api_facts(rs: RuleSet) -> list[DatedFact]:
    by_role = {p.flag_role: [p.id] for p in rs.plans.values() if p.flag_role is not None}
    flagged = [p.id for p in rs.plans.values() if p.flag_role is not None]
    by_role[rs.roles.registered_sender] = flagged
    out = []
    for param in rs.api.parameters:
        out.append(
            DatedFact(
                kind="api_parameter",
                id=f"parameter.{param.name}",
                effective_from=param.accepted_from,
                until=param.accepted_until,
                subject=f"parameter {param.name}",
                value=f"`{param.name}` accepted ({param.role})",
                plans=by_role.get(param.role),
                variants=[
                    f"when {_when(v.when)}: accepted "
                    f"{v.accepted_from or param.accepted_from} to {v.accepted_until or 'now'}"
                    for v in param.variants
                ],
                note=_words(param.note),
                sources=source_refs(rs, param.sources),
            )
        )
    for constraint in rs.api.constraints:
        out.append(
            DatedFact(
                kind="api_constraint",
                id=f"constraint.{constraint.id}",
                effective_from=constraint.effective_from,
                subject=f"request rule {constraint.id}",
                value=_words(constraint.says) or "",
                documented_from=constraint.documented_from,
                note=_words(constraint.note),
                sources=source_refs(rs, constraint.sources),
            )
        )
    return out


def _segmentation_facts(rs: RuleSet) -> list[DatedFact]:
    data = rs.segmentation.data
    names = {p.id: p.name for p in data.profiles}
    out = []
    for i, a in enumerate(data.assignments):
        later = [b.effective_from for b in data.assignments[i + 1 :] if set(b.plans) & set(a.plans)]
        out.append(
            DatedFact(
                kind="segmentation",
                id=f"segmentation.{a.id}",
                effective_from=a.effective_from,
                until=min(later) - ONE_DAY if later else None,
                subject=f"message parts {', '.join(a.plans)}",
                value=f"{a.profile}: {names.get(a.profile, a.profile)}",
                plans=list(a.plans),
                variants=[f"when {_when(v.when)}: {v.profile}" for v in a.variants],
                note=_words(a.note),
                sources=source_refs(rs, a.sources),
            )
        )
    return out


def _sender_facts(rs: RuleSet) -> list[DatedFact]:
    ids = rs.sender_ids
    flagged = [p.id for p in rs.plans.values() if p.flag_role is not None]
    out = []
    for check in ids.checks():
        versions = ids.versions(check)
        starts = [r.effective_from for r in versions]
        for i, rule in enumerate(versions):
            out.append(
                DatedFact(
                    kind="sender_id",
                    id=rule.id,
                    effective_from=rule.effective_from,
                    until=_closed_by_next(starts, i),
                    subject=f"{rule.role} {check}",
                    value=f"{rule.action} ({rule.code}): {_words(rule.says)}",
                    basis=rule.action,
                    plans=flagged if rule.role == "registered_sender" else None,
                    carriers=list(rule.carriers) or None,
                    variants=[f"when {_when(v.when)}: {v.action}" for v in rule.variants],
                    documented_from=rule.documented_from,
                    note=_words(rule.note),
                    sources=source_refs(rs, rule.sources),
                )
            )
    reg = ids.data.registration
    starts = [x.effective_from for x in reg.lead_times]
    for i, lead in enumerate(reg.lead_times):
        out.append(
            DatedFact(
                kind="registration",
                id=lead.id,
                effective_from=lead.effective_from,
                until=_closed_by_next(starts, i),
                subject="sender-ID registration lead time",
                value=f"{lead.days} days",
                plans=flagged,
                note=_words(lead.note),
                sources=source_refs(rs, lead.sources),
            )
        )
    for freeze in reg.freezes:
        out.append(
            DatedFact(
                kind="registration",
                id=freeze.id,
                effective_from=freeze.effective_from,
                until=freeze.until,
                subject="sender-ID registration freeze",
                value=_words(freeze.says) or "",
                plans=flagged,
                sources=source_refs(rs, freeze.sources),
            )
        )
    starts = [x.effective_from for x in reg.eligibility]
    for i, who in enumerate(reg.eligibility):
        out.append(
            DatedFact(
                kind="registration",
                id=who.id,
                effective_from=who.effective_from,
                until=_closed_by_next(starts, i),
                subject="who may register",
                value=f"{who.who}: {_words(who.says)}",
                plans=flagged,
                note=_words(who.note),
                sources=source_refs(rs, who.sources),
            )
        )
    return out


FACT_SOURCES: tuple[Callable[[RuleSet], list[DatedFact]], ...] = (
    _routing_facts,
    _price_facts,
    _api_facts,
    _segmentation_facts,
    _sender_facts,
)
"""Every rule file's dated facts; each function reads one kind of file."""


def all_facts(rs: RuleSet) -> list[DatedFact]:
    """Every dated fact of the rule files, in date order (then kind and id)."""
    facts = [fact for source in FACT_SOURCES for fact in source(rs)]
    return sorted(facts, key=lambda f: (f.effective_from, f.kind, f.id))


def _concerns(values: Iterable[str] | None, wanted: str | None) -> bool:
    return wanted is None or values is None or wanted in values


def rules_history(
    rs: RuleSet, *, plan: str | None = None, carrier: str | None = None
) -> RulesHistory:
    """The history `kpsim rules history` prints: facts of every kind, or those that concern a
    plan or carrier (facts about every plan or carrier stay)."""
    rs.plan_ids([plan] if plan is not None else [])
    rs.carrier_ids([carrier] if carrier is not None else [])
    facts = [
        f for f in all_facts(rs) if _concerns(f.plans, plan) and _concerns(f.carriers, carrier)
    ]
    return RulesHistory(
        plan=plan, carrier=carrier, versions=routing_versions(rs, plan, carrier), facts=facts
    )


def facts_in_force(
    rs: RuleSet, day: dt.date, *, kinds: Iterable[str] | None = None
) -> list[DatedFact]:
    """The facts in force on `day` (started, not ended), of the given kinds (default: all but
    routing, which `rules show` lists per plan × carrier)."""
    wanted = set(kinds) if kinds is not None else set(get_args(FactKind)) - {"routing"}
    return [
        f
        for f in all_facts(rs)
        if f.kind in wanted and f.effective_from <= day and (f.until is None or day <= f.until)
    ]
