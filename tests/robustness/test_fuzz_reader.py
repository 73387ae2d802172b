"""For all bytes and all CSV-like text, reading a recipient list either accounts for every row
(rows in = ok + rejected) or fails with one clean line of a documented kind, never a crash."""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.errors import InputError, KpsimError
from simulator.numbers.reader import is_read_error, read_error
from simulator.numbers.recipients import check_recipients, read_recipients, summarise
from simulator.rules.ruleset import RuleSet, load_ruleset

AS_OF = dt.date(2025, 6, 1)
RULES: RuleSet = load_ruleset()
HEADERS = ["phone", "customer_id,phone", "phone,name", "電話番号", "tel\tname", "mobile;name", ""]
SUFFIXES = [".csv", ".tsv", ".txt", ".parquet"]
CELL_ALPHABET = "0123456789０１２３４５６７８９-‐ー－ +()（）.'=Ee　#abcXｱア電話携帯\t"
"""What phone cells hold, without the CSV delimiters (comma, quote, line breaks)."""


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-reader")


def checked_or_error(path: Path) -> pl.DataFrame | KpsimError:
    """What `kpsim recipients check` does with a file, short of printing it."""
    try:
        source = read_recipients(path, ruleset=RULES)
        lazy = check_recipients(source, as_of=AS_OF, ruleset=RULES)
        try:
            return lazy.collect()
        except pl.exceptions.PolarsError as exc:
            assert is_read_error(exc), f"a polars error that is not about reading: {exc}"
            raise read_error(source.path, exc) from None
    except KpsimError as err:
        return err


def assert_accounted_or_clean(result: pl.DataFrame | KpsimError, path: Path) -> dict[str, Any]:
    """Every row counted once, in order; or one line naming the file, of a documented kind."""
    if isinstance(result, KpsimError):
        assert isinstance(result, InputError), result
        assert "\n" not in result.render() and path.name in result.render()
        return {}
    summary = summarise(result)
    assert summary.rows_in == result.height == summary.ok + summary.rejected
    assert result["row"].to_list() == list(range(1, result.height + 1))
    assert sum(summary.rejects_by_reason.values()) == summary.rejected
    return summary


@given(data=st.binary(max_size=4096), suffix=st.sampled_from(SUFFIXES))
def test_any_bytes_are_read_or_refused_cleanly(scratch: Path, data: bytes, suffix: str) -> None:
    path = scratch / f"list{suffix}"
    path.write_bytes(data)
    assert_accounted_or_clean(checked_or_error(path), path)


@given(
    header=st.sampled_from(HEADERS),
    body=st.binary(max_size=2048),
    bom=st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE]),
)
def test_a_header_then_any_bytes_are_read_or_refused_cleanly(
    scratch: Path, header: str, body: bytes, bom: bytes
) -> None:
    path = scratch / "list.csv"
    path.write_bytes(bom + header.encode("utf-8") + b"\n" + body)
    assert_accounted_or_clean(checked_or_error(path), path)


@given(
    header=st.sampled_from(HEADERS),
    text=st.text(max_size=600),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932", "utf-16"]),
)
def test_any_text_in_any_encoding_is_read_or_refused_cleanly(
    scratch: Path, header: str, text: str, encoding: str
) -> None:
    path = scratch / "list.csv"
    path.write_bytes(f"{header}\n{text}".encode(encoding, errors="replace"))
    assert_accounted_or_clean(checked_or_error(path), path)


@given(
    cells=st.lists(st.text(alphabet=CELL_ALPHABET, max_size=24), min_size=1, max_size=40),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932"]),
    line_end=st.sampled_from(["\n", "\r\n"]),
)
def test_one_cell_per_line_gives_one_row_per_line_with_the_cell_unchanged(
    scratch: Path, cells: list[str], encoding: str, line_end: str
) -> None:
    """A phone column without quotes or commas: row i holds line i+1's cell, whatever it is."""
    path = scratch / "list.csv"
    path.write_bytes(line_end.join(["phone", *cells, ""]).encode(encoding))
    result = checked_or_error(path)
    assert not isinstance(result, KpsimError), result
    summary = assert_accounted_or_clean(result, path)
    assert summary.rows_in == len(cells)
    assert [raw or "" for raw in result["raw"].to_list()] == cells


def quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


CSV_CELL = st.text(alphabet=CELL_ALPHABET + '",;\r\n\x00\ufeff\\', max_size=16)


@given(
    rows=st.lists(st.lists(CSV_CELL, min_size=1, max_size=4), min_size=1, max_size=20),
    quote=st.sampled_from(["never", "always", "some"]),
    flip=st.lists(st.booleans(), min_size=80, max_size=80),
)
def test_csv_like_text_with_quotes_and_line_breaks_is_read_or_refused_cleanly(
    scratch: Path, rows: list[list[str]], quote: str, flip: list[bool]
) -> None:
    """Cells with delimiters, quotes, CRs, NULs and BOMs, quoted properly or not at all."""
    flips = iter(flip * 10)
    lines = [
        ",".join(
            quoted(c) if quote == "always" or (quote == "some" and next(flips)) else c for c in row
        )
        for row in rows
    ]
    path = scratch / "list.csv"
    path.write_bytes("\n".join(["customer_id,phone", *lines, ""]).encode("utf-8"))
    result = checked_or_error(path)
    summary = assert_accounted_or_clean(result, path)
    quoted_cleanly = quote == "always" and not any("\x00" in c for row in rows for c in row)
    if quoted_cleanly:
        assert not isinstance(result, KpsimError), result
        assert summary.rows_in == len(rows)
