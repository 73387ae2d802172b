"""`kpsim forecast` from the command line: text, JSON, output files and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from cli_runner import Kpsim, run_process

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


def test_message_file_that_is_neither_utf8_nor_cp932_is_refused(
    recipients_csv: Path, tmp_path: Path
) -> None:
    """A CP932 message file is read like a CP932 list (tests/robustness/test_cli_options.py);
    bytes no text encoding kpsim detects explains are refused."""
    bad = tmp_path / "msg.txt"
    bad.write_bytes(b"\x80\xff\xfe\x81\x00")
    done = kpsim("forecast", recipients_csv, "--message-file", bad)
    assert done.returncode == 3
    assert "msg.txt" in done.stderr


SENDERS = ("--sender", "SHOP", "--kp-sender", "KPSHOP")


def test_sender_options_fill_the_sender_each_carriers_recipients_see(
    kpsim: Kpsim, recipients_csv: Path
) -> None:
    args = ("forecast", str(recipients_csv), "--message", "Hello", "--as-of", "2024-01-01")
    code, out = kpsim.json(*args, "--carrier-column", "carrier", *SENDERS)
    assert code == 0
    assert (out["sender"], out["kp_sender"]) == ("SHOP", "KPSHOP")
    standard = out["plans"]["standard"]["by_carrier"]["docomo"]["sender_display"]
    assert standard == {"kind": "user", "value": None, "guaranteed": False, "shown": "SHOP"}
    full = out["plans"]["full"]["by_carrier"]
    assert full["docomo"]["sender_display"]["shown"] == "KPSHOP"
    assert full["softbank"]["sender_display"]["shown"] == "21053"  # the fixed code, given or not
    code, text, _ = kpsim(*args, "--carrier-column", "carrier", *SENDERS)
    assert "registered ID KPSHOP" in text and "your sender* SHOP" in text


def test_without_sender_options_only_the_fixed_code_is_shown(
    kpsim: Kpsim, recipients_csv: Path
) -> None:
    code, out = kpsim.json(
        "forecast", str(recipients_csv), "--message", "Hello", "--as-of", "2024-01-01"
    )
    assert code == 0
    shown = {c: v["sender_display"]["shown"] for c, v in out["plans"]["full"]["by_carrier"].items()}
    assert shown == {"au": None, "docomo": None, "rakuten": None, "softbank": "21053"}


def test_per_recipient_outputs_carry_the_sender_shown(
    kpsim: Kpsim, recipients_csv: Path, tmp_path: Path
) -> None:
    out_dir = tmp_path / "out"
    code, _, err = kpsim(
        "forecast", str(recipients_csv), "--message", "Hello", "--as-of", "2024-01-01",
        "--carrier-column", "carrier", *SENDERS, "--out", str(out_dir),
    )  # fmt: skip
    assert code == 0, err
    rows = pl.read_parquet(out_dir / "recipients.parquet")
    shown = dict(
        rows.filter(pl.col("plan") == "full").select("carrier", "sender_shown").iter_rows()
    )
    assert shown == {"docomo": "KPSHOP", "au": "KPSHOP", "softbank": "21053", "rakuten": "KPSHOP"}
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["plans"]["full"]["by_carrier"]["docomo"]["sender_display"]["shown"] == "KPSHOP"


def test_report_html_lists_every_price_used_and_the_tax_rate(
    kpsim: Kpsim, recipients_csv: Path, tmp_path: Path
) -> None:
    out_dir = tmp_path / "out"
    code, _, err = kpsim(
        "forecast", str(recipients_csv), "--message", "Hello", "--as-of", "2026-12-01",
        "--out", str(out_dir),
    )  # fmt: skip
    assert code == 0, err
    page = (out_dir / "report.html").read_text(encoding="utf-8")
    prices = page.split("<h2>Prices used</h2>")[1].split("</section>")[0]
    assert "None" not in prices
    # the standard price outlives its last source (2025-09-26): assumed unchanged since (M7)
    row = '<tr><th scope="row"><code>{}</code></th><td class="num">{}</td><td>{}</td><td>{}</td>'
    assert row.format("standard", "¥10", "message part", "assumed unchanged") in prices
    assert row.format("k_premium", "¥11", "message part", "upper bound") in prices
    assert (
        row.format("registration_fee", "¥50,000", "sender id per 30 days", "assumed unchanged")
        in prices
    )
    assert '<th scope="row">consumption tax</th><td class="num">10%</td>' in prices


def test_a_tax_setting_kpsim_cannot_honour_is_a_warning_of_the_forecast(
    kpsim: Kpsim, recipients_csv: Path
) -> None:
    code, out = kpsim.json(
        "forecast", str(recipients_csv), "--message", "Hello", "--as-of", "2024-01-01",
        "--assume", "tax_rate_date=purchase_date",
    )  # fmt: skip
    assert code == 0
    assert any("purchase dates" in w for w in out["warnings"])
