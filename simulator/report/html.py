"""A self-contained `report.html` rendered from the typed `Forecast` with Jinja2 templates.

Every user-supplied string (file name, message, sender values, examples) goes through Jinja2's
autoescaping; charts are embedded as data URIs, the stylesheet inline: no external resource.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from simulator.i18n import current, t
from simulator.pricing.money import fmt_jpy
from simulator.report.fit_words import fit_words, lengths_words
from simulator.report.words import (
    limit_words,
    plan_reason,
    range_driver_texts,
    reason_meaning,
    warning_texts,
    words,
)
from simulator.result.fee_words import fee_arithmetic
from simulator.result.forecast import Forecast, PlanResult
from simulator.result.shared import FIXED, REGISTERED, USER

TEMPLATE = "report.html.j2"


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    data_uri: str


def data_uri(path: Path, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def yen(amount: Decimal | int | float | None) -> str:
    """`¥12,345` / `¥12,345.50`; `unknown` when the price is not known."""
    return fmt_jpy(amount)


def signed_yen(amount: Decimal | None) -> str:
    if amount is None:
        return "–"
    return ("+" if amount > 0 else "") + fmt_jpy(amount)


def count(n: int | None) -> str:
    return "–" if n is None else f"{n:,}"


def code(text: str) -> Markup:
    return Markup("<code>{}</code>").format(text)


def tm(key: str, /, **fields: object) -> Markup:
    """A catalogue text as HTML: the text escaped, Markup fields (`code(...)`) kept as HTML."""
    return Markup(escape(t(key))).format(**fields)


def all_in_per_message(plan: PlanResult) -> str:
    """Total excl. tax including fixed fees, per recipient sent (one message each)."""
    if not plan.recipients:
        return "–"
    if plan.total_jpy_excl_tax is None:
        return fmt_jpy(None)
    return fmt_jpy(round(plan.total_jpy_excl_tax / plan.recipients, 2))


def cheapest(summary: Forecast) -> str | None:
    """The sendable plan with the lowest known total excl. tax (the first on a tie)."""
    known = [
        (p.total_jpy_excl_tax, name)
        for name, p in summary.plans.items()
        if p.sendable and p.recipients and p.total_jpy_excl_tax is not None
    ]
    return min(known, key=lambda t: t[0])[1] if known else None


def difference(summary: Forecast, plan: PlanResult) -> Decimal | None:
    """A plan's total excl. tax minus the cheapest plan's."""
    best = cheapest(summary)
    if best is None or not plan.sendable or plan.total_jpy_excl_tax is None:
        return None
    base = summary.plans[best].total_jpy_excl_tax
    assert base is not None
    return plan.total_jpy_excl_tax - base


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("simulator.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        yen=yen, signed_yen=signed_yen, count=count, words=words, limit_words=limit_words
    )
    env.globals.update(
        SENDER_KINDS=SENDER_KINDS,
        all_in_per_message=all_in_per_message,
        difference=difference,
        fit_words=fit_words,
        fee_arithmetic=fee_arithmetic,
        lengths_words=lengths_words,
        t=t,
        tm=tm,
        code=code,
        reason_meaning=reason_meaning,
        plan_reason=plan_reason,
        warning_texts=warning_texts,
        range_driver_texts=range_driver_texts,
    )
    return env


SENDER_KINDS = {
    REGISTERED: "report.html.kind_registered",
    FIXED: "report.html.kind_fixed",
    USER: "report.html.kind_user",
}
"""What recipients see, by sender kind, under the value itself (catalogue keys)."""

CHART_TITLES = {
    "cost_by_plan_and_carrier": "report.html.chart_cost_by_plan_and_carrier",
    "lite_vs_full": "report.html.chart_lite_vs_full",
    "expected_range": "report.html.chart_expected_range",
}
"""The alt text of each chart (catalogue keys)."""


def render_html(summary: Forecast, charts: dict[str, Path]) -> str:
    """One HTML page with no external resources (stylesheet inline, images as data URIs)."""
    embedded = [
        Chart(
            name=path.stem,
            title=t(CHART_TITLES[path.stem]) if path.stem in CHART_TITLES else words(path.stem),
            data_uri=data_uri(path),
        )
        for path in charts.values()
    ]
    return (
        environment()
        .get_template(TEMPLATE)
        .render(
            s=summary,
            lang=current(),
            charts=embedded,
            cheapest=cheapest(summary),
            any_too_long=any(p.not_priced.get("too_long") for p in summary.plans.values()),
        )
    )
