"""Command-line options a user can get wrong: every one is a single line with the README's code."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from robustness_support import AS_OF, CORPUS, EXIT_INPUT, EXIT_OK, EXIT_USAGE, Run, kpsim_here

LIST = CORPUS / "only_rejects.csv"


@pytest.fixture()
def one_row(tmp_path: Path) -> Path:
    path = tmp_path / "list.csv"
    path.write_text("phone,name\n09012345678,Sato\n", encoding="utf-8")
    return path


def forecast(*args: str | Path) -> Run:
    return kpsim_here("forecast", *args, "--as-of", AS_OF, "--json", "-q")


def error_of(run: Run) -> dict[str, object]:
    assert len(run.err_lines) == 1, run.err
    assert "Traceback" not in run.err
    error: dict[str, object] = json.loads(run.out)
    return error


def test_message_and_message_file_together_is_a_usage_error(one_row: Path) -> None:
    run = forecast(one_row, "--message", "hi", "--message-file", CORPUS / "message_cp932.txt")
    assert run.code == EXIT_USAGE
    assert error_of(run)["code"] == "message_option"


def test_neither_message_nor_message_file_is_a_usage_error(one_row: Path) -> None:
    run = forecast(one_row)
    assert (run.code, error_of(run)["code"]) == (EXIT_USAGE, "message_option")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_as_message_file_is_refused_before_reading(one_row: Path, device: str) -> None:
    run = forecast(one_row, "--message-file", device)
    assert (run.code, error_of(run)["code"]) == (EXIT_INPUT, "not_a_file")


def test_a_folder_as_message_file_is_refused(one_row: Path, tmp_path: Path) -> None:
    run = forecast(one_row, "--message-file", tmp_path)
    assert (run.code, error_of(run)["code"]) == (EXIT_INPUT, "not_a_file")


def test_a_huge_message_file_is_refused_without_reading_it_all(
    one_row: Path, tmp_path: Path
) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(50_000_000)  # sparse: costs nothing on disk
    run = forecast(one_row, "--message-file", big)
    assert (run.code, error_of(run)["code"]) == (EXIT_INPUT, "too_large")


def test_a_missing_message_file_is_an_input_error(one_row: Path, tmp_path: Path) -> None:
    run = forecast(one_row, "--message-file", tmp_path / "nowhere.txt")
    assert (run.code, error_of(run)["code"]) == (EXIT_INPUT, "not_found")


def test_a_cp932_message_file_is_decoded_like_a_list(one_row: Path) -> None:
    run = forecast(one_row, "--message-file", CORPUS / "message_cp932.txt")
    assert run.code == EXIT_OK, run.err
    assert json.loads(run.out)["message"]["template"] == "こんにちは{name}"


def test_a_utf16_message_file_is_decoded(one_row: Path, tmp_path: Path) -> None:
    path = tmp_path / "m.txt"
    path.write_bytes("お知らせ{name}\n".encode("utf-16"))
    run = forecast(one_row, "--message-file", path)
    assert run.code == EXIT_OK, run.err
    assert json.loads(run.out)["message"]["template"] == "お知らせ{name}"


UNDECODABLE = b"caf\xe9".decode("utf-8", "surrogateescape")
"""What Python makes of argv bytes that are not UTF-8 (a Latin-1 terminal)."""


def test_undecodable_bytes_in_message_are_a_usage_error_for_forecast(one_row: Path) -> None:
    run = forecast(one_row, "--message", UNDECODABLE)
    assert (run.code, error_of(run)["code"]) == (EXIT_USAGE, "not_utf8")


def test_undecodable_bytes_in_message_are_a_usage_error_for_diff(one_row: Path) -> None:
    run = kpsim_here(
        "diff", one_row, "--from", "2025-01-01", "--to", AS_OF, "--message", UNDECODABLE, "--json"
    )
    assert (run.code, error_of(run)["code"]) == (EXIT_USAGE, "not_utf8")


@pytest.mark.parametrize("option", ["--price", "--assume"])
def test_the_same_name_twice_with_different_values_is_a_usage_error(
    one_row: Path, option: str
) -> None:
    name = "k_premium" if option == "--price" else "lite_softbank_charge"
    first, second = ("9", "10") if option == "--price" else ("standard", "premium")
    run = forecast(
        one_row, "--message", "hi", option, f"{name}={first}", option, f"{name}={second}"
    )
    assert (run.code, error_of(run)["code"]) == (EXIT_USAGE, "conflicting_values")


def test_the_same_price_twice_with_the_same_value_is_fine(one_row: Path) -> None:
    run = forecast(one_row, "--message", "hi", "--price", "standard=3", "--price", "standard=3")
    assert run.code == EXIT_OK, run.err


def test_an_unreadable_list_is_not_refused_by_the_option_parser(
    one_row: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """click's own "is not readable" check exits 2 and prints its wording; kpsim opens the
    file itself and reports what stops it (exit 3). As root every file is readable, so the
    check is made to fail the way it would for another user."""
    real_access = os.access
    monkeypatch.setattr(
        os,
        "access",
        lambda path, mode, **kw: False if Path(path) == one_row else real_access(path, mode, **kw),
    )
    run = forecast(one_row, "--message", "hi")
    assert run.code != EXIT_USAGE, run.err
    assert "not readable" not in run.err


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_list_is_an_input_error(one_row: Path) -> None:
    one_row.chmod(0)
    run = forecast(one_row, "--message", "hi")
    assert (run.code, error_of(run)["code"]) == (EXIT_INPUT, "unreadable")
