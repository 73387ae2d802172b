"""`--sheet` and `--skip-rows` on every command that reads a list, and every output names the
phone column it read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from robustness_support import AS_OF, CORPUS, EXIT_INPUT, EXIT_OK, EXIT_USAGE, Run, kpsim_here

import simulator

TITLED = CORPUS / "title_row.csv"
"""A title and a blank line above the header `phone,name`."""


def command(name: str, file: Path, *extra: str) -> Run:
    if name == "check":
        return kpsim_here("recipients", "check", file, "--json", "-q", *extra)
    if name == "forecast":
        args = ("forecast", file, "--message", "hi", "--as-of", AS_OF, "--json", "-q")
        return kpsim_here(*args, *extra)
    return kpsim_here("diff", file, "--from", "2020-01-01", "--to", AS_OF, "--json", "-q", *extra)


COMMANDS = ["check", "forecast", "diff"]


def test_the_title_row_hint_names_skip_rows() -> None:
    run = command("check", TITLED)
    assert run.code == EXIT_INPUT
    assert "--skip-rows 2" in run.err


@pytest.mark.parametrize("name", COMMANDS)
def test_skip_rows_reads_a_list_below_its_title(name: str) -> None:
    run = command(name, TITLED, "--skip-rows", "2")
    assert run.code == EXIT_OK, run.err


@pytest.mark.parametrize("name", COMMANDS)
def test_a_negative_skip_rows_is_a_usage_error(name: str) -> None:
    assert command(name, TITLED, "--skip-rows", "-1").code == EXIT_USAGE


@pytest.fixture()
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "list.xlsx"
    shutil.copy(CORPUS / "workbook_saved_as.csv", path)
    return path


@pytest.mark.parametrize("name", COMMANDS)
def test_sheet_names_the_workbooks_sheet(name: str, workbook: Path) -> None:
    assert command(name, workbook, "--sheet", "Sheet1").code == EXIT_OK
    missing = command(name, workbook, "--sheet", "Nope")
    assert missing.code == EXIT_INPUT
    assert json.loads(missing.out)["code"] == "no_such_sheet"


def test_sheet_and_skip_rows_reach_the_python_api(workbook: Path) -> None:
    read = simulator.forecast(workbook, message="hi", as_of=AS_OF, sheet="Sheet1")
    assert read.summary.rows_in == 1
    titled = simulator.forecast(TITLED, message="hi", as_of=AS_OF, skip_rows=2)
    assert titled.summary.rows_in == 1


def test_the_forecast_names_the_phone_column_it_read(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("tel,name,carrier\n09012345678,a,docomo\n", encoding="utf-8")
    run = command("forecast", path, "--carrier-column", "carrier")
    assert run.code == EXIT_OK, run.err
    source = json.loads(run.out)["input"]
    assert (source["phone_column"], source["carrier_column"]) == ("tel", "carrier")
    out = tmp_path / "out"
    text = kpsim_here("forecast", path, "--message", "hi", "--as-of", AS_OF, "-q", "--out", out)
    assert "numbers read from column 'tel'" in " ".join(text.out.split())
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Numbers read from</dt><dd>column “tel”, carriers from “carrier”" in report


def test_the_check_names_the_phone_column_it_read(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("tel,name\n09012345678,a\n", encoding="utf-8")
    assert json.loads(command("check", path).out)["input"]["phone_column"] == "tel"
    text = kpsim_here("recipients", "check", path, "-q")
    assert "phone column 'tel'" in " ".join(text.out.split())


def test_the_diff_names_the_phone_column_it_read(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("tel,name\n09012345678,a\n", encoding="utf-8")
    assert json.loads(command("diff", path).out)["input"]["phone_column"] == "tel"
    text = kpsim_here("diff", path, "--from", "2020-01-01", "--to", AS_OF, "-q")
    assert "numbers read from column 'tel'" in " ".join(text.out.split())
