"""Which request parameters the Xoxzo SMS API accepted on a date, and what a plan's request needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from simulator.rules.dating import first_match, started, within
from simulator.rules.ruleset import RuleSet
from simulator.rules.schema import ApiParameter


@dataclass(frozen=True)
class AcceptedWindow:
    name: str
    role: str
    accepted_from: dt.date
    accepted_until: dt.date | None


def accepted_window(param: ApiParameter, settings: Mapping[str, str]) -> AcceptedWindow:
    """The days a parameter name was accepted, after assumption variants."""
    start, until = param.accepted_from, param.accepted_until
    chosen = first_match(param.variants, settings)
    if chosen is not None:
        start = chosen[1].accepted_from or start
        until = chosen[1].accepted_until or until
    return AcceptedWindow(param.name, param.role, start, until)


def accepted_names(
    ruleset: RuleSet, role: str, on: dt.date, settings: Mapping[str, str]
) -> list[str]:
    """Names for `role` the API accepted on `on`, newest first."""
    windows = [accepted_window(p, settings) for p in ruleset.api.parameters if p.role == role]
    live = [w for w in windows if within(on, w.accepted_from, w.accepted_until)]
    return [w.name for w in sorted(live, key=lambda w: w.accepted_from, reverse=True)]


def api_request(
    ruleset: RuleSet, plan: str, on: dt.date, settings: Mapping[str, str]
) -> dict[str, object]:
    """The flag and sender parameters a request for `plan` uses on `on`, and the rules it obeys."""
    flag_role = ruleset.plans[plan].flag_role
    flags = accepted_names(ruleset, flag_role, on, settings) if flag_role else []
    roles = ruleset.roles
    kp_senders = accepted_names(ruleset, roles.registered_sender, on, settings) if flag_role else []
    rules: list[dict[str, object]] = []
    in_effect = started(ruleset.api.constraints, on)
    for c in in_effect:
        if c.kind == "mutually_exclusive" and flag_role not in c.roles:
            continue
        if c.with_roles and flag_role not in c.with_roles:
            continue
        extrapolated = c.documented_from is not None and on < c.documented_from
        rules.append(
            {"id": c.id, "says": c.says, "sources": list(c.sources), "extrapolated": extrapolated}
        )
    exclusive_with = [
        name
        for c in in_effect
        if c.kind == "mutually_exclusive" and flag_role in c.roles
        for role in c.roles
        if role != flag_role
        for name in accepted_names(ruleset, role, on, settings)
    ]
    request: dict[str, object] = {
        "flag": {name: "true" for name in flags[:1]},
        "flag_names_accepted": flags,
        "sender_param": accepted_names(ruleset, roles.user_sender, on, settings)[:1],
        "kp_sender_params_accepted": kp_senders,
        "kp_sender_param": kp_senders[0] if kp_senders else None,
        "exclusive_with": exclusive_with,
        "rules": rules,
    }
    return request
