"""Cells, column names and file names are text, never rich markup: `abc[/b]` neither crashes a
report nor styles it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from robustness_support import AS_OF, CORPUS, EXIT_OK, kpsim_here

LIST = CORPUS / "rich_markup_cells.csv"


@pytest.fixture()
def bracketed(tmp_path: Path) -> Path:
    """The list under a file name that is markup too."""
    path = tmp_path / "[b]list[red].csv"
    shutil.copy(LIST, path)
    return path


def test_forecast_text_and_report_html_show_markup_cells_as_written(
    bracketed: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run = kpsim_here(
        "forecast", bracketed, "--message", "[b]hi {name}[/b]", "--as-of", AS_OF,
        "--carrier-column", "carrier", "--out", out, "-q",
    )  # fmt: skip
    assert run.code == EXIT_OK, run.err
    assert "****[/b]" in run.out
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "****[/b]" in html


def test_recipients_check_text_shows_markup_cells_as_written(bracketed: Path) -> None:
    run = kpsim_here("recipients", "check", bracketed, "--carrier-column", "carrier", "-q")
    assert run.code == EXIT_OK, run.err
    assert "****[/b]" in run.out
    assert "[b]list[red].csv" in run.out


def test_a_markup_column_name_in_an_error_is_shown_as_written(tmp_path: Path) -> None:
    path = tmp_path / "cols.csv"
    path.write_text("[/b]tel,[red]name\n09012345678,x\n", encoding="utf-8")
    run = kpsim_here("recipients", "check", path, "-q")
    assert len(run.err_lines) == 1, run.err
    assert "'[/b]tel'" in run.err


def test_diff_text_shows_a_markup_message_as_written(bracketed: Path) -> None:
    run = kpsim_here(
        "diff", bracketed, "--from", "2020-01-01", "--to", AS_OF, "--message", "[/b]x", "-q"
    )
    assert run.code == EXIT_OK, run.err


def test_the_progress_bar_shows_a_markup_file_name_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "a["
    folder.mkdir()
    path = folder / "b]x.csv"  # the label holds `[/b]`
    shutil.copy(LIST, path)
    monkeypatch.setenv("KPSIM_PROGRESS", "1")
    monkeypatch.chdir(tmp_path)  # a short relative path: a long one is cut to the bar's width
    run = kpsim_here("recipients", "check", path.relative_to(tmp_path))
    assert run.code == EXIT_OK, run.err
    assert "a[/b]x" in run.err
