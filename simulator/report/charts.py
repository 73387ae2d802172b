"""Charts of a forecast summary, saved as PNG files an analyst can paste into a deck.

Built on `Figure` directly (no pyplot), so drawing them changes no global matplotlib state.
Labels are in the language in force; text is drawn with the Japanese font matplotlib-fontja
ships (IPAexGothic) and DejaVu Sans, so Japanese labels, file names and plan names never show
as empty boxes, whatever fonts the machine has.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import ParamSpec, TypeVar

import matplotlib
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import StrMethodFormatter

from simulator import atomic
from simulator.i18n import current, t
from simulator.result.forecast import Forecast, PlanResult

P = ParamSpec("P")
R = TypeVar("R")
LATIN_FONT = "DejaVu Sans"
"""matplotlib's own font, for Latin text in English charts."""


@functools.cache
def japanese_font() -> str:
    """The family name of the font matplotlib-fontja ships, registered with matplotlib.

    Importing matplotlib_fontja sets the global font family; the import runs inside an
    `rc_context`, so that setting is undone and only the font's registration stays."""
    with matplotlib.rc_context():
        import matplotlib_fontja

    path = matplotlib_fontja.get_font_ttf_path()
    font_manager.fontManager.addfont(path)
    return str(font_manager.FontProperties(fname=path).get_name())


@contextlib.contextmanager
def chart_fonts() -> Iterator[list[str]]:
    """Within the block, text falls back glyph by glyph between the Japanese font and DejaVu
    Sans (Japanese first in a Japanese chart)."""
    fonts = [japanese_font(), LATIN_FONT]
    if current() != "ja":
        fonts.reverse()
    with matplotlib.rc_context({"font.family": fonts}):
        yield fonts


def with_chart_fonts(draw: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(draw)
    def drawn(*args: P.args, **kwargs: P.kwargs) -> R:
        with chart_fonts():
            return draw(*args, **kwargs)

    return drawn


YEN = StrMethodFormatter("¥{x:,.0f}")


def _jpy(v: Decimal | float | None) -> float:
    return float(v or 0)


def _carrier_cost(plan: PlanResult, carrier: str) -> float:
    info = plan.by_carrier.get(carrier)
    return _jpy(info.cost_jpy_excl_tax if info is not None else None)


def _save(fig: Figure, path: Path) -> Path:
    def write(tmp: Path) -> None:
        with chart_fonts():
            fig.savefig(tmp, format="png", dpi=120, bbox_inches="tight")

    atomic.write_with(path, write)
    return path


@with_chart_fonts
def cost_by_plan_and_carrier(summary: Forecast) -> Figure:
    """Stacked bars: message charges per plan, split by the carrier recipients are on, and the
    fees; a plan none of whose messages fit is named "sends nothing" (no fee-only bar), a plan
    some of whose messages fit says how many."""
    plans = [p for p in summary.plans if summary.plans[p].sendable or _sends_nothing(summary, p)]
    fig = Figure(figsize=(7, 4.2))
    ax = fig.subplots()
    bottoms = [0.0] * len(plans)
    for carrier in summary.carriers:
        values = [_carrier_cost(summary.plans[p], carrier) for p in plans]
        ax.bar(plans, values, bottom=bottoms, label=carrier)
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    fees = [_jpy(summary.plans[p].fixed_fees_jpy) for p in plans]
    if any(fees):
        ax.bar(plans, fees, bottom=bottoms, label=t("chart.fees"), hatch="//", color="lightgrey")
    tops = [b + f for b, f in zip(bottoms, fees, strict=True)]
    _mark_fit(ax, summary, plans, tops)
    ax.set_title(t("chart.cost_title", date=summary.as_of.isoformat()))
    ax.set_ylabel(t("chart.jpy_excl_tax"))
    ax.yaxis.set_major_formatter(YEN)
    if ax.get_legend_handles_labels()[0]:  # no plan sendable: nothing to name, no warning
        ax.legend(frameon=False, fontsize=8)
    return fig


def _sends_nothing(summary: Forecast, plan: str) -> bool:
    fit = summary.plans[plan].fit
    return fit is not None and fit.sends == "none"


def _fit_label(summary: Forecast, plan: str) -> bool:
    fit = summary.plans[plan].fit
    return fit is not None and fit.sends != "all"


def _mark_fit(ax: Axes, summary: Forecast, plans: list[str], tops: list[float]) -> None:
    """Over each bar, whether the plan's messages fit: `sends nothing`, or `N of M sent`."""
    if any(_fit_label(summary, p) for p in plans):
        ax.set_ylim(0, max([*tops, 1.0]) * 1.12)  # room for the labels under the title
    for i, plan in enumerate(plans):
        fit = summary.plans[plan].fit
        if fit is None or fit.sends == "all":
            continue
        label = (
            t("fit.sends_nothing")
            if fit.sends == "none"
            else t(
                "fit.chart_partly",
                fit=f"{fit.recipients_fit:,}",
                checked=f"{fit.recipients_checked:,}",
            )
        )
        ax.annotate(
            label,
            (i, tops[i]),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=9,
            color="tab:red" if fit.sends == "none" else "black",
        )


@with_chart_fonts
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
        ax.text(0.5, 0.5, t("chart.two_plans_needed"), ha="center", va="center")
    ax.set_title(t("chart.extra_title", big=big or "–", small=small or "–"))
    ax.set_ylabel(t("chart.jpy_difference", big=big or "–", small=small or "–"))
    ax.yaxis.set_major_formatter(YEN)
    return fig


def _total_range(ax: Axes, i: int, info: PlanResult, first: bool) -> None:
    """Plan `i`'s total (fees included) and its range over prices and portability."""
    if info.range_jpy_excl_tax is None:
        return
    lo, hi = (_jpy(v) for v in info.range_jpy_excl_tax)
    ax.bar(
        [i],
        [max(hi - lo, 0.0)],
        bottom=[lo],
        width=0.5,
        color="lightgrey",
        edgecolor="grey",
        label=t("range.label") if first else None,
    )
    ax.plot(
        [i - 0.25, i + 0.25],
        [_jpy(info.total_jpy_excl_tax)] * 2,
        color="black",
        linewidth=1.5,
        label=t("chart.total_excl_tax") if first else None,
    )
    ax.annotate(
        f"¥{lo:,.0f} – ¥{hi:,.0f}",
        (i, hi),
        textcoords="offset points",
        xytext=(0, 4),
        ha="center",
        fontsize=8,
    )


@with_chart_fonts
def expected_range(summary: Forecast) -> Figure:
    """Per plan: the total's range over the prices that are not exact and number portability
    (grey, fees included), and the expected message charges with their 95% portability range."""
    plans = summary.sendable_plans()
    fig = Figure(figsize=(7, 4.2))
    ax = fig.subplots()
    for i, p in enumerate(plans):
        info = summary.plans[p]
        _total_range(ax, i, info, first=i == 0)
        mid = _jpy(info.expected_cost_jpy_excl_tax)
        lo, hi = info.interval_95_jpy_excl_tax or (mid, mid)
        ax.errorbar(
            [i],
            [mid],
            yerr=[[mid - _jpy(lo)], [_jpy(hi) - mid]],
            fmt="o",
            capsize=8,
            color="tab:blue",
            label=t("chart.message_expected_95") if i == 0 else None,
        )
        ax.plot(
            [i],
            [_jpy(info.cost_jpy_excl_tax)],
            "x",
            color="tab:red",
            label=t("chart.as_allocated") if i == 0 else None,
        )
    ax.set_xticks(range(len(plans)), plans)
    ax.set_ylim(0, ax.get_ylim()[1] * 1.15)  # zero-based, so plans compare by their true size
    ax.set_title(t("chart.ranges_title"))
    ax.set_ylabel(t("chart.jpy_excl_tax"))
    ax.yaxis.set_major_formatter(YEN)
    if ax.get_legend_handles_labels()[0]:  # no plan sendable: nothing to name, no warning
        # below the axes: inside, it would cover the highest plan's range box
        ax.legend(
            frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2
        )
    return fig


CHARTS: dict[str, Callable[[Forecast], Figure]] = {
    "cost_by_plan_and_carrier.png": cost_by_plan_and_carrier,
    "lite_vs_full.png": lite_vs_full,
    "expected_range.png": expected_range,
}


def write_charts(summary: Forecast, out_dir: Path) -> dict[str, Path]:
    """Every chart as a PNG in `out_dir`, each written atomically."""
    return {name: _save(make(summary), out_dir / name) for name, make in CHARTS.items()}
