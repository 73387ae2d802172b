"""`--out` writes one Excel workbook, kpsim.xlsx (recipients, rejects, summary), from
`forecast` and `recipients check` alike; and every surface of one forecast shows the same totals."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from cli_runner import REPO, Kpsim

from simulator.i18n import t
from simulator.pricing.money import fmt_jpy
from tests.report.report_support import read_page

LIST = str(REPO / "datasets" / "sample_recipients.csv")
MESSAGE = str(REPO / "datasets" / "sample_message.txt")
AS_OF = "2026-12-01"
FULL_NUMBER = "090-5925-3108"
"""The first row's number in the sample list."""
SHARED = ["row", "raw", "customer_id", "name", "e164", "number_class", "carrier", "carrier_source"]


def sheets(path: Path) -> dict[str, pl.DataFrame]:
    return pl.read_excel(path, sheet_id=0)


def forecast_out(kpsim: Kpsim, out: Path, *extra: str) -> tuple[int, str]:
    code, text, _ = kpsim(
        "forecast", LIST, "--message-file", MESSAGE, "--as-of", AS_OF, "--out", str(out), *extra
    )
    return code, text


def check_out(kpsim: Kpsim, out: Path, *extra: str) -> int:
    code, _, _ = kpsim("recipients", "check", LIST, "--as-of", AS_OF, "--out", str(out), *extra)
    return code


def headers(*names: str) -> list[str]:
    return [t(f"workbook.col.{n}", "en") if n not in ("customer_id", "name") else n for n in names]


def test_forecast_out_writes_a_workbook_with_recipients_rejects_and_summary(
    kpsim: Kpsim, tmp_path: Path
) -> None:
    assert forecast_out(kpsim, tmp_path / "out")[0] == 0
    book = sheets(tmp_path / "out" / "kpsim.xlsx")
    assert list(book) == ["recipients", "rejects", "summary"]
    recipients = book["recipients"]
    assert recipients.columns[:8] == headers(*SHARED)
    assert recipients.columns[8:] == headers(
        "plan", "plan_status", "route", "sender_shown", "parts", "cost_jpy", "price_basis"
    )
    assert recipients.height == 1_858 * 3
    assert recipients[headers("cost_jpy")[0]].dtype.is_numeric()
    rejects = book["rejects"]
    assert rejects.height == 142
    assert rejects[headers("reason_meaning")[0]].null_count() == 0


@pytest.mark.parametrize("command", ["forecast", "check"])
def test_a_sheet_beyond_its_row_limit_is_capped_and_the_summary_says_so(
    kpsim: Kpsim, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.setattr("simulator.report.workbook.SHEET_MAX_ROWS", 100)
    out = tmp_path / "out"
    code = forecast_out(kpsim, out)[0] if command == "forecast" else check_out(kpsim, out)
    assert code == 0
    book = sheets(out / "kpsim.xlsx")
    assert book["recipients"].height == book["rejects"].height == 100
    assert book["recipients"][headers("row")[0]].to_list() == sorted(
        book["recipients"][headers("row")[0]].to_list()
    )
    notes = book["summary"].filter(pl.col(t("workbook.col.item", "en")).is_in(list(book)[:2]))
    total = "5,574" if command == "forecast" else "2,000"
    assert notes[t("workbook.col.value", "en")].to_list() == [
        t("workbook.item.sheet_capped", "en", shown="100", total=total),
        t("workbook.item.sheet_capped", "en", shown="100", total="142"),
    ]


def test_a_sheet_within_its_row_limit_has_no_capped_note(kpsim: Kpsim, tmp_path: Path) -> None:
    assert forecast_out(kpsim, tmp_path / "out")[0] == 0
    summary = sheets(tmp_path / "out" / "kpsim.xlsx")["summary"]
    assert summary[t("workbook.col.section", "en")][0] == t("workbook.section.list", "en")
    assert summary[t("workbook.col.item", "en")][0] == t("workbook.item.file", "en")


def test_forecast_and_check_workbooks_share_their_column_names_and_rejects(
    kpsim: Kpsim, tmp_path: Path
) -> None:
    assert forecast_out(kpsim, tmp_path / "f")[0] == 0
    assert check_out(kpsim, tmp_path / "c") == 0
    forecast, check = sheets(tmp_path / "f" / "kpsim.xlsx"), sheets(tmp_path / "c" / "kpsim.xlsx")
    assert check["recipients"].columns[:8] == forecast["recipients"].columns[:8]
    assert check["recipients"].height == 2_000
    assert check["rejects"].equals(forecast["rejects"])


def test_forecast_and_check_write_the_same_rejects_csv_with_the_lists_own_columns(
    kpsim: Kpsim, tmp_path: Path
) -> None:
    assert forecast_out(kpsim, tmp_path / "f")[0] == 0
    assert check_out(kpsim, tmp_path / "c") == 0
    forecast, check = (tmp_path / "f" / "rejects.csv"), (tmp_path / "c" / "rejects.csv")
    assert forecast.read_bytes() == check.read_bytes()
    rejects = pl.read_csv(forecast)
    assert rejects.height == 142
    assert {"customer_id", "name", "reject_reason"} <= set(rejects.columns)


@pytest.mark.parametrize("command", ["forecast", "check"])
def test_numbers_are_masked_in_the_workbook_unless_full_numbers(
    kpsim: Kpsim, tmp_path: Path, command: str
) -> None:
    def write(out: Path, *extra: str) -> Path:
        code = forecast_out(kpsim, out, *extra)[0] if command == "forecast" else None
        code = check_out(kpsim, out, *extra) if command == "check" else code
        assert code == 0
        return out / "kpsim.xlsx"

    def cells(path: Path) -> str:
        return " ".join(str(v) for f in sheets(path).values() for v in f.rows())

    digits = re.sub(r"\D", "", FULL_NUMBER)
    masked = cells(write(tmp_path / "masked"))
    assert FULL_NUMBER not in masked and digits not in masked
    full = cells(write(tmp_path / "full", "--full-numbers"))
    assert FULL_NUMBER in full or digits in full or "+819059253108" in full


def test_the_workbook_is_in_japanese_with_kpsim_lang_ja(
    kpsim: Kpsim, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPSIM_LANG", "ja")
    assert check_out(kpsim, tmp_path / "c") == 0
    book = sheets(tmp_path / "c" / "kpsim.xlsx")
    assert list(book) == ["宛先", "送信対象外", "集計"]
    meanings = book["送信対象外"][t("workbook.col.reason_meaning", "ja")].to_list()
    assert all(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", m) for m in meanings)


@pytest.mark.parametrize("command", ["forecast", "check"])
def test_every_csv_for_excel_starts_with_a_utf8_bom(
    kpsim: Kpsim, tmp_path: Path, command: str
) -> None:
    out = tmp_path / "out"
    assert (forecast_out(kpsim, out)[0] if command == "forecast" else check_out(kpsim, out)) == 0
    csvs = sorted(out.glob("*.csv"))
    assert csvs
    assert all(p.read_bytes().startswith(b"\xef\xbb\xbf") for p in csvs)


def test_text_json_report_and_workbook_show_the_same_totals(kpsim: Kpsim, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, text = forecast_out(kpsim, out)
    assert code == 0
    code, document = kpsim.json(
        "forecast", LIST, "--message-file", MESSAGE, "--as-of", AS_OF, "--out", str(tmp_path / "j")
    )
    assert code == 0
    page = read_page((out / "report.html").read_text(encoding="utf-8"))
    summary = sheets(out / "kpsim.xlsx")["summary"]
    label = t("report.text.total_excl_tax", "en")
    text_row = next(line for line in text.splitlines() if line.strip("│ ").startswith(label))
    text_cells = [c.strip() for c in text_row.strip("│ ").split("│")][1:]
    plans = [p for p, r in document["plans"].items() if r["sendable"]]
    for i, plan in enumerate(plans):
        shown = fmt_jpy(document["plans"][plan]["total_jpy_excl_tax"])
        assert text_cells[i] == shown
        assert page.row("comparison", t("report.html.total_excl_tax", "en"))[i] == shown
        in_book = summary.filter(
            (pl.col("section") == plan)
            & (pl.col("item") == t("workbook.item.total_excl_tax", "en"))
        )["value"].item()
        assert in_book == shown
        low, high = document["plans"][plan]["range_jpy_excl_tax"]
        span = f"{fmt_jpy(low)} – {fmt_jpy(high)}"
        assert span in text
        assert page.row("uncertainty", t("range.html_label", "en"))[i] == span
        in_book_range = summary.filter(
            (pl.col("section") == plan) & (pl.col("item") == t("range.label", "en"))
        )["value"].item()
        assert in_book_range == span
