"""Files a forecast writes under `--out`: per-recipient Parquet, rejects CSV, summary, charts, HTML."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from simulator import atomic
from simulator.engine.stream import collect_streaming
from simulator.privacy import mask_expr


def _json_default(obj: Any) -> Any:
    from decimal import Decimal

    if isinstance(obj, Decimal):
        return int(obj) if obj == obj.to_integral_value() else float(obj)
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    raise TypeError(type(obj).__name__)


def summary_json(summary: dict[str, Any]) -> str:
    return json.dumps(summary, ensure_ascii=False, indent=2, default=_json_default) + "\n"


NUMBER_COLUMNS = ["e164", "raw"]


def masked(frame: pl.LazyFrame, columns: list[str]) -> pl.LazyFrame:
    """Phone-number columns replaced by their masked form."""
    present = [c for c in columns if c in frame.collect_schema().names()]
    return frame.with_columns(mask_expr(c).alias(c) for c in present)


def recipient_sinks(
    out_dir: Path,
    stack: contextlib.ExitStack[Any],
    *,
    rows: pl.LazyFrame,
    checked: pl.LazyFrame,
    full_numbers: bool = False,
) -> list[pl.LazyFrame]:
    """Lazy sinks of recipients.parquet (one row per recipient and plan) and rejects.csv into
    temporary files that replace the targets when `stack` closes without an error."""
    per_recipient = rows if full_numbers else masked(rows, NUMBER_COLUMNS)
    rejects = checked.filter(pl.col("status") == "rejected").select(
        "row", "raw", "number_class", "reject_reason"
    )
    if not full_numbers:
        rejects = masked(rejects, ["raw"])
    parquet = stack.enter_context(atomic.atomic_path(out_dir / "recipients.parquet"))
    csv = stack.enter_context(atomic.atomic_path(out_dir / "rejects.csv"))
    return [
        per_recipient.sink_parquet(parquet, lazy=True),
        rejects.sink_csv(csv, lazy=True),
    ]


def output_sinks(
    out_dir: Path, stack: contextlib.ExitStack[Any], *, full_numbers: bool = False
) -> Callable[[pl.LazyFrame, pl.LazyFrame], list[pl.LazyFrame]]:
    """`recipient_sinks` for `forecast(..., sinks=...)`: called with the rows and the checked list."""

    def sinks(rows: pl.LazyFrame, checked: pl.LazyFrame) -> list[pl.LazyFrame]:
        return recipient_sinks(
            out_dir, stack, rows=rows, checked=checked, full_numbers=full_numbers
        )

    return sinks


def write_report_files(out_dir: Path, summary: dict[str, Any]) -> dict[str, Path]:
    """summary.json, the PNG charts and report.html, each written atomically."""
    from simulator.report.charts import write_charts  # matplotlib loads only when charts are drawn
    from simulator.report.html import render_html

    written = {"summary": atomic.write_text(out_dir / "summary.json", summary_json(summary))}
    charts = write_charts(summary, out_dir)
    written.update({name: path for name, path in charts.items()})
    written["report"] = atomic.write_text(out_dir / "report.html", render_html(summary, charts))
    return written


def write_forecast_outputs(
    out_dir: Path,
    *,
    rows: pl.LazyFrame,
    checked: pl.DataFrame | pl.LazyFrame,
    summary: dict[str, Any],
    full_numbers: bool = False,
) -> dict[str, Path]:
    """Write every output atomically; numbers are masked unless `full_numbers`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        sinks = recipient_sinks(
            out_dir, stack, rows=rows, checked=checked.lazy(), full_numbers=full_numbers
        )
        collect_streaming(sinks)
    written = {"recipients": out_dir / "recipients.parquet", "rejects": out_dir / "rejects.csv"}
    written.update(write_report_files(out_dir, summary))
    return written
