"""Terminal rendering of a `Forecast`: one comparison table, rejects and warnings."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from simulator.i18n import t
from simulator.pricing.money import fmt_jpy
from simulator.report.fit_words import fit_words, lengths_words
from simulator.report.words import (
    plan_reason,
    range_driver_texts,
    range_text,
    reason_meaning,
    warning_texts,
)
from simulator.result.fee_words import fee_arithmetic
from simulator.result.forecast import Forecast, PlanResult
from simulator.result.shared import FIXED, REGISTERED, SenderDisplay

BASIS_NOTE = {
    "upper_bound": "report.text.basis_upper_bound",
    "user": "report.text.basis_user",
    "unknown": "report.text.basis_unknown",
}
"""Catalogue keys of the note after a charge whose price is not exact."""


def basis_note(basis: str | None) -> str:
    key = BASIS_NOTE.get(basis or "")
    return t(key) if key else ""


def sender_text(display: SenderDisplay | None) -> str:
    """The sender a carrier's recipients see, in a table cell."""
    if display is None:
        return "–"
    if display.kind == REGISTERED:
        label = t("report.text.sender_registered")
        text = f"{label} {display.shown}" if display.shown else label
        return text if display.guaranteed else t("facts.text.not_guaranteed", sender=text)
    if display.kind == FIXED:
        label = t("report.text.sender_fixed")
        return (
            f"{label} {display.value}" if display.value else t("report.text.sender_fixed_unknown")
        )
    label = t("report.text.sender_yours")
    return f"{label} {display.shown}" if display.shown else label


def sendable_text(plan: PlanResult) -> str:
    """Whether the plan sends: all / partly (N of M) / none with what to cut, or why not."""
    if plan.fit is not None and (plan.sendable or plan.fit.sends == "none"):
        return fit_words(plan.fit)
    if plan.sendable:
        return t("report.yes")
    return t("report.no_because", reason=plan_reason(plan.reason))


def comparison_table(summary: Forecast) -> Table:
    """Plans as columns; the figures a campaign owner compares, then what each carrier sees."""
    plans = summary.plans
    table = Table(
        title=t(
            "report.text.title",
            date=summary.as_of.isoformat(),
            rows_in=f"{summary.rows_in:,}",
            sendable=f"{summary.rows_in - summary.rows_rejected:,}",
        ),
        title_justify="left",
    )
    table.add_column("")
    for name in plans:
        table.add_column(name, justify="right")

    def row(label: str, fn: Callable[[PlanResult], str]) -> None:
        table.add_row(label, *(fn(p) if p.sendable else "–" for p in plans.values()))

    table.add_row(t("report.text.sendable"), *(sendable_text(p) for p in plans.values()))
    table.add_row(t("fit.lengths"), *(lengths_words(p.fit) for p in plans.values()))
    row(t("report.text.recipients_sent"), lambda p: f"{p.recipients:,}")
    row(t("report.text.message_parts"), lambda p: f"{p.parts:,}")
    row(t("report.text.per_recipient"), lambda p: fmt_jpy(p.cost_per_recipient_jpy_excl_tax))
    row(
        t("report.text.charges_excl_tax"),
        lambda p: fmt_jpy(p.cost_jpy_excl_tax) + basis_note(p.price_basis),
    )
    row(t("report.text.charges_incl_tax"), lambda p: fmt_jpy(p.cost_jpy_incl_tax))
    row(t("report.text.fees"), lambda p: fmt_jpy(p.fixed_fees_jpy))
    row(t("report.text.total_excl_tax"), lambda p: fmt_jpy(p.total_jpy_excl_tax))
    row(t("report.text.total_incl_tax"), lambda p: fmt_jpy(p.total_jpy_incl_tax))
    row(
        t("report.text.expected"),
        lambda p: (
            fmt_jpy(p.expected_cost_jpy_excl_tax)
            + ("" if p.carrier_dependent else t("report.text.fixed_note"))
        ),
    )
    row(
        t("report.text.range_95"),
        lambda p: (
            "–"
            if p.interval_95_jpy_excl_tax is None
            else f"{fmt_jpy(p.interval_95_jpy_excl_tax[0])} – "
            f"{fmt_jpy(p.interval_95_jpy_excl_tax[1])}"
        ),
    )
    row(t("range.label"), range_text)
    for carrier in summary.carriers:

        def sees(p: PlanResult, c: str = carrier) -> str:
            info = p.by_carrier.get(c)
            if info is None:
                return "–"
            route = t("report.route_direct" if info.route == "direct" else "report.route_standard")
            return t("report.text.sees_cell", sender=sender_text(info.sender_display), route=route)

        row(t("report.text.carrier_sees", carrier=carrier), sees)
    table.caption = t("report.text.caption")
    return table


def rejects_table(summary: Forecast) -> Table | None:
    if not summary.rejects_by_reason:
        return None
    table = Table(title=t("report.text.rejects_title"), title_justify="left")
    table.add_column(t("report.reason"))
    table.add_column(t("report.rows"), justify="right")
    table.add_column(t("report.meaning"), overflow="fold")
    table.add_column(t("report.examples_masked"))
    for reason, count in sorted(summary.rejects_by_reason.items(), key=lambda kv: (-kv[1], kv[0])):
        shown = [e for e in summary.reject_examples.get(reason, []) if e]
        table.add_row(
            reason, f"{count:,}", reason_meaning(summary, reason), ", ".join(shown) or "–"
        )
    return table


def range_driver_lines(summary: Forecast) -> list[Text]:
    """Per sendable plan, what drives its range (one line per driver)."""
    out = []
    for name, plan in summary.plans.items():
        drivers = range_driver_texts(plan) if plan.sendable else []
        if drivers:
            out.append(Text(f"{t('range.drivers')} ({name}):"))
            out.extend(Text(f"  - {d}") for d in drivers)
    return out


def render_forecast(summary: Forecast) -> Group:
    parts: list[RenderableType] = [comparison_table(summary)]
    source = summary.input
    if source.phone_column is not None:
        parts.append(
            Text(
                t(
                    "report.text.numbers_from",
                    file=source.file or t("report.text.the_list"),
                    column=source.phone_column,
                )
                + (
                    t("report.text.carriers_from", column=source.carrier_column)
                    if source.carrier_column
                    else ""
                )
            )
        )
    for name, plan in summary.plans.items():
        if not plan.sendable:
            continue
        for line in plan.fee_lines:
            parts.append(
                Text(
                    t(
                        "fee.text_line",
                        plan=name,
                        fee=t("report.text.fees"),
                        arithmetic=fee_arithmetic(line),
                    )
                )
            )
    parts.extend(range_driver_lines(summary))
    rejects = rejects_table(summary)
    if rejects is not None:
        parts.append(rejects)
    if summary.assumptions:
        changed = summary.assumptions_changed
        values = (
            ", ".join(f"{k}={v}" for k, v in changed.items())
            if changed
            else t("report.text.all_defaults")
        )
        parts.append(Text(t("report.text.assumptions", values=values)))
    lookup = summary.carrier_lookup
    if lookup is not None:
        parts.append(Text(t("domain.forecast.lookup", numbers=lookup.numbers,
                            cost=fmt_jpy(lookup.cost_jpy_excl_tax),
                            unit=fmt_jpy(lookup.price_per_lookup_jpy_excl_tax))))  # fmt: skip
    for warning in warning_texts(summary):
        parts.append(Text(t("report.text.warning", text=warning), style="yellow"))
    return Group(*parts)


def print_forecast(summary: Forecast, console: Console) -> None:
    console.print(render_forecast(summary))
