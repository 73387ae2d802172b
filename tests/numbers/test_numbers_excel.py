"""Excel and OpenDocument workbooks: read like CSV, first sheet or --sheet, every row accounted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from numbers_support import DATASETS, Checker

from simulator.errors import InputError, UsageError
from simulator.numbers import reader

SAMPLE = DATASETS / "sample_recipients_lookup.csv"


def _sample() -> pl.DataFrame:
    return pl.read_csv(SAMPLE, infer_schema=False)


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value, date)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)  # as typed: `="090…"` stays text
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


def _rows(frame: pl.DataFrame, *, phone_as_number: bool = False) -> list[list[object]]:
    out: list[list[object]] = [frame.columns]
    for row in frame.iter_rows():
        cells: list[object] = list(row)
        phone = frame.columns.index("phone")
        if phone_as_number and str(cells[phone]).isdigit():
            cells[phone] = int(str(cells[phone]))
        out.append(cells)
    return out


def test_a_workbook_checks_exactly_like_the_same_list_as_csv(
    check: Checker, tmp_path: Path
) -> None:
    book = _workbook(tmp_path / "list.xlsx", {"Sheet1": _rows(_sample())})
    from_csv, from_xlsx = check(SAMPLE), check(book)
    assert from_xlsx.height == from_csv.height == 2000
    assert from_xlsx.equals(from_csv)


def test_numbers_typed_as_numbers_lose_their_leading_zero_and_are_repaired(
    check: Checker, tmp_path: Path
) -> None:
    book = _workbook(tmp_path / "typed.xlsx", {"Sheet1": _rows(_sample(), phone_as_number=True)})
    columns = ["row", "e164", "status", "carrier"]
    typed, text = check(book), check(SAMPLE)
    assert typed.height == text.height
    assert typed.select(columns).equals(text.select(columns))


def test_the_first_sheet_is_read_unless_another_is_named(tmp_path: Path) -> None:
    book = _workbook(
        tmp_path / "two.xlsx",
        {"メモ": [["note"], ["not recipients"]], "顧客一覧": [["電話番号"], ["090-1234-5678"]]},
    )
    first, _ = reader.read_file(book, None)
    named, encoding = reader.read_file(book, None, sheet="顧客一覧")
    assert first.collect_schema().names() == ["note"]
    assert named.collect().to_dict(as_series=False) == {"電話番号": ["090-1234-5678"]}
    assert encoding is None


def test_dates_and_numbers_in_other_columns_read_as_text(tmp_path: Path) -> None:
    book = _workbook(
        tmp_path / "cells.xlsx",
        {"Sheet1": [["phone", "since", "amount"], ["09012345678", dt.datetime(2024, 1, 2), 12.5]]},
    )
    frame = reader.read_file(book, None)[0].collect()
    assert frame.schema == pl.Schema({"phone": pl.String, "since": pl.String, "amount": pl.String})
    assert frame.row(0) == ("09012345678", "2024-01-02 00:00:00", "12.5")


def test_an_xlsm_workbook_is_read_too(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "list.xlsx", {"Sheet1": [["phone"], ["09012345678"]]})
    macro = book.rename(tmp_path / "list.xlsm")
    assert reader.read_file(macro, None)[0].collect()["phone"].to_list() == ["09012345678"]


def test_an_unknown_sheet_is_an_input_error_listing_the_sheets(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "list.xlsx", {"顧客": [["phone"], ["09012345678"]]})
    with pytest.raises(InputError) as caught:
        reader.read_file(book, None, sheet="Sheet9")
    assert caught.value.code == "no_such_sheet"
    assert "顧客" in caught.value.render()


def test_a_damaged_workbook_is_an_input_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InputError) as caught:
        reader.read_file(broken, None)
    assert caught.value.code == "unreadable_workbook"


def test_an_empty_sheet_is_an_input_error(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "empty.xlsx", {"Sheet1": []})
    with pytest.raises(InputError) as caught:
        reader.read_file(book, None)
    assert caught.value.code == "empty"


def test_a_sheet_for_a_csv_file_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        reader.read_file(SAMPLE, None, sheet="Sheet1")
