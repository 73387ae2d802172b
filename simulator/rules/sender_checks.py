"""Apply `sender_ids.yaml` to the sender values of a run: which sender-ID rules a value breaks
on a day (warned or refused), and what the registration logistics say about that day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from simulator.errors import UsageError
from simulator.i18n import t
from simulator.rules.dating import first_match, in_force, within
from simulator.rules.sender_ids import Action, Eligibility, SenderIds, SenderRole, SenderRule

ROLE_KIND: dict[SenderRole, str] = {"user_sender": "user", "registered_sender": "registered"}
"""The sender display kind (routing `outcome.sender.kind`) that shows each role's value."""
ROLE_OPTION: dict[SenderRole, str] = {"user_sender": "--sender", "registered_sender": "--kp-sender"}

Shown = tuple[str, str, str]
"""(plan, carrier, sender kind) of one plan × carrier in force."""


@dataclass(frozen=True)
class RuleInForce:
    """A sender rule's version in force on a day, with the action its variant chose."""

    rule: SenderRule
    action: Action
    variant: int | None
    extrapolated: bool
    assumptions_used: dict[str, str]


@dataclass(frozen=True)
class SenderFinding:
    """A sender value that breaks a rule in force, and the plan × carrier pairs it concerns."""

    version: RuleInForce
    role: SenderRole
    value: str
    pairs: tuple[tuple[str, str], ...]
    """Where the value is shown (plan, carrier): those recipients are not guaranteed it."""
    plans: tuple[str, ...] = ()
    """The plans whose requests carry the value."""

    @property
    def action(self) -> Action:
        return self.version.action

    @property
    def code(self) -> str:
        return self.version.rule.code

    def fields(self) -> dict[str, str]:
        """The warning's fields: the value, where it matters, the rule and what it says."""
        rule = self.version.rule
        return {
            "option": ROLE_OPTION[self.role],
            "value": self.value,
            "where": where(self.pairs) or ", ".join(self.plans),
            "limit": "" if rule.limit is None else str(rule.limit),
            "rule": rule.id,
            "says": " ".join(rule.says.split()),
        }


def where(pairs: Iterable[tuple[str, str]]) -> str:
    """`lite → softbank; standard → au, docomo` (plan → carriers, in order)."""
    by_plan: dict[str, list[str]] = {}
    for plan, carrier in pairs:
        by_plan.setdefault(plan, []).append(carrier)
    return "; ".join(f"{plan} → {', '.join(carriers)}" for plan, carriers in by_plan.items())


def rules_in_force(ids: SenderIds, on: dt.date, settings: Mapping[str, str]) -> list[RuleInForce]:
    """Per check, the version in force on `on` with its action under the settings."""
    out = []
    for check in ids.checks():
        rule = in_force(ids.versions(check), on)
        if rule is None:
            continue
        match = first_match(rule.variants, settings)
        used = {name: settings[name] for v in rule.variants for name in v.when if name in settings}
        out.append(
            RuleInForce(
                rule=rule,
                action=rule.action if match is None else match[1].action,
                variant=None if match is None else match[0],
                extrapolated=rule.documented_from is not None and on < rule.documented_from,
                assumptions_used=used,
            )
        )
    return out


def breaks(ids: SenderIds, rule: SenderRule, value: str) -> bool:
    """True when `value` meets every condition of the rule's test."""
    test = rule.test
    length = len(value.removeprefix("+"))
    return (
        (not test.charset or ids.classify(value) in test.charset)
        and (test.longer_than is None or length > test.longer_than)
        and (test.shorter_than is None or length < test.shorter_than)
        and (not test.starts_with or any(value.startswith(p) for p in test.starts_with))
    )


def check_senders(
    ids: SenderIds,
    on: dt.date,
    settings: Mapping[str, str],
    *,
    values: Mapping[SenderRole, str | None],
    shown: Sequence[Shown],
    flagged: Iterable[str],
) -> list[SenderFinding]:
    """Every rule in force that a given sender value breaks.

    `shown` lists each plan × carrier in force with its sender kind; `flagged` the plans whose
    requests carry the registered sender. A `request` rule concerns every pair showing the
    role's value on the plans that send it; a `shown` rule only those pairs (on its carriers)."""
    flagged = set(flagged)
    sent_by = {"user_sender": {p for p, _, _ in shown}, "registered_sender": flagged}
    out = []
    for version in rules_in_force(ids, on, settings):
        rule = version.rule
        value = values.get(rule.role)
        if value is None or not breaks(ids, rule, value):
            continue
        kind = ROLE_KIND[rule.role]
        pairs = tuple(
            (plan, carrier)
            for plan, carrier, shown_kind in shown
            if shown_kind == kind and plan in sent_by[rule.role]
            and (not rule.carriers or carrier in rule.carriers)
        )  # fmt: skip
        plans = tuple(dict.fromkeys(p for p, _, _ in shown if p in sent_by[rule.role]))
        if (rule.applies == "shown" and pairs) or (rule.applies == "request" and plans):
            out.append(
                SenderFinding(
                    version=version, role=rule.role, value=value, pairs=pairs, plans=plans
                )
            )
    return out


def refuse(findings: Iterable[SenderFinding]) -> None:
    """Raise the first refused sender as a UsageError with the rule's code (exit 2)."""
    for finding in findings:
        if finding.action != "refuse":
            continue
        rule = finding.version.rule
        switches = [
            "--assume " + ",".join(f"{k}={v}" for k, v in variant.when.items())
            for variant in rule.variants
            if variant.action != "refuse"
        ]
        fields = finding.fields()
        raise UsageError(
            t("facts.sender_refused", lang="en", **fields),
            hint=t("facts.sender_refused_hint", lang="en", option=fields["option"])
            + (f", or {' or '.join(dict.fromkeys(switches))}" if switches else ""),
            code=rule.code,
        )


def unguaranteed(findings: Iterable[SenderFinding]) -> set[tuple[str, str]]:
    """The plan × carrier pairs whose sender display a warning makes not guaranteed."""
    return {pair for f in findings if f.action == "warn" for pair in f.pairs}


@dataclass(frozen=True)
class RegistrationNotice:
    """A registration fact that matters on the day asked about: a freeze, or the lead time."""

    code: str
    fields: dict[str, str]
    sources: tuple[str, ...]


def registration_notices(ids: SenderIds, on: dt.date, today: dt.date) -> list[RegistrationNotice]:
    """`on` inside a registration freeze, or less than the lead time (in force today) away."""
    reg = ids.data.registration
    out = [
        RegistrationNotice(
            "registration_freeze",
            {
                "day": on.isoformat(),
                "start": f.effective_from.isoformat(),
                "until": f.until.isoformat(),
                "registered_by": "" if f.registered_by is None else f.registered_by.isoformat(),
            },
            tuple(f.sources),
        )
        for f in reg.freezes
        if within(on, f.effective_from, f.until)
    ]
    lead = in_force(reg.lead_times, today)
    if lead is not None and today <= on < today + dt.timedelta(days=lead.days):
        ready = today + dt.timedelta(days=lead.days)
        out.append(
            RegistrationNotice(
                "registration_lead_time",
                {
                    "day": on.isoformat(),
                    "today": today.isoformat(),
                    "days": str(lead.days),
                    "ready": ready.isoformat(),
                },
                tuple(lead.sources),
            )
        )
    return out


def eligibility_on(ids: SenderIds, on: dt.date) -> Eligibility | None:
    """Who may register a K-Premium sender ID on `on` (None before any source says)."""
    return in_force(ids.data.registration.eligibility, on)
