"""`--out`: a folder kpsim can write in or a one-line usage error before any work; the set
written there is masked (pass-through columns too), whole, and swapped in as one."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path

import polars as pl
import pytest
from robustness_support import AS_OF, CORPUS, EXIT_INTERNAL, EXIT_USAGE, kpsim, kpsim_here

FORECAST = ["forecast", "--message", "hello", "--as-of", AS_OF, "-q"]
CHECK = ["recipients", "check", "--as-of", AS_OF, "-q"]
DIFF = ["diff", "--from", "2025-06-01", "--to", "2026-06-01", "-q"]
COMMANDS = {"forecast": FORECAST, "check": CHECK, "diff": DIFF}
LIST = CORPUS / "pass_through_numbers.csv"

RUN = re.compile(r"\d[\d\-\s().+]*\d")


def full_numbers_in(text: str) -> list[str]:
    """Runs of nine or more digits (after NFKC, so full-width digits count): a whole number."""
    runs = RUN.findall(unicodedata.normalize("NFKC", text))
    return [r for r in runs if sum(c.isdigit() for c in r) >= 9]


def cells(path: Path) -> list[str]:
    if path.suffix == ".parquet":
        frame = pl.read_parquet(path)
    else:
        frame = pl.read_csv(path, infer_schema=False)
    return [str(v) for row in frame.rows() for v in row if v is not None]


def error_of(run_out: str) -> dict[str, object]:
    document = json.loads(run_out)
    assert isinstance(document, dict)
    return document


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("spelling", [["--out", ""], ["--out="], ["--out", "  "]])
def test_an_empty_out_is_a_usage_error_and_writes_nothing(
    command: str, spelling: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run = kpsim_here(*COMMANDS[command], LIST, *spelling, "--json")
    assert run.code == EXIT_USAGE, run.err
    assert len(run.err_lines) == 1 and "--out is empty" in run.err
    assert error_of(run.out)["code"] == "empty_out"
    assert list(tmp_path.iterdir()) == []


def _over_long(tmp_path: Path) -> Path:
    return tmp_path / ("x" * 300)


def _dangling(tmp_path: Path) -> Path:
    link = tmp_path / "dangling"
    link.symlink_to(tmp_path / "nowhere")
    return link


def _a_file(tmp_path: Path) -> Path:
    file = tmp_path / "summary.json"
    file.write_text("{}")
    return file


BAD_OUT = {
    "an existing file": (_a_file, "out_not_folder"),
    "/dev/null": (lambda _: Path("/dev/null"), "out_not_folder"),
    "a dangling symlink": (_dangling, "out_dangling"),
    "an over-long name": (_over_long, "out_name_too_long"),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("case", sorted(BAD_OUT))
def test_an_out_that_cannot_be_a_folder_is_one_line_exit_2(
    command: str, case: str, tmp_path: Path
) -> None:
    make, code = BAD_OUT[case]
    out = make(tmp_path)
    run = kpsim_here(*COMMANDS[command], LIST, "--out", out, "--json")
    assert run.code == EXIT_USAGE, run.err
    assert len(run.err_lines) == 1 and run.err.startswith("kpsim: --out"), run.err
    assert error_of(run.out)["code"] == code
    if case == "an existing file":
        assert out.read_text() == "{}"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_out_is_one_line_exit_2(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    run = kpsim_here(*CHECK, LIST, "--out", locked / "sub", "--json")
    assert run.code == EXIT_USAGE, run.err
    assert error_of(run.out)["code"] == "out_not_writable"


def test_pass_through_columns_that_look_like_phone_numbers_are_masked(tmp_path: Path) -> None:
    run = kpsim_here(*CHECK, LIST, "--phone-column", "phone", "--out", tmp_path / "o")
    assert run.code == 0, run.err
    for name in ("recipients.parquet", "rejects.csv"):
        written = cells(tmp_path / "o" / name)
        assert not [c for c in written if full_numbers_in(c)], name
    kept = cells(tmp_path / "o" / "recipients.parquet")
    assert "2025-06-01 order 1234" in kept, "a date and a short number are not phone numbers"
    assert "佐藤" in kept


def test_a_second_phone_header_passed_through_is_masked(tmp_path: Path) -> None:
    twice = CORPUS / "phone_header_twice.csv"
    run = kpsim_here(*CHECK, twice, "--phone-column", "phone", "--out", tmp_path / "o")
    assert run.code == 0, run.err
    frame = pl.read_parquet(tmp_path / "o" / "recipients.parquet")
    assert frame["phone_duplicated_0"].to_list() == ["****5678"]


def test_full_numbers_keeps_pass_through_columns_as_they_were(tmp_path: Path) -> None:
    run = kpsim_here(*CHECK, LIST, "--phone-column", "phone", "--full-numbers", "--out", tmp_path)
    assert run.code == 0, run.err
    frame = pl.read_parquet(tmp_path / "recipients.parquet")
    assert frame["mobile"].to_list() == ["080-2222-3333", "070-1111-2222"]
    rejects = cells(tmp_path / "rejects.csv")
    assert "070-1111-2222" in rejects


def test_forecast_rejects_csv_starts_with_a_byte_order_mark(tmp_path: Path) -> None:
    run = kpsim_here(*FORECAST, LIST, "--phone-column", "phone", "--out", tmp_path)
    assert run.code == 0, run.err
    assert (tmp_path / "rejects.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert not [c for c in cells(tmp_path / "rejects.csv") if full_numbers_in(c)]


def test_no_sendable_plan_draws_charts_without_warnings(tmp_path: Path) -> None:
    too_long = "あ" * 700
    run = kpsim(
        *FORECAST[:2], too_long, *FORECAST[3:], "--plans", "lite,full", LIST,
        "--phone-column", "phone", "--out", tmp_path,
    )  # fmt: skip
    assert run.code == 0, run.err
    assert run.err == "", run.err


def test_an_internal_error_with_json_prints_an_error_object(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from simulator.cli import recipients_cmd

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kpsim bug")

    monkeypatch.setattr(recipients_cmd, "read_recipients", broken)
    run = kpsim_here(*CHECK, LIST, "--json")
    assert run.code == EXIT_INTERNAL
    document = error_of(run.out)
    assert document["kind"] == "internal" and document["exit_code"] == EXIT_INTERNAL
    assert "internal error" in str(document["error"])
    assert len(run.err_lines) == 1


def _set_of(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_a_run_that_fails_after_its_first_sink_leaves_the_old_set_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    first = kpsim_here(*FORECAST, LIST, "--phone-column", "phone", "--out", out)
    assert first.code == 0, first.err
    before = _set_of(out)

    from simulator.report import charts

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(charts, "write_charts", disk_full)
    second = kpsim_here(*FORECAST, "--as-of", "2026-06-01", LIST, "--phone-column", "phone",
                        "--out", out)  # fmt: skip
    assert second.code != 0
    assert _set_of(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "no staging folder is left"


def test_a_new_set_replaces_the_whole_old_one_and_keeps_the_users_own_files(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    assert kpsim_here(*FORECAST, LIST, "--phone-column", "phone", "--out", out).code == 0
    assert kpsim_here(*CHECK, LIST, "--phone-column", "phone", "--out", out).code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "kpsim.xlsx",
        "recipients.parquet",
        "rejects.csv",
    ]
    (out / "notes.txt").write_text("mine")
    assert kpsim_here(*CHECK, LIST, "--phone-column", "phone", "--out", out).code == 0
    assert (out / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
