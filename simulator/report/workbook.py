"""`kpsim.xlsx`: one Excel workbook an analyst can forward, written under `--out` by
`forecast` and `recipients check` alike.

Three sheets: one row per recipient (the list's own columns, then what kpsim found and, for a
forecast, per plan the route, the sender shown, the parts and the cost in yen), the rejected
rows with their reason and its meaning, and a summary. Both commands name the columns they
share the same way (`HEADERS`, in the language in force); phone numbers arrive masked unless
`--full-numbers`. Written atomically into the run's output set.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import polars as pl

from simulator import atomic
from simulator.i18n import current, t
from simulator.pricing.money import fmt_jpy
from simulator.result.check import CheckSummary
from simulator.result.forecast import Forecast
from simulator.rules.reasons import describe

WORKBOOK_FILE = "kpsim.xlsx"
SHEET_MAX_ROWS = 200_000
"""Rows of data a sheet gets below its header: a 50k-recipient list × 3 plans fits. Excel holds
1,048,575, but writing that many cells takes xlsxwriter minutes and gigabytes (measured: 170 s,
4.9 GiB for 1M recipients), and a sheet that large is hardly usable; every row is in
recipients.parquet and rejects.csv."""

LIST_COLUMNS = ("row", "raw")
"""kpsim's row number and the phone number as the list gave it (masked unless --full-numbers)."""
FOUND_COLUMNS = ("e164", "number_class", "carrier", "carrier_source")
"""What kpsim found for every row; shared by both commands."""
CHECK_COLUMNS = ("status", "reject_reason")
PLAN_COLUMNS = ("plan", "plan_status", "route", "sender_shown", "parts", "cost_jpy", "price_basis")
KPSIM_OWN = frozenset(
    {*LIST_COLUMNS, *FOUND_COLUMNS, *CHECK_COLUMNS, *PLAN_COLUMNS, "reason_meaning"}
    | {"repair", "allocated_carrier", "dup_of", "lookup_unmatched"}
)
HEADERS = {
    name: f"workbook.col.{name}"
    for name in sorted(KPSIM_OWN - {"repair", "allocated_carrier", "lookup_unmatched"})
}
"""Catalogue key of each kpsim column's header (the list's own columns keep their names)."""


def input_columns(schema: Iterable[str]) -> list[str]:
    """The list's own columns (customer number, name, ...) in their order, phone aside."""
    return [c for c in schema if c not in KPSIM_OWN]


def _headed(frame: pl.DataFrame) -> pl.DataFrame:
    """kpsim's columns under their headers in the language in force."""
    return frame.rename({c: t(HEADERS[c]) for c in frame.columns if c in HEADERS})


def _capped(rows: pl.LazyFrame, sheet: str, notes: list[tuple[str, str, object]]) -> pl.DataFrame:
    """The rows a sheet can hold; when there are more, a note for the summary sheet says how
    many it shows of how many (every row is still in recipients.parquet and rejects.csv)."""
    head = rows.head(SHEET_MAX_ROWS + 1).collect()
    if head.height > SHEET_MAX_ROWS:
        total = rows.select(pl.len()).collect().item()
        shown = t("workbook.item.sheet_capped", shown=f"{SHEET_MAX_ROWS:,}", total=f"{total:,}")
        notes.append((t("workbook.section.list"), sheet, shown))
    return head.head(SHEET_MAX_ROWS)


def _rejects(checked: pl.LazyFrame) -> pl.LazyFrame:
    """Rejected rows: number, the list's columns, reason and its meaning in the language."""
    schema = checked.collect_schema()
    rows = checked.filter(pl.col("status") == "rejected")
    reasons = rows.select(pl.col("reject_reason").drop_nulls().unique()).collect()
    meanings = {r: describe(r, current()) for r in reasons["reject_reason"]}
    return rows.select(
        *LIST_COLUMNS,
        *input_columns(schema),
        "number_class",
        "reject_reason",
        pl.col("reject_reason").replace_strict(meanings, default=None).alias("reason_meaning"),
    ).sort("row")


def _list_rows(checked: pl.LazyFrame) -> pl.LazyFrame:
    """Every row with its number and the list's columns, then what kpsim found."""
    schema = checked.collect_schema()
    return checked.select(*LIST_COLUMNS, *input_columns(schema), *FOUND_COLUMNS)


def _priced_rows(priced: pl.LazyFrame) -> pl.LazyFrame:
    """Per recipient and plan: status, route, sender shown, parts and the cost in yen."""
    return priced.select(
        "row",
        "plan",
        "plan_status",
        "route",
        "sender_shown",
        pl.col("parts").cast(pl.Int64),
        (pl.col("cost_sen") / 100).alias("cost_jpy"),
        "price_basis",
    )


def _summary_rows(rows: list[tuple[str, str, object]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            t("workbook.col.section"): [r[0] for r in rows],
            t("workbook.col.item"): [r[1] for r in rows],
            t("workbook.col.value"): [str(r[2]) for r in rows],
        },
        schema={
            t(k): pl.String
            for k in ("workbook.col.section", "workbook.col.item", "workbook.col.value")
        },
    )


def _yen_or_dash(value: object) -> str:
    return "–" if value is None else fmt_jpy(value)  # type: ignore[arg-type]


def forecast_summary(summary: Forecast) -> pl.DataFrame:
    """The forecast's figures: the list, then per plan the totals and the range."""
    rows: list[tuple[str, str, object]] = [
        (t("workbook.section.list"), t("workbook.item.file"), summary.input.file or "–"),
        (t("workbook.section.list"), t("workbook.item.as_of"), summary.as_of.isoformat()),
        (t("workbook.section.list"), t("workbook.item.rows_in"), summary.rows_in),
        (t("workbook.section.list"), t("workbook.item.rows_ok"), summary.rows_ok),
        (t("workbook.section.list"), t("workbook.item.rows_rejected"), summary.rows_rejected),
    ]
    for name, plan in summary.plans.items():
        if not plan.sendable:
            rows.append((name, t("workbook.item.sendable"), t("report.no")))
            continue
        span = plan.range_jpy_excl_tax
        rows += [
            (name, t("workbook.item.recipients"), plan.recipients),
            (name, t("workbook.item.parts"), plan.parts),
            (name, t("workbook.item.charges_excl_tax"), _yen_or_dash(plan.cost_jpy_excl_tax)),
            (name, t("workbook.item.fees"), _yen_or_dash(plan.fixed_fees_jpy)),
            (name, t("workbook.item.total_excl_tax"), _yen_or_dash(plan.total_jpy_excl_tax)),
            (name, t("workbook.item.total_incl_tax"), _yen_or_dash(plan.total_jpy_incl_tax)),
            (
                name,
                t("range.label"),
                "–" if span is None else f"{fmt_jpy(span[0])} – {fmt_jpy(span[1])}",
            ),
            (name, t("workbook.item.price_basis"), plan.price_basis or "–"),
        ]
    return _summary_rows(rows)


def check_summary(summary: CheckSummary) -> pl.DataFrame:
    """The check's counts: rows, classes, carriers and rejects by reason."""
    rows: list[tuple[str, str, object]] = [
        (t("workbook.section.list"), t("workbook.item.file"), summary.input.file or "–"),
        (t("workbook.section.list"), t("workbook.item.as_of"), summary.as_of.isoformat()),
        (t("workbook.section.list"), t("workbook.item.rows_in"), summary.rows_in),
        (t("workbook.section.list"), t("workbook.item.rows_ok"), summary.ok),
        (t("workbook.section.list"), t("workbook.item.rows_rejected"), summary.rejected),
    ]
    rows += [(t("workbook.section.by_class"), k, v) for k, v in sorted(summary.by_class.items())]
    rows += [
        (t("workbook.section.by_carrier"), k, v) for k, v in sorted(summary.by_carrier.items())
    ]
    rows += [
        (t("workbook.section.rejects"), k, v) for k, v in sorted(summary.rejects_by_reason.items())
    ]
    return _summary_rows(rows)


def _write(path: Path, sheets: list[tuple[str, pl.DataFrame]]) -> Path:
    """The sheets into one workbook, atomically; headers frozen, columns sized to fit."""

    import xlsxwriter  # type: ignore[import-untyped]  # only runs that write a workbook load it

    def write(tmp: Path) -> None:
        with xlsxwriter.Workbook(str(tmp)) as book:
            for name, frame in sheets:
                frame.write_excel(
                    book,
                    worksheet=name,
                    autofit=frame.height <= 10_000,
                    freeze_panes=(1, 0),
                    float_precision=2,
                    table_style=None,
                )

    atomic.write_with(path, write)
    return path


def write_forecast_workbook(
    out_dir: Path, summary: Forecast, *, checked: pl.LazyFrame, priced: pl.LazyFrame
) -> Path:
    """kpsim.xlsx of a forecast: per recipient × plan, rejects, summary. `checked` and `priced`
    come masked unless --full-numbers (`priced`: the recipients.parquet just written)."""
    ok = checked.filter(pl.col("status") != "rejected")
    per_recipient = (
        _list_rows(ok).join(_priced_rows(priced), on="row", how="inner").sort("row", "plan")
    )
    return _write_sheets(out_dir, per_recipient, _rejects(checked), forecast_summary(summary))


def _write_sheets(
    out_dir: Path, recipients: pl.LazyFrame, rejects: pl.LazyFrame, summary: pl.DataFrame
) -> Path:
    """The recipients and rejects sheets, each capped at SHEET_MAX_ROWS, then the summary with
    a note for any sheet that was capped."""
    notes: list[tuple[str, str, object]] = []
    sheets = [
        (name, _headed(_capped(rows, name, notes)))
        for name, rows in (
            (t("workbook.sheet.recipients"), recipients),
            (t("workbook.sheet.rejects"), rejects),
        )
    ]
    return _write(
        out_dir / WORKBOOK_FILE,
        [*sheets, (t("workbook.sheet.summary"), pl.concat([_summary_rows(notes), summary]))],
    )


def write_check_workbook(out_dir: Path, summary: CheckSummary, *, checked: pl.LazyFrame) -> Path:
    """kpsim.xlsx of `recipients check`: every row as checked, rejects, summary; `checked` comes
    masked unless --full-numbers (the recipients.parquet just written)."""
    schema = checked.collect_schema()
    every_row = checked.select(
        *LIST_COLUMNS, *input_columns(schema), *FOUND_COLUMNS, *CHECK_COLUMNS
    ).sort("row")
    return _write_sheets(out_dir, every_row, _rejects(checked), check_summary(summary))
