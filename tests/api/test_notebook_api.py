"""What the notebooks need from `import simulator` beyond one forecast — yen, masking, charts,
outputs, sweeps, break-evens, the rule history, the portability spread — called the way a
notebook calls it: real signatures, examples, exact answers, wrong types as usage errors."""

from __future__ import annotations

import datetime as dt
import inspect
from fractions import Fraction
from pathlib import Path

import polars as pl
import pytest
from matplotlib.figure import Figure

import simulator
from simulator.errors import UsageError

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "datasets" / "sample_recipients.csv"
AS_OF = dt.date(2026, 12, 1)
MESSAGE = "Your code is 1234"
NOTEBOOK_API = [
    "breakeven_plans",
    "breakeven_share",
    "breakeven_volume",
    "charts",
    "describe_sender",
    "font_families",
    "format_yen",
    "history",
    "in_yen",
    "mask_numbers",
    "mix",
    "sweep",
    "uncertainty",
    "write_outputs",
]
HALF_AND_HALF = {"docomo": 0.5, "softbank": 0.5}


@pytest.fixture(scope="module")
def fc() -> simulator.ForecastResult:
    small = pl.read_csv(SAMPLE, infer_schema=False).head(300)
    return simulator.forecast(small, message=MESSAGE, as_of=AS_OF)


@pytest.mark.parametrize("name", NOTEBOOK_API)
def test_each_notebook_function_is_public_with_a_real_signature_and_an_example(name: str) -> None:
    function = getattr(simulator, name)
    assert name in simulator.__all__ and name in dir(simulator)
    params = inspect.signature(function).parameters
    assert not any(
        p.kind in (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)
        for p in params.values()
    )
    assert all(p.annotation is not inspect.Parameter.empty for p in params.values())
    assert ">>> " in (function.__doc__ or "")


@pytest.mark.parametrize(
    ("amount", "shown"),
    [(12345, "¥12,345"), (7.5, "¥7.50"), (-3, "-¥3"), (None, "unknown")],
)
def test_format_yen_shows_sen_only_when_there_are_any(amount: object, shown: str) -> None:
    assert simulator.format_yen(amount) == shown  # type: ignore[arg-type]


def test_numpy_numbers_are_numbers() -> None:
    import numpy as np

    assert simulator.format_yen(np.float64(3.5)) == "¥3.50"
    assert simulator.format_yen(np.int64(12)) == "¥12"


def test_in_yen_turns_every_sen_column_into_exact_yen(fc: simulator.ForecastResult) -> None:
    table = fc.summary.comparison()
    yen = simulator.in_yen(table)
    assert [c.removesuffix("_sen") for c in table.columns] == [
        c.removesuffix("_jpy") for c in yen.columns
    ]
    lite = yen.filter(pl.col("plan") == "lite").row(0, named=True)
    assert lite["total_excl_tax_jpy"] == fc.summary.plans["lite"].total_jpy_excl_tax


def test_mask_numbers_masks_the_named_columns_only() -> None:
    frame = pl.DataFrame({"phone": ["+819012345678"], "name": ["a"]})
    masked = simulator.mask_numbers(frame)
    assert masked.row(0) == ("090-****-5678", "a")


def test_charts_are_figures_by_name(fc: simulator.ForecastResult) -> None:
    figures = simulator.charts(fc)
    assert set(figures) == {"cost_by_plan_and_carrier", "lite_vs_full", "expected_range"}
    assert all(isinstance(f, Figure) for f in figures.values())
    assert simulator.charts(fc.summary).keys() == figures.keys()


def test_font_families_put_the_bundled_japanese_font_with_dejavu() -> None:
    assert "DejaVu Sans" in simulator.font_families()
    assert len(simulator.font_families()) == 2


def test_write_outputs_writes_the_forecast_files(
    fc: simulator.ForecastResult, tmp_path: Path
) -> None:
    written = simulator.write_outputs(fc, tmp_path)
    assert {"recipients", "summary"} <= set(written)
    assert all(p.parent == tmp_path and p.is_file() for p in written.values())


def test_mix_of_a_forecast_sums_to_one(fc: simulator.ForecastResult) -> None:
    assert sum(simulator.mix(fc).carrier_shares().values()) == 1


def test_sweep_over_volumes_gives_one_row_per_volume_and_plan() -> None:
    grid = simulator.sweep(
        HALF_AND_HALF, volumes=[100, 1_000], as_of=AS_OF, message=MESSAGE, plans="lite,full"
    )
    assert grid.select("messages", "plan").rows() == [
        (100, "lite"),
        (100, "full"),
        (1_000, "lite"),
        (1_000, "full"),
    ]


def test_sweep_over_a_carrier_share_names_its_column(fc: simulator.ForecastResult) -> None:
    grid = simulator.sweep(
        fc,
        carrier_shares={"softbank": [0, 0.5]},
        volume=1_000,
        message=MESSAGE,
        as_of=AS_OF,
        plans=["lite"],
    )
    assert grid["softbank_share"].to_list() == [0.0, 0.5]


def test_breakeven_volume_meets_the_budget_exactly() -> None:
    found = simulator.breakeven_volume(
        {"docomo": 1}, plan="lite", budget_jpy=20, as_of=AS_OF, message=MESSAGE
    )
    assert found is not None
    per_message = found.fixed_fees_jpy / found.messages_exact + found.cost_per_message_jpy
    assert per_message == 20


def test_a_budget_below_the_message_charges_is_never_reached() -> None:
    assert (
        simulator.breakeven_volume(
            {"docomo": 1}, plan="lite", budget_jpy=0.01, as_of=AS_OF, message=MESSAGE
        )
        is None
    )


def test_breakeven_share_is_an_exact_share() -> None:
    share = simulator.breakeven_share(
        {"docomo": 1}, carrier="softbank", extra_jpy=1_000, volume=100_000, message="hi"
    )
    assert isinstance(share, Fraction) and 0 <= share <= 1


def test_describe_sender_says_what_recipients_see(fc: simulator.ForecastResult) -> None:
    docomo = fc.summary.plans["full"].by_carrier["docomo"].sender_display
    assert simulator.describe_sender(docomo).startswith("registered")
    assert simulator.describe_sender(None) == "–"


def test_history_lists_rule_versions_in_the_rules_order_oldest_first() -> None:
    versions = simulator.history()
    assert versions["carrier"].unique(maintain_order=True).to_list()[0] == "docomo"
    first = versions.group_by("plan", "carrier", maintain_order=True).agg(
        ordered=pl.col("effective_from").is_sorted()
    )
    assert first["ordered"].all()


def test_uncertainty_draws_fall_mostly_inside_the_interval(fc: simulator.ForecastResult) -> None:
    u = simulator.uncertainty(fc, draws=400, seed=7)
    assert u.draws is not None
    lite = u.analytic.filter(pl.col("plan") == "lite").row(0, named=True)
    costs = u.draws.filter(pl.col("plan") == "lite")["cost_sen"]
    inside = ((costs >= lite["low_sen"]) & (costs <= lite["high_sen"])).mean()
    assert isinstance(inside, float) and inside > 0.9
    assert u.sensitivity[0] <= u.porting_share <= u.sensitivity[1]
    assert simulator.uncertainty(fc).draws is None


WRONG = [
    ("format_yen", (), {"amount": "12"}),
    ("format_yen", (True,), {}),
    ("in_yen", ({"total_sen": 1},), {}),
    ("mask_numbers", ([],), {}),
    ("mask_numbers", (pl.DataFrame({"phone": ["1"]}),), {"columns": 3}),
    ("charts", ({"plans": {}},), {}),
    ("write_outputs", ("forecast.json", "out"), {}),
    ("write_outputs", (None, None), {}),
    ("mix", ("docomo",), {}),
    ("mix", ({"docomo": "half"},), {}),
    ("sweep", (HALF_AND_HALF,), {"volumes": "1000", "as_of": AS_OF, "message": MESSAGE}),
    ("sweep", (HALF_AND_HALF,), {"volumes": [1_000.5], "as_of": AS_OF, "message": MESSAGE}),
    ("sweep", (HALF_AND_HALF,), {"volumes": [1_000], "as_of": "1/12/2026", "message": MESSAGE}),
    (
        "sweep",
        (HALF_AND_HALF,),
        {"volumes": [1_000], "as_of": AS_OF, "prices": 9.5, "message": MESSAGE},
    ),
    (
        "sweep",
        (HALF_AND_HALF,),
        {"porting_shares": [0.1, "x"], "volume": 10, "as_of": AS_OF, "message": MESSAGE},
    ),
    (
        "breakeven_volume",
        (HALF_AND_HALF,),
        {"plan": "lite", "budget_jpy": [1], "as_of": AS_OF, "message": MESSAGE},
    ),
    (
        "breakeven_plans",
        (HALF_AND_HALF,),
        {"plan": 1, "other": "standard", "as_of": AS_OF, "message": MESSAGE},
    ),
    (
        "breakeven_share",
        (HALF_AND_HALF,),
        {"carrier": "softbank", "extra_jpy": 1, "volume": 1.5, "message": MESSAGE},
    ),
    ("describe_sender", ("registered",), {}),
    ("history", (), {"assume": ["a=b"]}),
    ("uncertainty", ("fc",), {}),
]


@pytest.mark.parametrize(
    ("call", "args", "kwargs"), WRONG, ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(WRONG)]
)
def test_a_wrongly_typed_argument_is_a_one_line_usage_error(
    call: str, args: tuple[object, ...], kwargs: dict[str, object]
) -> None:
    with pytest.raises(UsageError) as caught:
        getattr(simulator, call)(*args, **kwargs)
    assert caught.value.code in ("wrong_type", "not_a_date")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("name", NOTEBOOK_API)
def test_an_unknown_keyword_is_a_usage_error_naming_it(name: str) -> None:
    with pytest.raises(UsageError) as caught:
        getattr(simulator, name)(colour="red")
    assert caught.value.code == "unknown_option"
    assert "colour" in str(caught.value)


def test_a_sweep_takes_numpy_arrays_and_polars_series() -> None:
    import numpy as np

    by_array = simulator.sweep(
        HALF_AND_HALF, volumes=np.array([100, 200]), message=MESSAGE, as_of=AS_OF, plans="lite"
    )
    by_series = simulator.sweep(
        HALF_AND_HALF, volumes=pl.Series([100, 200]), message=MESSAGE, as_of=AS_OF, plans="lite"
    )
    assert by_array.equals(by_series)
    assert by_array["messages"].to_list() == [100, 200]


def test_a_sweep_with_nothing_to_vary_says_what_to_give() -> None:
    with pytest.raises(UsageError) as caught:
        simulator.sweep(HALF_AND_HALF, message=MESSAGE, volume=10)
    assert caught.value.code == "nothing_to_vary"
