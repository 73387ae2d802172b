"""`diff`: who a rule change affects on one list, and by how much, exactly."""

from __future__ import annotations

import datetime as dt

from forecast_helpers import MOBILE_BY_CARRIER, recipients
from hypothesis import given
from hypothesis import strategies as st

from simulator.analysis.diff import diff_forecasts
from simulator.result.diff import DiffResult

FOUR = ["docomo", "au", "softbank", "rakuten"]


def diff(carriers: list[str], a: str, b: str, **kw: object):  # type: ignore[no-untyped-def]
    run = diff_forecasts(
        recipients(carriers),
        from_date=dt.date.fromisoformat(a),
        to_date=dt.date.fromisoformat(b),
        carrier_column="carrier",
        **kw,  # type: ignore[arg-type]
    )
    return DiffResult.of(run)


def test_no_rule_change_between_two_dates_reports_zero_changes() -> None:
    result = diff(FOUR, "2021-07-01", "2022-07-01")
    assert result.summary.recipients_changed == 0
    assert result.summary.changes_by_kind == {"route": 0, "sender": 0, "charge": 0}
    assert result.summary.cost_delta_jpy_excl_tax == 0
    assert result.summary.rule_versions == []


def test_docomo_under_full_across_v3_goes_from_fixed_to_registered_sender() -> None:
    result = diff(FOUR, "2020-02-19", "2020-02-20", plans=["full"])
    s = result.summary
    assert s.recipients_changed == 1
    assert s.changes_by_kind == {"route": 0, "sender": 1, "charge": 0}
    changed = {c: v["full"].recipients_changed for c, v in s.by_carrier.items()}
    assert changed == {"docomo": 1, "au": 0, "softbank": 0, "rakuten": 0}
    (version,) = s.rule_versions
    assert (version.from_rule, version.to_rule) == (
        "full.docomo.2019-11-27",
        "full.docomo.2020-02-20",
    )
    assert version.to_sources


def test_softbank_under_full_across_2023_05_12_changes_short_code_not_cost() -> None:
    result = diff(FOUR, "2023-05-11", "2023-05-12", plans=["full"])
    s = result.summary
    assert s.changes_by_kind == {"route": 0, "sender": 1, "charge": 0}
    assert s.by_carrier["softbank"]["full"].recipients_changed == 1
    assert s.cost_delta_jpy_excl_tax == 0
    assert "249200 → 21053" in s.examples["sender"][0]
    assert "21053" not in "".join(MOBILE_BY_CARRIER.values())


def test_comparing_two_assumption_settings_on_one_date() -> None:
    result = diff(
        FOUR,
        "2021-01-01",
        "2021-01-01",
        plans=["lite"],
        assume_b={"rakuten_under_lite": "standard"},
    )
    s = result.summary
    assert s.by_carrier["rakuten"]["lite"].charge == 1
    assert s.cost_delta_jpy_excl_tax == -1


@given(
    carriers=st.lists(st.sampled_from(FOUR), min_size=1, max_size=15),
    a=st.dates(dt.date(2017, 12, 5), dt.date(2027, 1, 1)),
    b=st.dates(dt.date(2017, 12, 5), dt.date(2027, 1, 1)),
)
def test_cost_delta_equals_forecast_to_minus_forecast_from(
    carriers: list[str], a: dt.date, b: dt.date
) -> None:
    a, b = min(a, b), max(a, b)
    result = diff(carriers, a.isoformat(), b.isoformat())
    s = result.summary
    expected = sum(
        result.after.summary.plans[p].cost_jpy_excl_tax
        - result.before.summary.plans[p].cost_jpy_excl_tax
        for p in s.plans
    )
    assert s.cost_delta_jpy_excl_tax == expected
    assert 0 <= s.recipients_changed <= len(carriers)
    for plan in s.by_plan.values():
        assert plan.recipients_changed <= len(carriers)
