"""Files a forecast writes under `--out`: per-recipient Parquet, rejects CSV, summary, charts, HTML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from simulator import atomic
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


def masked(frame: pl.LazyFrame, columns: list[str]) -> pl.LazyFrame:
    """Phone-number columns replaced by their masked form."""
    present = [c for c in columns if c in frame.collect_schema().names()]
    return frame.with_columns(mask_expr(c).alias(c) for c in present)


def write_forecast_outputs(
    out_dir: Path,
    *,
    rows: pl.LazyFrame,
    checked: pl.DataFrame,
    summary: dict[str, Any],
    full_numbers: bool = False,
) -> dict[str, Path]:
    """Write every output atomically; numbers are masked unless `full_numbers`."""
    from simulator.report.charts import write_charts  # matplotlib loads only when charts are drawn
    from simulator.report.html import render_html

    out_dir.mkdir(parents=True, exist_ok=True)
    number_cols = ["e164", "raw"]
    per_recipient = rows if full_numbers else masked(rows, number_cols)
    rejects = (
        checked.lazy()
        .filter(pl.col("status") == "rejected")
        .select("row", "raw", "number_class", "reject_reason")
    )
    if not full_numbers:
        rejects = masked(rejects, ["raw"])
    written = {
        "recipients": atomic.write_parquet(out_dir / "recipients.parquet", per_recipient),
        "rejects": atomic.write_csv(out_dir / "rejects.csv", rejects.collect()),
        "summary": atomic.write_text(out_dir / "summary.json", summary_json(summary)),
    }
    charts = write_charts(summary, out_dir)
    written.update({name: path for name, path in charts.items()})
    written["report"] = atomic.write_text(out_dir / "report.html", render_html(summary, charts))
    return written
