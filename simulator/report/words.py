"""Words every report surface shares, in the language in force: codes, plan limits and
reasons, reject meanings, warnings by code."""

from __future__ import annotations

import re
from collections.abc import Callable

from simulator.i18n import current, has, t
from simulator.pricing.money import fmt_jpy
from simulator.result.forecast import Forecast, PlanResult
from simulator.rules.reasons import describe

Say = Callable[[re.Match[str]], str]
"""How a matched piece of English is said in the language in force."""


def words(code: str | None) -> str:
    """A code (`sender_id_per_30_days`) in words for a reader: the catalogue's `word.<code>`
    in the language in force, else the code with spaces."""
    if code is None:
        return "–"
    if current() != "en" and has(f"word.{code}"):
        return t(f"word.{code}")
    return code.replace("_", " ")


LIMIT_PARTS: list[tuple[re.Pattern[str], Say]] = [
    (
        re.compile(r"(^|; )(\w+): "),
        lambda m: (
            (t("report.html.limit_sep") if m[1] else "")
            + words(m[2])
            + t("report.html.limit_colon")
        ),
    ),
    (re.compile(r"(\d+) in one part"), lambda m: t("report.html.limit_single", n=m[1])),
    (re.compile(r", no splitting"), lambda m: t("report.html.limit_no_split")),
    (re.compile(r", then (\d+) per part"), lambda m: t("report.html.limit_per_part", n=m[1])),
    (re.compile(r", at most (\d+) parts"), lambda m: t("report.html.limit_max_parts", n=m[1])),
    (re.compile(r", at most (\d+)"), lambda m: t("report.html.limit_max_units", n=m[1])),
]
"""The wording of `describe_limits` (simulator.message.profiles), piece by piece."""


def limit_words(limit: str) -> str:
    """A plan's limit (`non_ascii: 70 in one part, no splitting`) in the language in force;
    wording kpsim does not know stays as it is."""
    if current() == "en":
        return words(limit)
    out = limit
    for pattern, say in LIMIT_PARTS:
        out = pattern.sub(say, out)
    return out


PLAN_REASONS: list[tuple[re.Pattern[str], Say]] = [
    (re.compile(r"^plan starts (\S+)$"), lambda m: t("report.plan_starts", date=m[1])),
    (
        re.compile(r"^message too long \((\d+) characters; (.*)\)$"),
        lambda m: t("report.message_too_long", n=m[1], limit=limit_words(m[2])),
    ),
]
"""The wording of why a plan cannot send (simulator.engine.rates), in the language in force."""


def plan_reason(reason: str | None) -> str:
    """Why a plan cannot send, in the language in force; wording kpsim does not know stays."""
    if reason is None:
        return "–"
    if current() != "en":
        for pattern, say in PLAN_REASONS:
            if match := pattern.match(reason):
                return say(match)
    return reason


def reason_meaning(summary: Forecast, reason: str) -> str:
    """A reject reason's meaning in the language in force (the summary's English otherwise)."""
    meaning = describe(reason, current())
    return summary.reject_meanings.get(reason, meaning) if meaning == reason else meaning


def warning_texts(summary: Forecast) -> list[str]:
    """Each warning in the language in force: by its code and fields where the catalogue has
    it (`warning.<code>`), else its English text (and for documents without codes)."""
    if current() == "en" or len(summary.notices) != len(summary.warnings):
        return list(summary.warnings)
    return [localised(n.code, n.fields, n.text) for n in summary.notices]


def localised(code: str, fields: dict[str, str], english: str) -> str:
    """One warning in the language in force, by its code (`warning.<code>`), else `english`."""
    if current() == "en":
        return english
    shown = dict(fields)
    if "reason" in shown:
        shown["reason"] = plan_reason(shown["reason"])
    return t(f"warning.{code}", current(), **shown) if has(f"warning.{code}") else english


def range_driver_texts(plan: PlanResult) -> list[str]:
    """What drives a plan's range, one line per driver, in the language in force."""
    out = []
    for d in plan.range_drivers:
        fields = {**d.fields, **({"price": words(d.price)} if d.price else {})}
        key = f"range_driver.{d.code}"
        out.append(t(key, current(), **fields) if has(key) else d.text)
    return out


def range_text(plan: PlanResult) -> str:
    """A plan's range as `¥low – ¥high` (– when unknown)."""
    span = plan.range_jpy_excl_tax
    return "–" if span is None else f"{fmt_jpy(span[0])} – {fmt_jpy(span[1])}"
