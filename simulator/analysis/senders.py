"""The sender values of a forecast against `sender_ids.yaml`: refuse what the API refuses, mark
warned senders as not guaranteed, and word the warnings (with the registration logistics)."""

from __future__ import annotations

import polars as pl

from simulator.clock import today_in_japan
from simulator.engine.context import RuleContext
from simulator.rules.sender_checks import (
    check_senders,
    refuse,
    registration_notices,
    unguaranteed,
)

CodedWarning = tuple[str, dict[str, str]]
"""A warning as its code (`warning.<code>` in the catalogue) and its fields."""


def flagged_plans(ctx: RuleContext) -> list[str]:
    """The plans asked for that exist on the day and send a K-Premium flag (and sender ID)."""
    return [
        p
        for p in ctx.plans
        if ctx.ruleset.plans[p].flag_role is not None
        and ctx.ruleset.plans[p].available_from <= ctx.as_of
    ]


def check_sender_values(
    ctx: RuleContext, *, sender: str | None, kp_sender: str | None
) -> tuple[pl.DataFrame, list[CodedWarning]]:
    """The rules in force with `sender_guaranteed` false where a warned sender is shown, and
    the warnings; a refused sender raises a UsageError (exit 2)."""
    rs = ctx.ruleset
    in_force = ctx.rules_in_force.filter(
        pl.col("plan").is_in(ctx.plans) & pl.col("sender_kind").is_not_null()
    )
    shown = list(in_force.select("plan", "carrier", "sender_kind").iter_rows())
    flagged = flagged_plans(ctx)
    findings = check_senders(
        rs.sender_ids,
        ctx.as_of,
        ctx.settings,
        values={"user_sender": sender, "registered_sender": kp_sender},
        shown=shown,
        flagged=flagged,
    )
    refuse(findings)
    warnings = [(f.code, f.fields()) for f in findings if f.action == "warn"]
    if flagged:
        warnings += [
            (n.code, n.fields)
            for n in registration_notices(rs.sender_ids, ctx.as_of, today_in_japan())
        ]
    keys = sorted(f"{plan}\x1f{carrier}" for plan, carrier in unguaranteed(findings))
    rules = ctx.rules_in_force
    if keys:
        warned = pl.concat_str("plan", pl.lit("\x1f"), "carrier").is_in(keys)
        rules = rules.with_columns(pl.col("sender_guaranteed") & ~warned)
    return rules, warnings
