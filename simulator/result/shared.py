"""Parts several documents share: the sender recipients see and the API request of a plan."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from simulator.result.document import Model

REGISTERED, FIXED, USER = "registered", "fixed", "user"
"""The sender display kinds of the rules schema (`outcome.sender.kind`)."""


def describe_sender(kind: str, value: str | None, known: bool = True) -> str:
    """What recipients see, in words."""
    if kind == REGISTERED:
        return "your registered sender ID, shown as registered"
    if kind == FIXED:
        return (
            f"fixed code {value}" if known and value else "a fixed code whose value is not public"
        )
    return "your `sender` value, display not guaranteed"


def _given(sender: str | None, kp_sender: str | None) -> dict[str, str | None]:
    """The sender value the user gave for each kind that shows one."""
    return {REGISTERED: kp_sender, USER: sender}


def sender_shown(
    kind: str, value: str | None, *, sender: str | None, kp_sender: str | None
) -> str | None:
    """The sender recipients see: the fixed code, your registered ID or your `sender` (None
    when it depends on a value not given)."""
    if kind == FIXED:
        return value
    return _given(sender, kp_sender).get(kind)


def sender_shown_expr(
    kind: pl.Expr, value: pl.Expr, *, sender: str | None, kp_sender: str | None
) -> pl.Expr:
    """`sender_shown` per row of a frame with the sender kind and value columns."""
    given = _given(sender, kp_sender)
    kinds = pl.DataFrame({"kind": list(given), "shown": list(given.values())}, schema=SHOWN)
    by_kind = kind.replace_strict(kinds["kind"], kinds["shown"], default=None, return_dtype=pl.Utf8)
    return pl.when(kind == FIXED).then(value).otherwise(by_kind)


SHOWN = {"kind": pl.Utf8, "shown": pl.Utf8}


class SenderDisplay(Model):
    """How the sender appears to recipients on one carrier."""

    kind: str
    """registered (your registered sender ID), fixed (a code of the carrier's) or user (your
    `sender` value, not guaranteed)."""
    value: str | None
    """The fixed code, when the rules know it."""
    guaranteed: bool
    shown: str | None = None
    """What recipients see: the fixed code, or the sender value you gave for this kind."""


class ApiRule(Model):
    """A request constraint in force, with its sources."""

    id: str
    says: str
    sources: list[str]
    extrapolated: bool = False
    """True before the first source that states it (`documented_from` in api.yaml)."""


class FormField(Model):
    """One form field of a send request: the parameter name, its api.yaml role and its value."""

    name: str
    role: str
    value: str | None
    """None when not given (the recipient of a forecast: one per line of requests_<plan>.jsonl)."""


class PlanRequest(Model):
    """The HTTP request of one send under a plan, as any HTTP client can post it: Basic auth
    with your SID and token, the form fields in order (flags as the string `true`)."""

    method: str
    url: str
    content_type: str
    auth: str
    fields: list[FormField]
    missing: list[str]
    """Roles without a value (give --message, --sender, --kp-sender; the recipient per line)."""
    body: str | None
    """The form body, when no value is missing."""
    sources: list[str]


class ApiRequest(Model):
    """The flag and sender parameters a request for the plan uses, the rules it obeys and the
    request itself."""

    flag: dict[str, str]
    flag_names_accepted: list[str]
    sender_param: list[str]
    kp_sender_params_accepted: list[str]
    kp_sender_param: str | None
    exclusive_with: list[str]
    rules: list[ApiRule]
    request: PlanRequest | None = None
    """The send request (None in documents written before kpsim built it)."""

    @classmethod
    def of(cls, request: Mapping[str, object]) -> ApiRequest:
        return cls.model_validate(request)
