"""`kpsim diff` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import run_process

CSV = "phone,carrier\n090-1234-0001,docomo\n080-1111-0002,au\n080-4000-0003,softbank\n070-8312-0004,rakuten\n"


kpsim = run_process


@pytest.fixture
def csv(tmp_path: Path) -> Path:
    path = tmp_path / "list.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_diff_text_names_the_rule_change_and_its_source(csv: Path) -> None:
    done = kpsim(
        "diff", csv, "--from", "2023-05-11", "--to", "2023-05-12", "--carrier-column", "carrier"
    )
    assert done.returncode == 0, done.stderr
    assert "full.softbank.2023-05-12" in done.stdout
    assert "5db56d008f" in done.stdout
    assert "080-****-0003" in done.stdout
    assert "4000-0003" not in done.stdout


def test_diff_json_has_the_documented_keys(csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = kpsim(
        "diff",
        csv,
        "--from",
        "2020-02-19",
        "--to",
        "2020-05-19",
        "--plan",
        "lite",
        "--carrier-column",
        "carrier",
        "--json",
        "--out",
        out,
    )
    assert done.returncode == 0, done.stderr
    s = json.loads(done.stdout)
    for key in (
        "recipients_changed",
        "changes_by_kind",
        "by_carrier",
        "cost_delta_jpy_excl_tax",
        "rule_versions",
    ):
        assert key in s
    assert set(s["changes_by_kind"]) == {"route", "sender", "charge"}
    assert {p.name for p in out.iterdir()} == {"diff.json", "changes.parquet"}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--from", "2020-05-19", "--to", "2020-02-19"], "after --to"),
        (["--from", "2020-02-30", "--to", "2021-01-01"], "is not a date"),
        (["--from", "yesterday", "--to", "2021-01-01"], "is not a date"),
        (["--from", "2020-01-01", "--to", "2021-01-01", "--plan", "gold"], "unknown plan"),
    ],
)
def test_diff_bad_dates_and_plans_are_one_line_errors(
    csv: Path, args: list[str], expected: str
) -> None:
    done = kpsim("diff", csv, *args)
    assert done.returncode == 2
    assert expected in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
