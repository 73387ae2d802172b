"""The Python API called the way a notebook user calls it: natural values work, wrong types are
one-line usage errors, signatures and docstrings are real, frames hold exact money."""

from __future__ import annotations

import datetime as dt
import doctest
import inspect
import re
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

import simulator
import simulator.api
import simulator.result.frames
from simulator.errors import UsageError

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "datasets" / "sample_recipients.csv"
AS_OF = dt.date(2026, 12, 1)
MESSAGE = "Your code is 1234"
API = ["forecast", "check", "diff", "explain", "fit_message", "message"]


@pytest.fixture(scope="module")
def small_list() -> pl.DataFrame:
    return pl.read_csv(SAMPLE, infer_schema=False).head(200)


@pytest.mark.parametrize("name", API)
def test_each_api_function_has_a_real_signature_and_an_example(name: str) -> None:
    function = getattr(simulator, name)
    params = inspect.signature(function).parameters
    assert not any(
        p.kind in (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)
        for p in params.values()
    )
    assert ">>> " in (function.__doc__ or "")


def test_forecast_signature_names_the_issue_parameters() -> None:
    params = inspect.signature(simulator.forecast).parameters
    for name in ("source", "message", "as_of", "plans", "sender", "kp_sender", "prices", "assume"):
        assert name in params
    assert params["message"].kind is inspect.Parameter.KEYWORD_ONLY


def test_dir_and_all_list_the_api() -> None:
    for name in [*API, "Forecast", "ForecastResult", "UsageError"]:
        assert name in simulator.__all__
        assert name in dir(simulator)
        assert getattr(simulator, name) is not None


def test_the_package_ships_py_typed() -> None:
    assert (ROOT / "simulator" / "py.typed").is_file()


@pytest.mark.parametrize(
    "module", [simulator.api, simulator.result.frames], ids=lambda m: m.__name__
)
def test_the_docstring_examples_run(module: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    failed, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert failed == 0
    if module is simulator.api:
        assert attempted >= len(API)


def test_a_comma_string_of_plans_is_two_plans(small_list: pl.DataFrame) -> None:
    result = simulator.forecast(small_list, message=MESSAGE, as_of=AS_OF, plans="lite,full")
    assert list(result.summary.plans) == ["lite", "full"]


def test_plans_and_carriers_take_the_aliases_the_cli_takes(small_list: pl.DataFrame) -> None:
    result = simulator.forecast(small_list, message=MESSAGE, as_of=AS_OF, plans="Lite,jp_kp")
    assert list(result.summary.plans) == ["lite", "full"]
    explained = simulator.explain(
        "090-1234-5678", plan="jp_kpl", carrier="ソフトバンク", as_of=AS_OF
    )
    assert (explained.plan, explained.carrier) == ("lite", "softbank")


def test_an_unknown_plan_is_a_usage_error_with_its_code(small_list: pl.DataFrame) -> None:
    with pytest.raises(simulator.UsageError) as raised:
        simulator.forecast(small_list, message=MESSAGE, as_of=AS_OF, plans="premium")
    assert raised.value.code == "unknown_plan"


def test_a_datetime_counts_as_its_date(small_list: pl.DataFrame) -> None:
    result = simulator.forecast(
        small_list.lazy(), message=MESSAGE, as_of=dt.datetime(2026, 12, 1, 15, 30), plans=["full"]
    )
    assert result.summary.as_of == AS_OF


@pytest.mark.parametrize("amount", [9, 9.5, Decimal("9.5"), "9.5"], ids=type)
def test_prices_accept_int_float_decimal_and_str(small_list: pl.DataFrame, amount: object) -> None:
    result = simulator.forecast(
        small_list, message=MESSAGE, as_of=AS_OF, plans="full", prices={"k_premium": amount}
    )
    assert result.summary.prices.items["k_premium"].amount_jpy == Decimal(str(amount))


WRONG = {
    "plans as a number": {"plans": 3},
    "prices as a float not in a mapping": {"prices": 9.5},
    "a price of None": {"prices": {"k_premium": None}},
    "a price of True": {"prices": {"k_premium": True}},
    "assumptions as a list": {"assume": ["a=b"]},
    "an assumption value that is a number": {"assume": {"a": 1}},
    "sender_ids as a float": {"sender_ids": 1.5},
    "period_days as a string": {"period_days": "30"},
    "as_of with slashes": {"as_of": "2027/01/15"},
    "as_of as a number": {"as_of": 20270115},
    "sender as a number": {"sender": 12345},
    "dedupe as a string": {"dedupe": "yes"},
    "message as bytes": {"message": b"hi"},
}


@pytest.mark.parametrize("wrong", WRONG.values(), ids=WRONG.keys())
def test_a_wrongly_typed_forecast_argument_is_a_one_line_usage_error(
    small_list: pl.DataFrame, wrong: dict[str, object]
) -> None:
    args: dict[str, object] = {"message": MESSAGE, "as_of": AS_OF, **wrong}
    with pytest.raises(UsageError) as caught:
        simulator.forecast(small_list, **args)  # type: ignore[arg-type]
    assert caught.value.code in ("wrong_type", "not_a_date")
    assert "\n" not in str(caught.value)


def test_a_source_that_is_not_a_path_or_frame_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as caught:
        simulator.forecast([1, 2], message=MESSAGE, as_of=AS_OF)  # type: ignore[arg-type]
    assert caught.value.code == "wrong_type"


def test_sender_ids_of_one_and_a_half_prices_no_fees() -> None:
    with pytest.raises(UsageError):
        simulator.forecast(SAMPLE, message=MESSAGE, as_of=AS_OF, sender_ids=1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("call", "wrong"),
    [
        ("check", {"as_of": "2027/01/15"}),
        ("check", {"assume": ["a=b"]}),
        ("diff", {"from_date": dt.time(1)}),
        ("diff", {"plans": 1}),
        ("explain", {"as_of": "15.01.2027"}),
        ("explain", {"assume": ["a=b"]}),
        ("fit_message", {"plans": {"full"}}),
        ("fit_message", {"as_of": 2027}),
    ],
)
def test_every_api_function_turns_wrong_types_into_usage_errors(
    small_list: pl.DataFrame, call: str, wrong: dict[str, object]
) -> None:
    defaults: dict[str, tuple[tuple[object, ...], dict[str, object]]] = {
        "check": ((small_list,), {"as_of": AS_OF}),
        "diff": ((small_list,), {"from_date": "2025-01-01", "to_date": AS_OF}),
        "explain": (("09012345678",), {"plan": "full", "as_of": AS_OF, "carrier": "docomo"}),
        "fit_message": ((MESSAGE,), {"as_of": AS_OF}),
    }
    args, kwargs = defaults[call]
    with pytest.raises(UsageError) as caught:
        getattr(simulator, call)(*args, **{**kwargs, **wrong})
    assert caught.value.code in ("wrong_type", "not_a_date")


def test_check_accounts_for_every_row(small_list: pl.DataFrame) -> None:
    summary = simulator.check(small_list, as_of=AS_OF)
    assert summary.rows_in == 200 == summary.ok + summary.rejected


def test_explain_fills_in_the_sender_values_given() -> None:
    e = simulator.explain(
        "090-1234-5678", plan="full", as_of=AS_OF, carrier="docomo", kp_sender="MYBRAND"
    )
    assert e.sender_display.shown == "MYBRAND"


def test_fit_message_says_a_long_message_is_too_long_for_lite() -> None:
    info = simulator.fit_message("x" * 300, as_of=AS_OF, plans="lite,standard")
    assert info.by_plan["lite"].too_long
    assert not info.by_plan["standard"].too_long


def test_message_counts_a_template_over_a_list_as_the_forecast_does(
    small_list: pl.DataFrame,
) -> None:
    template = "{name}様、" + "こんにちは" * 12
    counted = simulator.message(template, as_of=AS_OF, plans="lite", list=small_list)
    fit = simulator.forecast(small_list, message=template, as_of=AS_OF, plans="lite").summary
    plan, forecast_fit = counted.plans["lite"], fit.plans["lite"].fit
    assert forecast_fit is not None
    assert (plan.sends, plan.recipients_fit, plan.recipients) == (
        forecast_fit.sends,
        forecast_fit.recipients_fit,
        forecast_fit.recipients_checked,
    )


def test_simulator_message_is_the_function_and_the_subpackage_still_imports() -> None:
    from simulator.message import count_parts

    assert callable(simulator.message) and callable(count_parts)
    assert simulator.message("hi", as_of=AS_OF, plans="full").plans["full"].parts == (1, 1)


def test_comparison_is_plan_by_metric_in_integer_sen(small_list: pl.DataFrame) -> None:
    forecast = simulator.forecast(small_list, message=MESSAGE, as_of=AS_OF).summary
    table = forecast.comparison()
    assert table["plan"].to_list() == list(forecast.plans)
    assert table.schema["total_excl_tax_sen"] == pl.Int64
    full = table.row(by_predicate=pl.col("plan") == "full", named=True)
    expected = forecast.plans["full"].total_jpy_excl_tax
    assert expected is not None
    assert full["total_excl_tax_sen"] == int(expected * 100)


def test_by_carrier_costs_add_up_to_the_plan_cost(small_list: pl.DataFrame) -> None:
    forecast = simulator.forecast(small_list, message=MESSAGE, as_of=AS_OF).summary
    rows = forecast.by_carrier()
    assert set(rows["carrier"]) <= set(forecast.carriers) | {"docomo", "au", "softbank", "rakuten"}
    for plan, p in forecast.plans.items():
        if p.sendable and p.cost_jpy_excl_tax is not None:
            total = rows.filter(pl.col("plan") == plan)["cost_excl_tax_sen"].sum()
            assert total == int(p.cost_jpy_excl_tax * 100)


def test_the_readme_python_section_names_every_api_function() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python", 1)[1].split("\n## ", 1)[0]
    for name in API:
        assert f"simulator.{name}(" in section
        assert name in (simulator.__doc__ or "")


def readme_python_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("## Python", 1)[1].split("\n## ", 1)[0]


def is_function(value: object) -> bool:
    """A public function: a plain function, or `simulator.message` (a callable entry that also
    stands for the `simulator/message/` subpackage)."""
    return callable(value) and not inspect.isclass(value)


def test_the_readme_python_section_and_help_name_the_same_functions() -> None:
    """Every public function is in the README's Python section and in help(simulator), and
    every `simulator.NAME(` the section shows is a public function."""
    public = {name for name in simulator.__all__ if is_function(getattr(simulator, name))}
    shown = set(re.findall(r"simulator\.(\w+)\(", readme_python_section()))
    assert shown == public
    assert public <= set(re.findall(r"``(\w+)\(", simulator.__doc__ or ""))


def test_the_readme_python_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = readme_python_section().split("```python\n")[1:]
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block.split("```", 1)[0], "README.md", "exec"), namespace)
    assert isinstance(namespace["s"], simulator.Forecast)
    assert len(blocks) == 2


def test_an_unknown_keyword_is_a_usage_error_naming_it() -> None:
    with pytest.raises(UsageError) as caught:
        simulator.forecast(SAMPLE, message=MESSAGE, as_of=AS_OF, plan="lite")  # type: ignore[call-arg]
    assert caught.value.code == "unknown_option"
    assert "plan" in str(caught.value)


def test_a_missing_message_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as caught:
        simulator.forecast(SAMPLE, as_of=AS_OF)  # type: ignore[call-arg]
    assert caught.value.code == "wrong_call"
