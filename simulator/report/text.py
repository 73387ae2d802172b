"""Terminal rendering of a `Forecast`: one comparison table, rejects and warnings."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from simulator.pricing.money import fmt_jpy
from simulator.result.forecast import Forecast, PlanResult
from simulator.result.shared import FIXED, REGISTERED, SenderDisplay

BASIS_NOTE = {
    "exact": "",
    "upper_bound": " (upper bound)",
    "user": " (your price)",
    "unknown": " (price unknown)",
}


def sender_text(display: SenderDisplay | None) -> str:
    """The sender a carrier's recipients see, in a table cell."""
    if display is None:
        return "–"
    if display.kind == REGISTERED:
        return f"registered ID {display.shown}" if display.shown else "registered ID"
    if display.kind == FIXED:
        return f"fixed {display.value}" if display.value else "fixed (value unknown)"
    return f"your sender* {display.shown}" if display.shown else "your sender*"


def comparison_table(summary: Forecast) -> Table:
    """Plans as columns; the figures a campaign owner compares, then what each carrier sees."""
    plans = summary.plans
    table = Table(
        title=f"Forecast for {summary.as_of.isoformat()} — {summary.rows_in:,} rows in, "
        f"{summary.rows_in - summary.rows_rejected:,} sendable",
        title_justify="left",
    )
    table.add_column("")
    for name in plans:
        table.add_column(name, justify="right")

    def row(label: str, fn: Callable[[PlanResult], str]) -> None:
        table.add_row(label, *(fn(p) if p.sendable else "–" for p in plans.values()))

    table.add_row(
        "sendable",
        *("yes" if p.sendable else f"no: {p.reason}" for p in plans.values()),
    )
    row("recipients sent", lambda p: f"{p.recipients:,}")
    row("message parts", lambda p: f"{p.parts:,}")
    row("per recipient excl. tax", lambda p: fmt_jpy(p.cost_per_recipient_jpy_excl_tax))
    row(
        "charges excl. tax",
        lambda p: fmt_jpy(p.cost_jpy_excl_tax) + BASIS_NOTE.get(p.price_basis or "", ""),
    )
    row("charges incl. tax", lambda p: fmt_jpy(p.cost_jpy_incl_tax))
    row("sender-ID fees", lambda p: fmt_jpy(p.fixed_fees_jpy))
    row("total excl. tax", lambda p: fmt_jpy(p.total_jpy_excl_tax))
    row("total incl. tax", lambda p: fmt_jpy(p.total_jpy_incl_tax))
    row(
        "expected (MNP)",
        lambda p: (
            fmt_jpy(p.expected_cost_jpy_excl_tax) + ("" if p.carrier_dependent else " (fixed)")
        ),
    )
    row(
        "95% range (MNP)",
        lambda p: (
            "–"
            if p.interval_95_jpy_excl_tax is None
            else f"{fmt_jpy(p.interval_95_jpy_excl_tax[0])} – "
            f"{fmt_jpy(p.interval_95_jpy_excl_tax[1])}"
        ),
    )
    for carrier in summary.carriers:

        def sees(p: PlanResult, c: str = carrier) -> str:
            info = p.by_carrier.get(c)
            if info is None:
                return "–"
            route = "direct" if info.route == "direct" else "standard route"
            return f"{sender_text(info.sender_display)}, {route}"

        row(f"{carrier} sees", sees)
    table.caption = (
        "* your `sender` value, display not guaranteed. MNP: range from number portability "
        "where the carrier comes from the number's allocation."
    )
    return table


def rejects_table(summary: Forecast) -> Table | None:
    if not summary.rejects_by_reason:
        return None
    table = Table(title="Rows not sent", title_justify="left")
    table.add_column("reason")
    table.add_column("rows", justify="right")
    table.add_column("examples (masked)")
    for reason, count in sorted(summary.rejects_by_reason.items(), key=lambda kv: (-kv[1], kv[0])):
        shown = [e for e in summary.reject_examples.get(reason, []) if e]
        table.add_row(reason, f"{count:,}", ", ".join(shown) or "–")
    return table


def render_forecast(summary: Forecast) -> Group:
    parts: list[RenderableType] = [comparison_table(summary)]
    source = summary.input
    if source.phone_column is not None:
        parts.append(
            Text(
                f"{source.file or 'the list'}: numbers read from column {source.phone_column!r}"
                + (
                    f", carriers from column {source.carrier_column!r}"
                    if source.carrier_column
                    else ""
                )
            )
        )
    rejects = rejects_table(summary)
    if rejects is not None:
        parts.append(rejects)
    if summary.assumptions:
        changed = summary.assumptions_changed
        label = "assumptions in force: " + (
            ", ".join(f"{k}={v}" for k, v in changed.items()) if changed else "all defaults"
        )
        parts.append(Text(label + " (kpsim rules show lists them; change with --assume)"))
    for warning in summary.warnings:
        parts.append(Text(f"warning: {warning}", style="yellow"))
    return Group(*parts)


def print_forecast(summary: Forecast, console: Console) -> None:
    console.print(render_forecast(summary))
