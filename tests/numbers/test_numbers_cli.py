"""`kpsim recipients check`: text and JSON summaries, output files, one-line errors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from numbers_support import DATASETS, ROOT

from simulator.cli.main import run

SAMPLE = DATASETS / "sample_recipients.csv"
LOOKUP = DATASETS / "sample_recipients_lookup.csv"


def kpsim(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        run(["recipients", "check", *args])
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def test_text_summary_counts_rows_and_masks_examples(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = kpsim(capsys, str(SAMPLE), "--as-of", "2026-11-25")
    assert code == 0 and err == ""
    assert "2,000 rows in" in out
    for heading in ("by class", "ok rows by carrier", "rejected rows by reason", "duplicates:"):
        assert heading in out
    assert re.search(r"0[2-9]0-\*\*\*\*-\d{4}", out)
    listed = set(pl.read_csv(SAMPLE, infer_schema=False)["phone"].drop_nulls().to_list())
    assert not any(number in out for number in listed if len(number) >= 10)


def test_json_summary_reconciles(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = kpsim(capsys, str(LOOKUP), "--json", "--as-of", "2026-11-25", "--dedupe")
    summary = json.loads(out)
    assert code == 0
    for key in ("rows_in", "ok", "rejected", "rejects_by_reason", "by_class", "by_carrier"):
        assert key in summary
    assert summary["rows_in"] == 2000 == summary["ok"] + summary["rejected"]
    assert sum(summary["rejects_by_reason"].values()) == summary["rejected"]
    fallbacks = summary["lookup_fallbacks"]
    assert fallbacks > 0  # the sample's 不明 and MVNO values: allocation, counted
    assert summary["by_carrier_source"] == {
        "lookup": summary["ok"] - fallbacks,
        "allocation": fallbacks,
    }
    assert summary["rejects_by_reason"]["duplicate"] <= summary["duplicates"]
    assert summary["input"]["carrier_column"] == "carrier"
    assert summary["assumptions"]["n060_issuance_start"] == "2026-07-01"


def test_assumptions_and_dates_change_the_060_answer(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "list.csv"
    path.write_text("phone\n060-1001-2345\n", encoding="utf-8")
    args = [str(path), "--json", "--as-of", "2027-01-15"]
    assert json.loads(kpsim(capsys, *args)[1])["ok"] == 1
    later = json.loads(kpsim(capsys, *args, "--assume", "n060_issuance_start=2027-03-01")[1])
    assert later["rejects_by_reason"] == {"n060_not_issued": 1}


def test_out_writes_every_row_as_parquet_and_the_rejects_as_csv(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = kpsim(capsys, str(SAMPLE), "--out", str(tmp_path / "o"), "--json")
    summary = json.loads(out)
    rows = pl.read_parquet(tmp_path / "o" / "recipients.parquet")
    rejects = pl.read_csv(tmp_path / "o" / "rejects.csv", infer_schema=False)
    assert code == 0 and rows.height == summary["rows_in"]
    assert rejects.height == summary["rejected"]
    assert set(rejects["status"].to_list()) == {"rejected"}
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        "kpsim.xlsx",
        "recipients.parquet",
        "rejects.csv",
    ]


def test_a_missing_column_is_one_line_listing_the_columns(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "list.csv"
    path.write_text("name,email\nA,a@example.com\n", encoding="utf-8")
    code, out, err = kpsim(capsys, str(path))
    assert code == 3 and out == ""
    assert err.count("\n") == 1 and err.startswith("kpsim: ")
    assert "'name', 'email'" in err


def test_a_binary_file_is_one_line_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "book.csv"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "simulator.cli.main", "recipients", "check", str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 3 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "neither a workbook nor a CSV" in done.stderr and str(path) in done.stderr


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["--as-of", "yesterday"], 2, "--as-of 'yesterday' is not a date"),
        (["--assume", "n060_issuance_start=soon"], 2, "has no value 'soon'"),
        (["--encoding", "klingon"], 2, "unknown encoding"),
        (["--phone-column", "mobile"], 3, "no phone column 'mobile'"),
    ],
)
def test_usage_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], code: int, text: str
) -> None:
    got, _, err = kpsim(capsys, str(SAMPLE), *args)
    assert got == code and err.count("\n") == 1 and text in err
