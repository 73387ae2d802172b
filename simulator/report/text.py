"""Terminal rendering of a forecast summary: one comparison table, rejects and warnings."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from simulator.pricing.money import fmt_jpy

BASIS_NOTE = {
    "exact": "",
    "upper_bound": " (upper bound)",
    "user": " (your price)",
    "unknown": " (price unknown)",
}


def sender_text(display: dict[str, Any] | None) -> str:
    if not display:
        return "–"
    if display["kind"] == "registered":
        return "registered ID"
    if display["kind"] == "fixed":
        return f"fixed {display['value']}" if display.get("value") else "fixed (value unknown)"
    return "your sender*"


def comparison_table(summary: dict[str, Any]) -> Table:
    """Plans as columns; the figures a campaign owner compares, then what each carrier sees."""
    plans: dict[str, dict[str, Any]] = summary["plans"]
    table = Table(
        title=f"Forecast for {summary['as_of']} — {summary['rows_in']:,} rows in, "
        f"{summary['rows_in'] - summary['rows_rejected']:,} sendable",
        title_justify="left",
    )
    table.add_column("")
    for name in plans:
        table.add_column(name, justify="right")

    def row(label: str, fn: Any) -> None:
        table.add_row(label, *(fn(p) if p["sendable"] else "–" for p in plans.values()))

    table.add_row(
        "sendable",
        *("yes" if p["sendable"] else f"no: {p['reason']}" for p in plans.values()),
    )
    row("recipients sent", lambda p: f"{p['recipients']:,}")
    row("message parts", lambda p: f"{p['parts']:,}")
    row(
        "per recipient excl. tax",
        lambda p: fmt_jpy(p.get("cost_per_recipient_jpy_excl_tax")),
    )
    row(
        "charges excl. tax",
        lambda p: fmt_jpy(p["cost_jpy_excl_tax"]) + BASIS_NOTE.get(p["price_basis"], ""),
    )
    row("charges incl. tax", lambda p: fmt_jpy(p["cost_jpy_incl_tax"]))
    row("sender-ID fees", lambda p: fmt_jpy(p["fixed_fees_jpy"]))
    row("total excl. tax", lambda p: fmt_jpy(p["total_jpy_excl_tax"]))
    row("total incl. tax", lambda p: fmt_jpy(p["total_jpy_incl_tax"]))
    row(
        "expected (MNP)",
        lambda p: (
            fmt_jpy(p["expected_cost_jpy_excl_tax"])
            + ("" if p.get("carrier_dependent") else " (fixed)")
        ),
    )
    row(
        "95% range (MNP)",
        lambda p: (
            "–"
            if p["interval_95_jpy_excl_tax"] is None
            else f"{fmt_jpy(p['interval_95_jpy_excl_tax'][0])} – "
            f"{fmt_jpy(p['interval_95_jpy_excl_tax'][1])}"
        ),
    )
    carriers: list[str] = summary.get("carriers", [])
    for carrier in carriers:

        def sees(p: dict[str, Any], c: str = carrier) -> str:
            info = p["by_carrier"].get(c)
            if info is None:
                return "–"
            route = "direct" if info["route"] == "direct" else "standard route"
            return f"{sender_text(info['sender_display'])}, {route}"

        row(f"{carrier} sees", sees)
    table.caption = (
        "* your `sender` value, display not guaranteed. MNP: range from number portability "
        "where the carrier comes from the number's allocation."
    )
    return table


def rejects_table(summary: dict[str, Any]) -> Table | None:
    rejects: dict[str, int] = summary.get("rejects_by_reason", {})
    if not rejects:
        return None
    table = Table(title="Rows not sent", title_justify="left")
    table.add_column("reason")
    table.add_column("rows", justify="right")
    table.add_column("examples (masked)")
    examples: dict[str, list[str]] = summary.get("reject_examples", {})
    for reason, count in sorted(rejects.items(), key=lambda kv: -kv[1]):
        shown = [e for e in examples.get(reason, []) if e]
        table.add_row(reason, f"{count:,}", ", ".join(shown) or "–")
    return table


def render_forecast(summary: dict[str, Any]) -> Group:
    parts: list[Any] = [comparison_table(summary)]
    rejects = rejects_table(summary)
    if rejects is not None:
        parts.append(rejects)
    if summary.get("assumptions"):
        changed = summary.get("assumptions_changed") or {}
        label = "assumptions in force: " + (
            ", ".join(f"{k}={v}" for k, v in changed.items()) if changed else "all defaults"
        )
        parts.append(Text(label + " (kpsim rules show lists them; change with --assume)"))
    for warning in summary.get("warnings", []):
        parts.append(Text(f"warning: {warning}", style="yellow"))
    return Group(*parts)


def print_forecast(summary: dict[str, Any], console: Console) -> None:
    console.print(render_forecast(summary))
