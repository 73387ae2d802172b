"""Charts of a forecast summary, saved as PNG files an analyst can paste into a deck.

Built on `Figure` directly (no pyplot), so drawing them changes no global matplotlib state.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.ticker import StrMethodFormatter

from simulator import atomic
from simulator.result.forecast import Forecast, PlanResult

YEN = StrMethodFormatter("¥{x:,.0f}")


def _jpy(v: Decimal | float | None) -> float:
    return float(v or 0)


def _carrier_cost(plan: PlanResult, carrier: str) -> float:
    info = plan.by_carrier.get(carrier)
    return _jpy(info.cost_jpy_excl_tax if info is not None else None)


def _save(fig: Figure, path: Path) -> Path:
    def write(tmp: Path) -> None:
        fig.savefig(tmp, format="png", dpi=120, bbox_inches="tight")

    atomic.write_with(path, write)
    return path


def cost_by_plan_and_carrier(summary: Forecast) -> Figure:
    """Stacked bars: message charges per plan, split by the carrier recipients are on."""
    plans = summary.sendable_plans()
    fig = Figure(figsize=(7, 4.2))
    ax = fig.subplots()
    bottoms = [0.0] * len(plans)
    for carrier in summary.carriers:
        values = [_carrier_cost(summary.plans[p], carrier) for p in plans]
        ax.bar(plans, values, bottom=bottoms, label=carrier)
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    fees = [_jpy(summary.plans[p].fixed_fees_jpy) for p in plans]
    if any(fees):
        ax.bar(plans, fees, bottom=bottoms, label="sender-ID fees", hatch="//", color="lightgrey")
    ax.set_title(f"Campaign cost by plan and carrier ({summary.as_of.isoformat()}, excl. tax)")
    ax.set_ylabel("JPY (excl. tax)")
    ax.yaxis.set_major_formatter(YEN)
    if ax.get_legend_handles_labels()[0]:  # no plan sendable: nothing to name, no warning
        ax.legend(frameon=False, fontsize=8)
    return fig


def lite_vs_full(summary: Forecast) -> Figure:
    """Per carrier: how much more the last plan of the rules (full K-Premium) costs than the one
    before it (Lite), message charges excl. tax."""
    names = list(summary.plans)
    fig = Figure(figsize=(7, 4.2))
    ax = fig.subplots()
    small, big = (names[-2], names[-1]) if len(names) >= 2 else ("", "")
    if small and summary.plans[small].sendable and summary.plans[big].sendable:
        diffs = [
            _carrier_cost(summary.plans[big], c) - _carrier_cost(summary.plans[small], c)
            for c in summary.carriers
        ]
        ax.bar(summary.carriers, diffs, color="tab:purple")
        ax.axhline(0, color="black", linewidth=0.8)
    else:
        ax.text(0.5, 0.5, "two sendable plans are needed to compare", ha="center", va="center")
    ax.set_title(f"Extra cost of {big or '–'} over {small or '–'}, by carrier (excl. tax)")
    ax.set_ylabel(f"JPY ({big or '–'} − {small or '–'})")
    ax.yaxis.set_major_formatter(YEN)
    return fig


def expected_range(summary: Forecast) -> Figure:
    """Expected message charges per plan with the 95% range that number portability brings."""
    plans = summary.sendable_plans()
    fig = Figure(figsize=(7, 4.2))
    ax = fig.subplots()
    for i, p in enumerate(plans):
        info = summary.plans[p]
        mid = _jpy(info.expected_cost_jpy_excl_tax)
        lo, hi = info.interval_95_jpy_excl_tax or (mid, mid)
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
            [_jpy(info.cost_jpy_excl_tax)],
            "x",
            color="tab:red",
            label="with carriers as allocated" if i == 0 else None,
        )
    ax.set_xticks(range(len(plans)), plans)
    ax.set_ylim(0, ax.get_ylim()[1] * 1.15)  # zero-based, so plans compare by their true size
    ax.set_title("Expected message charges with 95% range (portability), excl. tax")
    ax.set_ylabel("JPY (excl. tax)")
    ax.yaxis.set_major_formatter(YEN)
    if ax.get_legend_handles_labels()[0]:  # no plan sendable: nothing to name, no warning
        ax.legend(frameon=False, fontsize=8, loc="lower right")
    return fig


CHARTS: dict[str, Callable[[Forecast], Figure]] = {
    "cost_by_plan_and_carrier.png": cost_by_plan_and_carrier,
    "lite_vs_full.png": lite_vs_full,
    "expected_range.png": expected_range,
}


def write_charts(summary: Forecast, out_dir: Path) -> dict[str, Path]:
    """Every chart as a PNG in `out_dir`, each written atomically."""
    return {name: _save(make(summary), out_dir / name) for name, make in CHARTS.items()}
