"""Charts of a forecast summary, saved as PNG files an analyst can paste into a deck.

Built on `Figure` directly (no pyplot), so drawing them changes no global matplotlib state.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import StrMethodFormatter

from simulator import atomic

YEN = StrMethodFormatter("¥{x:,.0f}")


def _jpy(v: Any) -> float:
    return float(v or 0)


def _save(fig: Figure, path: Path) -> Path:
    def write(tmp: Path) -> None:
        fig.savefig(tmp, format="png", dpi=120, bbox_inches="tight")

    atomic.write_with(path, write)
    return path


def cost_by_plan_and_carrier(summary: dict[str, Any]) -> Figure:
    """Stacked bars: message charges per plan, split by the carrier recipients are on."""
    plans = [p for p, v in summary["plans"].items() if v["sendable"]]
    carriers: list[str] = summary.get("carriers", [])
    fig = Figure(figsize=(7, 4.2))
    ax = fig.subplots()
    bottoms = [0.0] * len(plans)
    for carrier in carriers:
        values = [
            _jpy(summary["plans"][p]["by_carrier"].get(carrier, {}).get("cost_jpy_excl_tax"))
            for p in plans
        ]
        ax.bar(plans, values, bottom=bottoms, label=carrier)
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    fees = [_jpy(summary["plans"][p]["fixed_fees_jpy"]) for p in plans]
    if any(fees):
        ax.bar(plans, fees, bottom=bottoms, label="sender-ID fees", hatch="//", color="lightgrey")
    ax.set_title(f"Campaign cost by plan and carrier ({summary['as_of']}, excl. tax)")
    ax.set_ylabel("JPY (excl. tax)")
    ax.yaxis.set_major_formatter(YEN)
    ax.legend(frameon=False, fontsize=8)
    return fig


def lite_vs_full(summary: dict[str, Any]) -> Figure:
    """Per carrier: how much more full K-Premium costs than Lite (message charges, excl. tax)."""
    plans = summary["plans"]
    carriers: list[str] = summary.get("carriers", [])
    fig = Figure(figsize=(7, 4.2))
    ax = fig.subplots()
    if plans.get("lite", {}).get("sendable") and plans.get("full", {}).get("sendable"):
        diffs = [
            _jpy(plans["full"]["by_carrier"].get(c, {}).get("cost_jpy_excl_tax"))
            - _jpy(plans["lite"]["by_carrier"].get(c, {}).get("cost_jpy_excl_tax"))
            for c in carriers
        ]
        ax.bar(carriers, diffs, color="tab:purple")
        ax.axhline(0, color="black", linewidth=0.8)
    else:
        ax.text(0.5, 0.5, "Lite or full is not sendable on this date", ha="center", va="center")
    ax.set_title("Extra cost of full K-Premium over Lite, by carrier (excl. tax)")
    ax.set_ylabel("JPY (full − Lite)")
    ax.yaxis.set_major_formatter(YEN)
    return fig


def expected_range(summary: dict[str, Any]) -> Figure:
    """Expected message charges per plan with the 95% range that number portability brings."""
    plans = [p for p, v in summary["plans"].items() if v["sendable"]]
    fig = Figure(figsize=(7, 4.2))
    ax = fig.subplots()
    for i, p in enumerate(plans):
        info = summary["plans"][p]
        mid = _jpy(info["expected_cost_jpy_excl_tax"])
        lo, hi = (info["interval_95_jpy_excl_tax"] or [mid, mid])[:2]
        ax.errorbar(
            [i],
            [mid],
            yerr=[[mid - _jpy(lo)], [_jpy(hi) - mid]],
            fmt="o",
            capsize=8,
            color="tab:blue",
            label="expected, 95% range" if i == 0 else None,
        )
        ax.plot(
            [i],
            [_jpy(info["cost_jpy_excl_tax"])],
            "x",
            color="tab:red",
            label="with carriers as allocated" if i == 0 else None,
        )
    ax.set_xticks(range(len(plans)), plans)
    ax.set_title("Expected message charges with 95% range (portability), excl. tax")
    ax.set_ylabel("JPY (excl. tax)")
    ax.yaxis.set_major_formatter(YEN)
    ax.legend(frameon=False, fontsize=8)
    return fig


CHARTS: dict[str, Callable[[dict[str, Any]], Figure]] = {
    "cost_by_plan_and_carrier.png": cost_by_plan_and_carrier,
    "lite_vs_full.png": lite_vs_full,
    "expected_range.png": expected_range,
}


def write_charts(summary: dict[str, Any], out_dir: Path) -> dict[str, Path]:
    """Every chart as a PNG in `out_dir`, each written atomically."""
    return {name: _save(make(summary), out_dir / name) for name, make in CHARTS.items()}
