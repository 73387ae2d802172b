"""Charts that compare plans by their true size."""

from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg
from report_support import sample_forecast

from simulator.report.charts import expected_range


def test_the_expected_range_chart_starts_its_axis_at_zero() -> None:
    (ax,) = expected_range(sample_forecast()).axes
    low, high = ax.get_ylim()
    assert low == 0 and high > 20_000


def test_the_expected_range_legend_sits_below_the_axes_and_covers_no_plan() -> None:
    figure = expected_range(sample_forecast())
    (ax,) = figure.axes
    renderer = FigureCanvasAgg(figure).get_renderer()
    legend = ax.get_legend()
    assert legend is not None
    assert legend.get_window_extent(renderer).y1 < ax.get_window_extent(renderer).y0
