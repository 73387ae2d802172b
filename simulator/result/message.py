"""`MessageCheck`: how each plan counts one message on one day (`kpsim message --json`,
`simulator.message`): characters, encoding, parts and the plan's limit; for a template, the
range over a recipient list's rendered messages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

import polars as pl
from pydantic import Field

from simulator.analysis.run import ForecastOptions, RecipientInput, forecast
from simulator.errors import KpsimError, UsageError
from simulator.message.count import count_parts
from simulator.message.fit import longest_by_encoding
from simulator.message.profiles import Profile, load_segmentation_rules, profile_for
from simulator.message.render import fixed_text, placeholders
from simulator.result.document import Document, Model
from simulator.result.summarise import ForecastResult
from simulator.rules.assumptions import resolve_settings
from simulator.rules.ruleset import RuleSet, load_ruleset


class MessagePlanCheck(Model):
    """One plan's count of the message: encodings, length and parts (ranges over the list for a
    template), whether it fits and, when not, how many characters to cut."""

    available: bool
    """False before the plan exists (then only `reason` is given)."""
    reason: str | None = None
    limit: str | None = None
    """The plan's limits in words, per encoding."""
    longest_allowed: dict[str, int] = Field(default_factory=dict)
    """Per encoding: the most units one message may have."""
    encodings: list[str] = Field(default_factory=list)
    """The encodings the (rendered) messages use, sorted."""
    characters: tuple[int, int] | None = None
    """Shortest and longest (rendered) message in the plan's units (None for a template
    without a list)."""
    parts: tuple[int, int] | None = None
    """Fewest and most parts of the messages that fit (None when none fits or not counted)."""
    too_long: bool = False
    """Whether any (rendered) message is too long for the plan."""
    cut_characters: int | None = None
    """Units to cut from the longest too-long message so that it fits."""
    sends: Literal["all", "partly", "none"] | None = None
    """With a list: whether every recipient's message fits, some do, or none."""
    recipients: int | None = None
    """With a list: recipients whose message was rendered (the list's valid rows)."""
    recipients_fit: int | None = None


class MessageCheck(Document):
    """A message counted under each plan on one day."""

    as_of: dt.date
    text: str
    characters: int
    """Characters (Unicode code points) of `text` as given."""
    templated: bool
    placeholders: list[str] = Field(default_factory=list)
    """The `{column}` names the template reads, sorted."""
    list_file: str | None = None
    """The list the template was rendered over (None without a list)."""
    plans: dict[str, MessagePlanCheck] = Field(default_factory=dict)


def _profile(rs: RuleSet, plan: str, day: dt.date, settings: Mapping[str, str]) -> Profile:
    return profile_for(load_segmentation_rules(rs.directory), plan, day, settings)


def _fixed(profile: Profile, text: str) -> MessagePlanCheck:
    counted = count_parts(text, profile)
    longest = longest_by_encoding(profile)
    return MessagePlanCheck(
        available=True,
        limit=profile.describe_limit(),
        longest_allowed=longest,
        encodings=[counted.encoding],
        characters=(counted.units, counted.units),
        parts=None if counted.parts is None else (counted.parts, counted.parts),
        too_long=counted.too_long,
        cut_characters=counted.units - longest[counted.encoding] if counted.too_long else None,
    )


def _span(frame: pl.DataFrame, low: str, high: str) -> tuple[int, int] | None:
    a, b = frame[low].min(), frame[high].max()
    return None if a is None or b is None else (int(str(a)), int(str(b)))


def _over_list(profile: Profile, run: ForecastResult, plan: str) -> MessagePlanCheck:
    """A plan's count over the list's rendered messages (the forecast's lengths and fit)."""
    fit = run.summary.plans[plan].fit
    assert fit is not None
    lengths = run.lengths.filter(pl.col("plan") == plan)
    if run.templated:
        encodings = sorted(str(e) for e in lengths["encoding"].drop_nulls().unique())
        parts = _span(lengths.filter(pl.col("plan_status") != "too_long"), "parts_min", "parts_max")
    else:
        fixed = _fixed(profile, fixed_text(run.options.message) or "")
        encodings, parts = fixed.encodings, fixed.parts if fit.sends != "none" else None
    return MessagePlanCheck(
        available=True,
        limit=fit.limit,
        longest_allowed=fit.longest_allowed,
        encodings=encodings,
        characters=fit.units_range,
        parts=parts,
        too_long=fit.sends != "all",
        cut_characters=fit.cut_characters,
        sends=fit.sends,
        recipients=fit.recipients_checked,
        recipients_fit=fit.recipients_fit,
    )


def message_check(
    rs: RuleSet,
    text: str,
    *,
    as_of: dt.date,
    plans: Sequence[str],
    settings: Mapping[str, str],
    run: ForecastResult | None = None,
) -> MessageCheck:
    """`text` counted under each of `plans` on `as_of`; with `run` (the message forecast on a
    list), over the list's rendered messages."""
    fixed = fixed_text(text)
    by_plan: dict[str, MessagePlanCheck] = {}
    for plan in plans:
        available = rs.plans[plan].available_from
        if as_of < available:
            reason = f"plan starts {available.isoformat()}"
            by_plan[plan] = MessagePlanCheck(available=False, reason=reason)
            continue
        try:
            profile = _profile(rs, plan, as_of, settings)
        except KpsimError as err:  # no part rules that day
            by_plan[plan] = MessagePlanCheck(available=False, reason=str(err))
            continue
        if run is not None:
            by_plan[plan] = _over_list(profile, run, plan)
        elif fixed is not None:
            by_plan[plan] = _fixed(profile, fixed)
        else:
            by_plan[plan] = MessagePlanCheck(
                available=True,
                limit=profile.describe_limit(),
                longest_allowed=longest_by_encoding(profile),
            )
    return MessageCheck(
        as_of=as_of,
        text=text,
        characters=len(text),
        templated=fixed is None,
        placeholders=sorted(set(placeholders(text))) if fixed is None else [],
        list_file=None if run is None else run.options.input_name,
        plans=by_plan,
    )


def count_message(
    text: str,
    *,
    as_of: dt.date,
    plans: Sequence[str] | None = None,
    source: RecipientInput | None = None,
    assume: Mapping[str, str] | None = None,
    phone_column: str | None = None,
    sheet: str | None = None,
    rules_dir: Path | None = None,
) -> MessageCheck:
    """`kpsim message` and `simulator.message`: `text` counted under each plan on `as_of`, over
    the recipients of `source` when given (the message forecast on it, so the counts are the
    forecast's)."""
    if not text:
        raise UsageError(
            "the message is empty",
            hint="give the text, or a file that holds it",
            code="empty_message",
        )
    rs = load_ruleset(rules_dir)
    settings = resolve_settings(rs, assume)
    chosen = rs.plan_ids(plans)
    run = None
    if source is not None:
        options = ForecastOptions(
            message=text,
            as_of=as_of,
            plans=chosen,
            assume=dict(assume or {}),
            phone_column=phone_column,
            sheet=sheet,
            rules_dir=rules_dir,
        )
        run = ForecastResult.of(forecast(source, options))
    return message_check(rs, text, as_of=as_of, plans=chosen, settings=settings, run=run)
