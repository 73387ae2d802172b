"""The CLI contract under generated file shapes and option combinations.

Whatever the list looks like (encoding × separator × quoting × lines above the header × column
collisions) and whichever options are combined, `kpsim` ends with a documented exit code; a
failure is one line on stderr (and `{"error": …}` on stdout with `--json`); a success accounts for
every row (rows in = sendable + rejected, per reason); no full phone number reaches any output;
and nothing is written outside `--out`.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from robustness_support import (
    AS_OF,
    EXIT_INPUT,
    EXIT_NOT_APPLICABLE,
    EXIT_OK,
    EXIT_RULES,
    EXIT_USAGE,
    kpsim_here,
)

DOCUMENTED = {EXIT_OK, EXIT_USAGE, EXIT_INPUT, EXIT_RULES, EXIT_NOT_APPLICABLE}
"""Exit 70 (a kpsim bug) is documented too, but no generated input may cause it."""

NUMBERS = ["090-1234-5678", "08012345678", "+81 70 1111 2222", "０９０１２３４５６７８", "abc", ""]
FULL_NUMBER = re.compile(r"(?<!\d)(?:0[789]0\d{8}|81[789]0\d{8}|[789]0\d{8})(?!\d)")
HEADERS = [
    ["phone", "name"],
    ["電話番号", "氏名"],
    ["Phone", "phone"],  # ambiguous: must be refused, not guessed
    ["row", "input_row", "phone"],
    ["tel", "mobile"],
]


@st.composite
def list_files(draw: st.DrawFn) -> tuple[bytes, str]:
    """A recipient list's bytes and its suffix."""
    header = draw(st.sampled_from(HEADERS))
    separator = draw(st.sampled_from([",", "\t", ";"]))
    quote = draw(st.booleans())
    rows = draw(st.lists(st.sampled_from(NUMBERS), min_size=0, max_size=6))
    above = draw(st.sampled_from(["", "\n", "sep=,\n", "Customer list 2026\n", ",,\n"]))

    def cell(value: str) -> str:
        return f'"{value}"' if quote else value

    lines = [separator.join(cell(h) for h in header)]
    for i, number in enumerate(rows):
        values = [number if h.lower() in ("phone", "電話番号", "tel") else f"n{i}" for h in header]
        lines.append(separator.join(cell(v) for v in values))
    text = above + "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp932", "utf-16"]))
    suffix = ".tsv" if separator == "\t" and draw(st.booleans()) else ".csv"
    return text.encode(encoding, errors="replace"), suffix


OPTIONS = st.lists(
    st.sampled_from(
        [
            ["--dedupe"],
            ["--phone-column", "phone"],
            ["--phone-column", "no-such-column"],
            ["--encoding", "cp932"],
            ["--encoding", "base64"],
            ["--skip-rows", "1"],
            ["--sheet", "Sheet1"],
            ["--assume", "porting_matrix=no_porting"],
            ["--assume", "no_such=thing"],
        ]
    ),
    max_size=3,
    unique_by=lambda o: o[0],
)


def _no_full_number(*texts: str) -> None:
    for text in texts:
        assert not FULL_NUMBER.search(text.replace("-", "").replace(" ", "")), text


@settings(max_examples=60, deadline=None)
@given(
    shape=list_files(),
    options=OPTIONS,
    command=st.sampled_from(["check", "forecast"]),
    as_json=st.booleans(),
)
def test_any_list_and_options_keep_the_cli_contract(
    shape: tuple[bytes, str], options: list[list[str]], command: str, as_json: bool
) -> None:
    data, suffix = shape
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / f"list{suffix}"
        path.write_bytes(data)
        out = folder / "out"
        argv: list[str | Path] = (
            ["recipients", "check", path, "--as-of", AS_OF]
            if command == "check"
            else ["forecast", path, "--message", "hi", "--as-of", AS_OF]
        )
        argv += [part for option in options for part in option]
        argv += ["--out", out] + (["--json"] if as_json else [])
        before = set(os.listdir(folder))
        run = kpsim_here(*argv)

        assert run.code in DOCUMENTED, (run.code, run.err)
        assert "Traceback" not in run.err
        _no_full_number(run.out, run.err)
        assert set(os.listdir(folder)) - before <= {"out"}, os.listdir(folder)
        if run.code != EXIT_OK:
            assert len(run.err_lines) == 1 and run.err.startswith("kpsim: "), run.err
            if as_json:
                error = json.loads(run.out)
                assert error["exit_code"] == run.code and error["error"]
            return
        if as_json:
            summary = json.loads(run.out)
            ok = summary["ok"] if command == "check" else summary["rows_ok"]
            rejected = summary["rejected"] if command == "check" else summary["rows_rejected"]
            assert summary["rows_in"] == ok + rejected
            assert sum(summary["rejects_by_reason"].values()) == rejected
        for written in out.rglob("*"):
            if written.suffix in (".csv", ".json", ".html"):
                _no_full_number(written.read_text(encoding="utf-8-sig"))
