"""`kpsim forecast` from the command line: text, JSON, output files and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from cli_runner import run_process

CSV = """電話番号,name,carrier
090-1234-0001,Sato,docomo
080-1111-0002,Suzuki,au
080-4000-0003,Takahashi,softbank
070-8312-0004,Tanaka,rakuten
03-1234-5678,Office,au
"""


kpsim = run_process


@pytest.fixture
def recipients_csv(tmp_path: Path) -> Path:
    path = tmp_path / "list.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_forecast_prints_a_comparison_of_the_three_plans(recipients_csv: Path) -> None:
    done = kpsim(
        "forecast",
        recipients_csv,
        "--message",
        "Hello",
        "--as-of",
        "2021-01-01",
        "--carrier-column",
        "carrier",
    )
    assert done.returncode == 0, done.stderr
    for word in ("standard", "lite", "full", "¥40", "¥43", "¥44", "softbank sees"):
        assert word in done.stdout


def test_forecast_json_has_the_documented_keys(recipients_csv: Path) -> None:
    done = kpsim(
        "forecast",
        recipients_csv,
        "--message",
        "Hello",
        "--as-of",
        "2021-01-01",
        "--carrier-column",
        "carrier",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    for key in (
        "as_of",
        "rows_in",
        "rows_rejected",
        "rejects_by_reason",
        "assumptions",
        "warnings",
        "plans",
    ):
        assert key in out
    lite = out["plans"]["lite"]
    for key in (
        "sendable",
        "recipients",
        "parts",
        "cost_jpy_excl_tax",
        "cost_jpy_incl_tax",
        "fixed_fees_jpy",
        "price_basis",
        "total_jpy_excl_tax",
        "total_jpy_incl_tax",
        "expected_cost_jpy_excl_tax",
        "interval_95_jpy_excl_tax",
        "by_carrier",
    ):
        assert key in lite
    assert set(lite["by_carrier"]["softbank"]) >= {
        "recipients",
        "parts",
        "route",
        "sender_display",
        "charge_class",
        "cost_jpy_excl_tax",
    }
    assert out["rows_in"] == 5 and out["rows_rejected"] == 1
    assert lite["cost_jpy_excl_tax"] == 43


def test_forecast_out_writes_readable_files_with_masked_numbers(
    recipients_csv: Path, tmp_path: Path
) -> None:
    out_dir = tmp_path / "out"
    done = kpsim(
        "forecast",
        recipients_csv,
        "--message",
        "Hello",
        "--as-of",
        "2021-01-01",
        "--carrier-column",
        "carrier",
        "--out",
        out_dir,
    )
    assert done.returncode == 0, done.stderr
    names = {p.name for p in out_dir.iterdir()}
    assert {
        "recipients.parquet",
        "rejects.csv",
        "summary.json",
        "report.html",
        "cost_by_plan_and_carrier.png",
        "lite_vs_full.png",
        "expected_range.png",
    } <= names
    rows = pl.read_parquet(out_dir / "recipients.parquet")
    assert rows.height == 12
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["plans"]["full"]["cost_jpy_excl_tax"] == 44
    everything = (
        "".join(
            p.read_bytes().decode("utf-8", "replace")
            for p in out_dir.iterdir()
            if p.suffix in {".json", ".csv", ".html"}
        )
        + rows.write_csv()
    )
    for full in ("9012340001", "8011110002", "1234-5678", "0312345678"):
        assert full not in everything
    assert not [p for p in out_dir.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--message-file", "missing.txt"], "message file not found"),
        (["--message", "Hi", "--plans", "standard,premium"], "unknown plan 'premium'"),
        (["--message", "Hi", "--price", "k_premium=-3"], "k_premium"),
        (["--message", "Hi", "--price", "gold=3"], "gold"),
        (["--message", "Hi", "--as-of", "2021-13-01"], "is not a date"),
        (["--message", "Hi", "--assume", "rakuten_under_lite=maybe"], "rakuten_under_lite"),
        (["--message", "Hi {nickname}"], "nickname"),
        (["--message", "Hi", "--phone-column", "mobile"], "mobile"),
    ],
)
def test_forecast_errors_are_one_line_without_traceback(
    recipients_csv: Path, args: list[str], expected: str
) -> None:
    done = kpsim("forecast", recipients_csv, *args)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert expected in lines[0]
    assert "Traceback" not in done.stderr


def test_forecast_json_error_is_an_object_with_error(tmp_path: Path) -> None:
    done = kpsim("forecast", tmp_path / "nope.csv", "--message", "Hi", "--json")
    assert done.returncode != 0
    assert "error" in json.loads(done.stdout)


def test_message_file_that_is_not_utf8_is_refused(recipients_csv: Path, tmp_path: Path) -> None:
    bad = tmp_path / "msg.txt"
    bad.write_bytes("こんにちは".encode("cp932"))
    done = kpsim("forecast", recipients_csv, "--message-file", bad)
    assert done.returncode == 3
    assert "not UTF-8" in done.stderr
