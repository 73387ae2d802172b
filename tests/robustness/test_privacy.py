"""Phone numbers never appear in full in what kpsim prints or writes, unless --full-numbers:
stdout, stderr, every file under --out (Parquet contents included, and the PNG bytes) are
searched for each number of the input in every format (national, E.164, the raw cell)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from robustness_support import AS_OF, Run, kpsim_many, write_list

from simulator.numbers.recipients import check_recipients

pytestmark = pytest.mark.slow

DIGIT_RUN = re.compile(r"[0-9+(][0-9 \t\-().+]*[0-9]")
"""A run of digits with the separators numbers are written with (no line breaks)."""
MASKED_NATIONAL = re.compile(r"^0[0-9]{2}-\*{4}-[0-9]{4}$")


def full_forms(list_path: Path) -> tuple[set[str], set[str]]:
    """The digit strings of every number of the list (national and E.164 without `+`), and
    the raw cells that hold seven digits or more."""
    import datetime as dt

    checked = check_recipients(list_path, as_of=dt.date.fromisoformat(AS_OF)).collect()
    digits: set[str] = set()
    cells: set[str] = set()
    for raw, e164 in checked.select("raw", "e164").iter_rows():
        if e164:
            digits |= {e164[1:], "0" + e164[3:]}
        if raw and sum(ch.isdigit() for ch in raw) >= 7:
            cells.add(raw.strip())
            only = re.sub(r"\D", "", unicodedata.normalize("NFKC", raw))
            if len(only) >= 10:
                digits.add(only)
    return digits, cells


def leaks(text: str, digits: set[str], cells: set[str]) -> list[str]:
    """Full numbers found in `text`: a raw cell verbatim, or a digit run holding a number."""
    found = [cell for cell in cells if cell in text]
    for run in DIGIT_RUN.findall(unicodedata.normalize("NFKC", text)):
        only = re.sub(r"\D", "", run)
        for size in {len(d) for d in digits}:
            found += [
                only[i : i + size]
                for i in range(len(only) - size + 1)
                if only[i : i + size] in digits
            ]
    return found


def texts_under(directory: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for every file under `directory`, and for every Parquet cell."""
    for path in sorted(directory.rglob("*")):
        if not path.is_file():
            continue
        yield str(path), path.read_bytes().decode("latin-1")
        yield str(path), path.read_bytes().decode("utf-8", errors="replace")
        if path.suffix == ".parquet":
            frame = pl.read_parquet(path)
            for column in frame.columns:
                values = frame[column].cast(pl.String, strict=False).drop_nulls()
                yield f"{path}:{column}", "\n".join(values.to_list())


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Run], Path]:
    root = tmp_path_factory.mktemp("privacy")
    listed = write_list(root / "list.csv", 400, seed=11, dirty_share=0.5)
    headerless = root / "headerless.csv"
    headerless.write_text(listed.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")
    check = ["recipients", "check", listed, "--as-of", AS_OF]
    forecast = ["forecast", listed, "--message", "Hello {name}", "--as-of", AS_OF]
    diff = ["diff", listed, "--from", "2019-01-01", "--to", AS_OF]
    commands = {
        "check": [*check, "--out", root / "check"],
        "check-json": [*check, "--json"],
        "forecast": [*forecast, "--out", root / "forecast"],
        "forecast-json": [*forecast, "--json"],
        "diff": [*diff, "--out", root / "diff"],
        "diff-json": [*diff, "--out", root / "diff-json", "--json"],
        "headerless": ["recipients", "check", headerless, "--phone-column", "nope"],
        "headerless-forecast": ["forecast", headerless, "--message", "hi"],
        "check-full": [*check, "--out", root / "check-full", "--full-numbers"],
        "forecast-full": [*forecast, "--out", root / "forecast-full", "--full-numbers"],
    }
    runs = dict(zip(commands, kpsim_many(list(commands.values())), strict=True))
    return listed, runs, root


@pytest.fixture(scope="module")
def forms(scenario: tuple[Path, dict[str, Run], Path]) -> tuple[set[str], set[str]]:
    return full_forms(scenario[0])


MASKED_RUNS = ["check", "check-json", "forecast", "forecast-json", "diff", "diff-json"]


@pytest.mark.parametrize("name", [*MASKED_RUNS, "headerless", "headerless-forecast"])
def test_no_full_number_is_printed(
    scenario: tuple[Path, dict[str, Run], Path], forms: tuple[set[str], set[str]], name: str
) -> None:
    _, runs, _ = scenario
    digits, cells = forms
    run = runs[name]
    assert "Traceback" not in run.err
    assert run.code == (3 if name.startswith("headerless") else 0), run.err
    assert leaks(run.out, digits, cells) == []
    assert leaks(run.err, digits, cells) == []


@pytest.mark.parametrize("name", ["check", "forecast", "diff", "diff-json"])
def test_no_full_number_is_written_under_out(
    scenario: tuple[Path, dict[str, Run], Path], forms: tuple[set[str], set[str]], name: str
) -> None:
    _, _, root = scenario
    digits, cells = forms
    written = list(texts_under(root / name))
    assert written, f"{name} wrote nothing"
    found = {where: hits for where, text in written if (hits := leaks(text, digits, cells))}
    assert found == {}


def test_the_forecast_writes_every_kind_of_output_that_was_searched(
    scenario: tuple[Path, dict[str, Run], Path],
) -> None:
    _, _, root = scenario
    kinds = {p.suffix for p in (root / "forecast").iterdir()}
    assert {".parquet", ".csv", ".json", ".html", ".png"} <= kinds


def test_the_search_would_find_a_full_number(
    scenario: tuple[Path, dict[str, Run], Path], forms: tuple[set[str], set[str]]
) -> None:
    _, _, root = scenario
    digits, cells = forms
    national = sorted(d for d in digits if d.startswith("0") and len(d) == 11)[0]
    spaced = f"phone {national[:3]} {national[3:7]} {national[7:]} ok"
    assert leaks(spaced, digits, cells) and leaks(f"+81{national[1:]}", digits, cells)
    assert leaks("090-****-" + national[-4:], digits, cells) == []
    full = pl.read_parquet(root / "check-full" / "recipients.parquet")
    assert any(leaks(text, digits, cells) for text in full["e164"].drop_nulls().to_list())


@pytest.mark.parametrize("name", ["check", "forecast"])
def test_per_recipient_parquet_is_masked_by_default_and_full_with_full_numbers(
    scenario: tuple[Path, dict[str, Run], Path], forms: tuple[set[str], set[str]], name: str
) -> None:
    _, runs, root = scenario
    assert runs[f"{name}-full"].code == 0, runs[f"{name}-full"].err
    masked = pl.read_parquet(root / name / "recipients.parquet")
    full = pl.read_parquet(root / f"{name}-full" / "recipients.parquet")
    assert masked.height == full.height > 0
    e164 = full["e164"].drop_nulls()
    assert e164.len() > 0 and e164.str.contains(r"^\+81[0-9]{9,10}$").all()
    shown = masked.filter(pl.col("e164").str.starts_with("0"))["e164"]
    assert shown.len() > 0 and all(MASKED_NATIONAL.match(v) for v in shown.to_list())
    digits, cells = forms
    rejects = (root / f"{name}-full" / "rejects.csv").read_text(encoding="utf-8-sig")
    assert leaks(rejects, digits, cells), "--full-numbers keeps the raw cells of rejected rows"
