"""Issue 15, the reader's and the rule files' part: careless lists and hand-edited YAML either
read as the person meant, with every row accounted for, or are refused with one line naming the
file (and line) and the README's exit code, never a crash or a silent loss.

The inputs are in corpus/ (see corpus/README.md); Parquet files, FIFOs and the UTF-16 variants
are made at test time. Commands run through `run()` in this process."""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest
from robustness_support import (
    AS_OF,
    CORPUS,
    EXIT_INPUT,
    EXIT_OK,
    EXIT_USAGE,
    assert_one_line_error,
    kpsim_here,
)

from simulator.errors import InputError, KpsimError, RulesError, UsageError
from simulator.numbers import reader
from simulator.numbers.recipients import read_recipients
from simulator.rules.ruleset import DEFAULT_RULES_DIR, RuleSet, load_ruleset
from simulator.rules.yaml_source import read_yaml

CHECK = ("recipients", "check", "--as-of", AS_OF)


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return load_ruleset()


def check_json(*args: str | Path) -> dict[str, object]:
    run = kpsim_here(*CHECK, *args, "--json")
    assert (run.code, run.err) == (EXIT_OK, ""), run.err
    summary: dict[str, object] = json.loads(run.out)
    return summary


def refused(ruleset: RuleSet, source: Path, **options: str) -> KpsimError:
    with pytest.raises(KpsimError) as caught:
        read_recipients(source, ruleset=ruleset, **options).frame.collect()
    assert "\n" not in caught.value.render()
    return caught.value


# --- B5: a stray quote that swallows rows ---


@pytest.mark.parametrize(
    ("name", "opened"), [("stray_quote_swallows_rows.csv", 2), ("stray_quote_one_row.csv", 2)]
)
def test_a_stray_quote_that_swallows_rows_is_refused_at_the_line_it_opened(
    ruleset: RuleSet, name: str, opened: int
) -> None:
    err = refused(ruleset, CORPUS / name)
    assert (type(err), err.code, err.line) == (InputError, "quote_swallows_rows", opened)
    run = kpsim_here(*CHECK, CORPUS / name)
    assert_one_line_error(run, CORPUS / name, EXIT_INPUT, [f"{name}:{opened}: "])


def test_a_quoted_address_on_several_lines_is_still_one_cell() -> None:
    summary = check_json(CORPUS / "multiline_note_ok.csv")
    assert (summary["rows_in"], summary["ok"]) == (2, 2)


def test_the_quote_scan_follows_a_cell_across_chunks(
    ruleset: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader, "CHUNK_BYTES", 16)
    err = refused(ruleset, CORPUS / "stray_quote_swallows_rows.csv")
    assert (err.code, err.line) == ("quote_swallows_rows", 2)
    assert check_json(CORPUS / "multiline_note_ok.csv")["rows_in"] == 2


# --- B13: encodings ---


@pytest.mark.parametrize("codec", ["base64", "hex", "zlib", "rot13", "uu", "bz2", "punycode"])
def test_only_a_text_encoding_is_accepted(ruleset: RuleSet, codec: str) -> None:
    path = CORPUS / "only_rejects.csv"
    err = refused(ruleset, path, encoding=codec)
    assert (type(err), err.code) == (UsageError, "not_a_text_encoding")
    run = kpsim_here(*CHECK, path, "--encoding", codec)
    assert "Traceback" not in run.err and run.code == EXIT_USAGE and len(run.err_lines) == 1


@pytest.mark.parametrize("order", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_reads_detected_or_named(
    tmp_path: Path, order: str
) -> None:
    text = (CORPUS / "utf16_no_bom.csv").read_bytes().decode("utf-16-le")
    path = tmp_path / "list.csv"
    path.write_bytes(text.encode(order))
    for named in ((), ("--encoding", "utf-16")):
        summary = check_json(path, *named)
        assert (summary["rows_in"], summary["ok"]) == (2, 2)


def test_utf16_read_without_a_mark_keeps_its_japanese_cells(ruleset: RuleSet) -> None:
    source = read_recipients(CORPUS / "utf16_no_bom.csv", ruleset=ruleset)
    assert source.encoding == "utf-16-le"
    assert source.frame.collect()["氏名"].to_list() == ["髙橋", "佐藤"]


# --- B14, B19: Parquet columns ---


@pytest.mark.parametrize(
    "phones",
    [
        pl.Series("phone", [["090-1234-5678"], ["080-2345-6789"]]),
        pl.Series("phone", [{"n": "090-1234-5678"}, {"n": "080-2345-6789"}]),
    ],
    ids=["list", "struct"],
)
def test_a_nested_phone_column_is_an_input_error_naming_it(
    ruleset: RuleSet, tmp_path: Path, phones: pl.Series
) -> None:
    path = tmp_path / "list.parquet"
    pl.DataFrame([phones]).write_parquet(path)
    err = refused(ruleset, path)
    assert (type(err), err.code) == (InputError, "nested_column")
    assert "'phone'" in err.message
    assert_one_line_error(kpsim_here(*CHECK, path), path, EXIT_INPUT, ["'phone'"])


def test_a_binary_parquet_column_is_read_as_text_when_it_is_utf8_and_refused_otherwise(
    ruleset: RuleSet, tmp_path: Path
) -> None:
    good, bad = tmp_path / "good.parquet", tmp_path / "bad.parquet"
    phones = ["090-1234-5678", "080-2345-6789"]
    pl.DataFrame({"phone": phones, "memo": [b"ok", "メモ".encode()]}).write_parquet(good)
    assert check_json(good)["ok"] == 2
    pl.DataFrame({"phone": phones, "memo": [b"ok", b"\xff\xfe"]}).write_parquet(bad)
    err = refused(ruleset, bad)
    assert (type(err), err.code) == (InputError, "binary_column_not_utf8")
    assert "'memo'" in err.message
    run = kpsim_here(*CHECK, bad)
    assert_one_line_error(run, bad, EXIT_INPUT, ["'memo'"])
    assert "damaged" not in run.err


def test_a_list_with_row_and_input_row_columns_keeps_both(ruleset: RuleSet) -> None:
    source = read_recipients(CORPUS / "row_and_input_row.csv", ruleset=ruleset)
    frame = source.frame.collect()
    assert source.columns == ("input_row_2", "input_row", "phone")
    assert frame["input_row_2"].to_list() == ["1", "2"]
    assert frame["input_row"].to_list() == ["a", "b"]
    assert frame["row"].to_list() == [1, 2]
    summary = check_json(CORPUS / "row_and_input_row.csv")
    assert (summary["rows_in"], summary["ok"]) == (2, 2)


# --- B16: files that are not regular files ---


def test_a_proc_file_a_device_and_a_fifo_are_refused_before_reading(
    ruleset: RuleSet, tmp_path: Path
) -> None:
    fifo = tmp_path / "list.csv"
    os.mkfifo(fifo)
    for path in (Path("/proc/self/status"), Path("/dev/zero"), fifo, tmp_path):
        if not path.exists():
            continue
        err = refused(ruleset, path)
        assert (type(err), err.code) == (InputError, "not_a_file"), path
        assert_one_line_error(kpsim_here(*CHECK, path), path, EXIT_INPUT, ["not a regular file"])


# --- B20: lines above the header ---


@pytest.mark.parametrize("name", ["blank_lines_before_header.csv", "excel_sep_line.csv"])
def test_blank_lines_and_an_excel_sep_line_above_the_header_are_skipped(name: str) -> None:
    summary = check_json(CORPUS / name)
    assert (summary["rows_in"], summary["ok"]) == (2, 2)


def test_a_sep_line_names_the_separator(ruleset: RuleSet) -> None:
    frame = read_recipients(CORPUS / "excel_sep_line.csv", ruleset=ruleset).frame.collect()
    assert frame.columns == ["row", "phone", "name"]
    assert frame["name"].to_list() == ["a", "b"]


def test_a_title_row_gets_a_hint_naming_the_header_line_and_skip_rows_reads_it(
    ruleset: RuleSet,
) -> None:
    path = CORPUS / "title_row.csv"
    err = refused(ruleset, path)
    assert (type(err), err.code) == (InputError, "no_phone_column")
    assert err.hint is not None and "line 3" in err.hint and "delete the 2 lines" in err.hint
    source = reader.read_source(
        path,
        reading=_reading(ruleset),
        phone_column=None,
        carrier_column=None,
        encoding=None,
        skip_rows=1,
    )
    assert source.frame.collect()["phone"].to_list() == ["090-1234-5678"]


def test_skipping_every_line_says_so(ruleset: RuleSet) -> None:
    with pytest.raises(InputError) as caught:
        reader.read_file(CORPUS / "title_row.csv", None, skip_rows=10)
    assert caught.value.code == "empty"


def _reading(ruleset: RuleSet) -> reader.Reading:
    from simulator.numbers.numbering import load_numbering

    return load_numbering(ruleset).reading


# --- B21: ambiguous phone columns ---


@pytest.mark.parametrize(
    ("name", "exact", "candidates"),
    [
        ("phone_in_two_cases.csv", "phone", ("'Phone'", "'phone'")),
        ("phone_header_twice.csv", "phone_duplicated_0", ("'phone'", "'phone_duplicated_0'")),
    ],
)
def test_two_columns_that_could_be_the_phone_column_are_refused_unless_one_is_named(
    ruleset: RuleSet, name: str, exact: str, candidates: tuple[str, ...]
) -> None:
    path = CORPUS / name
    err = refused(ruleset, path)
    assert (type(err), err.code) == (InputError, "ambiguous_phone_column")
    assert err.hint is not None and "--phone-column" in err.hint
    assert_one_line_error(kpsim_here(*CHECK, path), path, EXIT_INPUT, candidates)
    summary = check_json(path, "--phone-column", exact)
    assert (summary["rows_in"], summary["ok"]) == (1, 1)


def test_a_loose_name_matching_two_columns_is_ambiguous_too(ruleset: RuleSet) -> None:
    err = refused(ruleset, CORPUS / "phone_in_two_cases.csv", phone_column="PHONE")
    assert err.code == "ambiguous_phone_column"


# --- B3: column names in errors are masked ---


def test_column_names_shaped_like_numbers_are_masked_in_every_column_error(
    ruleset: RuleSet, tmp_path: Path
) -> None:
    path = tmp_path / "list.csv"
    path.write_text("09012345678,09012345678\n08023456789,08023456789\n")
    for err in (refused(ruleset, path), refused(ruleset, path, phone_column="tel")):
        assert "09012345678" not in err.render() and "****5678" in err.render()


# --- B8: rule files ---


@pytest.mark.parametrize(
    ("name", "code", "line"),
    [
        ("price_duplicate_key.yaml", "duplicate_key", 7),
        ("price_octal_amount.yaml", "yaml_1_1_number", 6),
        ("price_sexagesimal_amount.yaml", "yaml_1_1_number", 6),
    ],
)
def test_yaml_that_would_silently_change_an_amount_is_refused_with_its_line(
    name: str, code: str, line: int
) -> None:
    with pytest.raises(RulesError) as caught:
        read_yaml(CORPUS / name)
    assert (caught.value.code, caught.value.line) == (code, line)
    one_mobile = CORPUS / "multiline_note_ok.csv"
    run = kpsim_here(
        "forecast", "--message", "hello", "--as-of", AS_OF, one_mobile,
        "--price-book", CORPUS / name, "--json",
    )  # fmt: skip
    error = json.loads(run.out)
    assert (run.code, error["code"], error["line"]) == (EXIT_INPUT, code, line)


def test_a_plan_with_available_from_twice_is_refused(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    import shutil

    shutil.copytree(DEFAULT_RULES_DIR, rules)
    plans = rules / "plans.yaml"
    text = plans.read_text(encoding="utf-8")
    first = text.index("    available_from:")
    end = text.index("\n", first) + 1
    plans.write_text(text[:end] + "    available_from: 2030-01-01\n" + text[end:], "utf-8")
    with pytest.raises(RulesError) as caught:
        load_ruleset(rules)
    assert caught.value.code == "duplicate_key"
    assert caught.value.line == text[:end].count("\n") + 1


def test_quoted_and_plain_numbers_still_read_as_written(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text('a: "010"\nb: 0\nc: 10\nd: "1:30"\ne: 10.5\nf: [1, 2]\n')
    assert read_yaml(path).data == {
        "a": "010",
        "b": 0,
        "c": 10,
        "d": "1:30",
        "e": 10.5,
        "f": [1, 2],
    }


def test_every_shipped_rule_file_still_loads() -> None:
    for path in sorted(DEFAULT_RULES_DIR.rglob("*.yaml")):
        read_yaml(path)
    load_ruleset()


def test_a_price_book_that_is_a_device_or_endless_is_refused_without_reading_it_all(
    tmp_path: Path,
) -> None:
    fifo = tmp_path / "book.yaml"
    os.mkfifo(fifo)
    for path in (Path("/dev/zero"), fifo):
        with pytest.raises(RulesError) as caught:
            read_yaml(path)
        assert caught.value.code == "not_a_file"
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * 3_000_000 + b"\n")
    with pytest.raises(RulesError) as caught:
        read_yaml(big)
    assert caught.value.code == "too_large"


def test_a_workbook_with_the_phone_header_twice_is_ambiguous_too(
    ruleset: RuleSet, tmp_path: Path
) -> None:
    import xlsxwriter

    book = tmp_path / "list.xlsx"
    workbook = xlsxwriter.Workbook(book)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["phone", "name", "phone"])
    sheet.write_row(1, 0, ["03-1234-5678", "a", "090-1234-5678"])
    workbook.close()
    err = refused(ruleset, book)  # fastexcel names the second `phone` header `phone_1`
    assert (err.code, err.hint is not None and "--phone-column" in err.hint) == (
        "ambiguous_phone_column",
        True,
    )
    assert check_json(book, "--phone-column", "phone_1")["ok"] == 1
