"""Which request parameters the Xoxzo SMS API accepted on a date, and what a plan's request needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from simulator.errors import RulesError
from simulator.rules.dating import first_match, started, within
from simulator.rules.ruleset import RuleSet
from simulator.rules.schema import ApiEndpoint, ApiParameter


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
    ruleset: RuleSet,
    plan: str,
    on: dt.date,
    settings: Mapping[str, str],
    given: Mapping[str, str | None] | None = None,
) -> dict[str, object]:
    """The flag and sender parameters a request for `plan` uses on `on`, the rules it obeys and
    the HTTP request itself with the values `given` (keyed by role, see `given_values`)."""
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
        "flag": {name: _literal(ruleset, name) for name in flags[:1]},
        "flag_names_accepted": flags,
        "sender_param": accepted_names(ruleset, roles.user_sender, on, settings)[:1],
        "kp_sender_params_accepted": kp_senders,
        "kp_sender_param": kp_senders[0] if kp_senders else None,
        "exclusive_with": exclusive_with,
        "rules": rules,
        "request": plan_request(ruleset, plan, on, settings, given or {}),
    }
    return request


def plan_request(
    ruleset: RuleSet,
    plan: str,
    on: dt.date,
    settings: Mapping[str, str],
    given: Mapping[str, str | None],
) -> dict[str, object]:
    """The send request of `plan` on `on`: method, URL, content type, form fields in order, the
    roles without a value, and the form body once every value is known."""
    endpoint = send_endpoint(ruleset)
    fields = form_fields(ruleset, plan, on, settings, given)
    missing = [role for _, role, value in fields if value is None]
    return {
        "method": endpoint.method,
        "url": endpoint.url,
        "content_type": endpoint.content_type,
        "auth": endpoint.auth,
        "fields": [{"name": n, "role": r, "value": v} for n, r, v in fields],
        "missing": missing,
        "body": None if missing else form_body([(n, v or "") for n, _, v in fields]),
        "sources": list(endpoint.sources),
    }


def _literal(ruleset: RuleSet, name: str) -> str:
    """The value a parameter is always sent with (`value` in api.yaml; a flag's `true`)."""
    return next(p.value or "" for p in ruleset.api.parameters if p.name == name)


def _plan_roles(ruleset: RuleSet, plan: str) -> list[str]:
    """The roles of the send endpoint a request for `plan` carries, in form order: the other
    plans' flags are left out, and so is the registered sender without a flag."""
    endpoint = send_endpoint(ruleset)
    flag_role = ruleset.plans[plan].flag_role
    other_flags = {p.flag_role for p in ruleset.plans.values()} - {flag_role, None}
    with_flag = {ruleset.roles.registered_sender, *ruleset.roles.required_with_flag}
    return [
        role
        for role in endpoint.form_roles
        if role not in other_flags and (flag_role is not None or role not in with_flag)
    ]


def send_endpoint(ruleset: RuleSet) -> ApiEndpoint:
    """The endpoint requests are built for (purpose `send` in api.yaml)."""
    endpoint = ruleset.api.endpoint("send")
    if endpoint is None:
        raise RulesError(
            f"{ruleset.files['api']}: no endpoint with purpose send",
            hint="add it under `endpoints` in api.yaml",
            code="no_send_endpoint",
        )
    return endpoint


def form_fields(
    ruleset: RuleSet,
    plan: str,
    on: dt.date,
    settings: Mapping[str, str],
    given: Mapping[str, str | None],
) -> list[tuple[str, str, str | None]]:
    """(name, role, value) of each form field a request for `plan` posts on `on`, in form
    order: the newest accepted name per role, a parameter's literal `value` (a flag's `true`)
    or the value given for its role (None when not given). `given` is keyed by role."""
    fields = []
    for role in _plan_roles(ruleset, plan):
        names = accepted_names(ruleset, role, on, settings)
        if not names:
            continue
        literal = _literal(ruleset, names[0]) or None
        fields.append((names[0], role, literal if literal is not None else given.get(role)))
    return fields


def given_values(
    ruleset: RuleSet,
    *,
    message: str | None,
    recipient: str | None,
    sender: str | None,
    kp_sender: str | None,
) -> dict[str, str | None]:
    """The values a user gave, keyed by the api.yaml role they fill."""
    roles = ruleset.roles
    return {
        roles.message: message,
        roles.recipient: recipient,
        roles.user_sender: sender,
        roles.registered_sender: kp_sender,
    }


def form_body(fields: list[tuple[str, str]]) -> str:
    """The application/x-www-form-urlencoded body of (name, value) pairs, UTF-8, in order
    (as `requests` and `urllib` encode a form: spaces as `+`)."""
    return urlencode(fields, encoding="utf-8")
