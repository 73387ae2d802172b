"""Reading lists: encodings, separators, Parquet and frames, column names, and clear errors."""

from __future__ import annotations

import codecs
from pathlib import Path

import polars as pl
import pytest
from numbers_support import AS_OF, DATASETS, Checker

from simulator.errors import InputError, UsageError
from simulator.numbers import reader
from simulator.numbers.recipients import CHECKED_COLUMNS, check_recipients, read_recipients
from simulator.rules.ruleset import RuleSet

SAMPLE = DATASETS / "sample_recipients.csv"
SAMPLE_CP932 = DATASETS / "sample_recipients_cp932.csv"
SAMPLE_LOOKUP = DATASETS / "sample_recipients_lookup.csv"
RESULT = [*CHECKED_COLUMNS, "customer_id", "name"]


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_utf8_bom_and_cp932_copies_of_a_list_check_identically(
    check: Checker, tmp_path: Path
) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_bytes(codecs.BOM_UTF8 + SAMPLE.read_bytes())
    utf8, with_bom, cp932 = (check(p).select(RESULT) for p in (SAMPLE, bom, SAMPLE_CP932))
    assert utf8.height == 2000
    assert utf8.equals(with_bom)
    assert utf8.equals(cp932)


def test_the_default_engine_gives_the_same_frame(ruleset: RuleSet, check: Checker) -> None:
    lazy = check_recipients(SAMPLE_LOOKUP, as_of=AS_OF, ruleset=ruleset)
    assert lazy.collect().equals(check(SAMPLE_LOOKUP))


def test_encoding_is_detected_and_reported(ruleset: RuleSet) -> None:
    assert read_recipients(SAMPLE, ruleset=ruleset).encoding == "utf-8"
    assert read_recipients(SAMPLE_CP932, ruleset=ruleset).encoding == "cp932"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp932", "utf-16"])
def test_a_japanese_header_is_found_in_every_encoding(
    check: Checker, tmp_path: Path, encoding: str
) -> None:
    path = _write(
        tmp_path / "list.csv", "氏名,電話番号\r\n髙橋 﨑子,０９０－１２３４－５６７８\r\n", encoding
    )
    out = check(path)
    assert out.select("e164", "氏名").row(0) == ("+819012345678", "髙橋 﨑子")


def test_shift_jis_named_explicitly_is_decoded_as_cp932(check: Checker, tmp_path: Path) -> None:
    path = _write(tmp_path / "sjis.csv", "電話番号,氏名\n090−1234−5678,髙橋\n", "cp932")
    out = check(path, encoding="shift_jis")
    assert out.select("e164", "氏名").row(0) == ("+819012345678", "髙橋")


def test_transcoding_in_small_chunks_splits_no_character(
    check: Checker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader, "CHUNK_BYTES", 7)
    out = check(SAMPLE_CP932).select(RESULT)
    assert out.equals(check(SAMPLE).select(RESULT))


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("list.tsv", "name\tphone\nA\t090-1234-5678\n"),
        ("list.txt", "name\tphone\nA\t090-1234-5678\n"),
        ("list.csv", "name,phone\nA,090-1234-5678\n"),
    ],
)
def test_tab_and_comma_separated_lists(
    check: Checker, tmp_path: Path, name: str, text: str
) -> None:
    out = check(_write(tmp_path / name, text))
    assert out.select("e164", "name").row(0) == ("+819012345678", "A")


@pytest.mark.parametrize(
    ("header", "wanted"),
    [
        ("PHONE", None),
        ("Mobile Number", None),
        ("携帯電話番号", None),
        ("msisdn", None),
        ("TEL", None),
        ("連絡先", "連絡先"),
        ("number", "Number"),
    ],
)
def test_the_phone_column_is_found_by_common_names(
    check: Checker, tmp_path: Path, header: str, wanted: str | None
) -> None:
    path = _write(tmp_path / "list.csv", f"id,{header}\n1,090-1234-5678\n")
    assert check(path, phone_column=wanted)["e164"].to_list() == ["+819012345678"]


def test_a_mobile_column_wins_over_a_landline_column(check: Checker, tmp_path: Path) -> None:
    path = _write(tmp_path / "list.csv", "電話番号,携帯番号\n03-1234-5678,090-1234-5678\n")
    assert check(path)["e164"].to_list() == ["+819012345678"]


def test_every_column_is_read_as_text(check: Checker, tmp_path: Path) -> None:
    path = _write(tmp_path / "list.csv", "phone,zip,id\n09012345678,0600001,007\n")
    out = check(path)
    assert out.select("raw", "zip", "id").row(0) == ("09012345678", "0600001", "007")


def test_every_data_record_gets_its_row_number(check: Checker, tmp_path: Path) -> None:
    text = 'phone,note\n090-1234-5678,"two\nlines"\n\n080-2345-6789,x\n'
    out = check(_write(tmp_path / "list.csv", text))
    assert out["row"].to_list() == [1, 2, 3]
    assert out["number_class"].to_list() == ["mobile", "empty", "mobile"]


def test_parquet_with_numeric_phones_is_repaired(check: Checker, tmp_path: Path) -> None:
    path = tmp_path / "list.parquet"
    pl.DataFrame({"phone": [9012345678, 312345678], "score": [1.5, 2.0]}).write_parquet(path)
    out = check(path)
    assert out.select("e164", "repair", "number_class").rows() == [
        ("+819012345678", "leading_zero_restored", "mobile"),
        ("+81312345678", None, "non_sms"),
    ]
    assert out["score"].to_list() == ["1.5", "2.0"]


def test_float_phones_from_a_frame_lose_their_float_residue(check: Checker) -> None:
    out = check(pl.DataFrame({"phone": [9012345678.0]}))
    assert out.select("raw", "e164", "repair").row(0) == (
        "9012345678.0",
        "+819012345678",
        "leading_zero_restored",
    )


def test_lazy_frames_are_read_too(check: Checker) -> None:
    lazy = pl.LazyFrame({"tel": ["090-1234-5678"], "row": ["r1"]})
    out = check(lazy)
    assert out.select("row", "e164", "input_row").row(0) == (1, "+819012345678", "r1")


def _error(path: Path, ruleset: RuleSet, **options: str) -> InputError:
    with pytest.raises(InputError) as caught:
        read_recipients(path, ruleset=ruleset, **options)
    return caught.value


@pytest.mark.parametrize(
    ("content", "message", "line"),
    [
        (b"", "file is empty", None),
        (b"\n\n", "file is empty", None),
        (b"phone,name\n", "has a header but no data rows", 2),
        (b"phone,name\n090-1234-5678,a\x00b\n", "NUL bytes", 2),
        (b"PK\x03\x04\x14\x00\x06\x00", "a zip file: neither a workbook", None),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE file: neither a workbook", None),
        (b"phone,name\n090-1234-5678,\xff\xfe\xfd\n", "cannot decode", 2),
    ],
)
def test_unreadable_files_are_one_line_input_errors(
    ruleset: RuleSet, tmp_path: Path, content: bytes, message: str, line: int | None
) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(content)
    err = _error(path, ruleset)
    assert message in err.render()
    assert err.file == str(path) and err.line == line
    assert "\n" not in err.render()


def test_a_nul_past_the_first_chunk_names_its_line(ruleset: RuleSet, tmp_path: Path) -> None:
    from simulator.numbers.reader import CHUNK_BYTES

    row = b"090-1234-5678,a\n"
    rows = CHUNK_BYTES // len(row) + 1000
    path = tmp_path / "list.csv"
    path.write_bytes(b"phone,name\n" + row * rows + b"090-1234-5678,a\x00b\n")
    err = _error(path, ruleset)
    assert "NUL bytes" in err.render() and err.line == rows + 2


def test_a_missing_phone_column_lists_the_columns_that_exist(
    ruleset: RuleSet, tmp_path: Path
) -> None:
    path = _write(tmp_path / "list.csv", "name,email\nA,a@example.com\n")
    assert "the columns are: 'name', 'email'" in _error(path, ruleset).render()
    named = _error(path, ruleset, phone_column="mobile").render()
    assert "no phone column 'mobile'" in named and "'name', 'email'" in named


def test_a_list_without_a_header_is_recognised_and_masked(ruleset: RuleSet, tmp_path: Path) -> None:
    path = _write(tmp_path / "list.csv", "09012345678\n08023456789\n")
    text = _error(path, ruleset).render()
    assert "no header row" in text and "09012345678" not in text and "****5678" in text


def test_a_missing_file_and_an_unknown_encoding(ruleset: RuleSet, tmp_path: Path) -> None:
    assert "file not found" in _error(tmp_path / "nope.csv", ruleset).render()
    with pytest.raises(UsageError):
        read_recipients(SAMPLE, ruleset=ruleset, encoding="no-such-codec")
