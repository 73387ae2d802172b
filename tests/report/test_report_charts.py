"""Charts that compare plans by their true size."""

from __future__ import annotations

from report_support import sample_forecast

from simulator.report.charts import expected_range


def test_the_expected_range_chart_starts_its_axis_at_zero() -> None:
    (ax,) = expected_range(sample_forecast()).axes
    low, high = ax.get_ylim()
    assert low == 0 and high > 20_000
