"""The quote scan that reads only the bytes inside quoted cells refuses exactly what the previous
scan (`quote_scan_reference`, which placed every line break) refused, at the same line, for any
chunk size: the same error value or none."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from quote_scan_reference import check_quoted_cells

from simulator.errors import InputError
from simulator.numbers import reader

TOKENS = ['"', '""', "\n", "\r\n", ",", "090-1234-5678", "Taro", " ", "\n" * 4, '="0901"']
Outcome = tuple[str | None, int | None, str] | None


def outcome(scan: Callable[[Path, Path, str], None], path: Path) -> Outcome:
    try:
        scan(path, path, ",")
    except InputError as err:
        return (err.code, err.line, err.message)
    return None


def both(path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, lines: int) -> list[Outcome]:
    monkeypatch.setattr(reader, "CHUNK_BYTES", chunk)
    monkeypatch.setattr(reader, "MAX_CELL_LINES", lines)
    return [outcome(reader._check_quoted_cells, path), outcome(check_quoted_cells, path)]


@given(
    tokens=st.lists(st.sampled_from(TOKENS), max_size=60),
    chunk=st.sampled_from([1, 3, 7, 16, 64, 8 << 20]),
    lines=st.sampled_from([1, 3, 20]),
)
def test_the_quote_scan_refuses_what_the_previous_scan_refused_at_the_same_line(
    tmp_path_factory: pytest.TempPathFactory, tokens: list[str], chunk: int, lines: int
) -> None:
    path = tmp_path_factory.mktemp("quotes") / "list.csv"
    path.write_bytes(("phone,name\n" + "".join(tokens)).encode())
    with pytest.MonkeyPatch.context() as monkeypatch:
        new, old = both(path, monkeypatch, chunk, lines)
    assert new == old


CASES = {
    "no quotes": "phone\n090-1234-5678\n",
    "excel wrappers": 'phone\n="09012345678"\n="08012345678"\n',
    "an address on two lines": 'phone,note\n090-1234-5678,"Tokyo\nChiyoda"\n',
    "a stray quote swallowing rows": 'phone,name\n090-1234-5678,"Taro\n080-1234-5678,Hanako\n',
    "a closed cell holding another row": 'phone,name\n090-1234-5678,"Taro\n080-1234-5678,Ha"\n',
    "a quote never closed": 'phone,name\n090-1234-5678,Taro"\n',
    "a cell of 30 lines": 'phone,note\n090-1234-5678,"' + "x\n" * 30 + '"\n',
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("chunk", [1, 5, 8 << 20])
def test_each_kind_of_quoted_cell_is_judged_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, chunk: int
) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(text.encode())
    new, old = both(path, monkeypatch, chunk, reader.MAX_CELL_LINES)
    assert new == old
