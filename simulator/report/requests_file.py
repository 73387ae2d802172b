"""requests_<plan>.jsonl under `forecast --out`: one send request per recipient, to replay.

Each line is `{"row", "method", "url", "content_type", "body"}`: the form body is the plan's
request (`PlanResult.api_request.request`, built from rules/api.yaml) with the recipient's E.164
number in the one field a forecast leaves open. Numbers are masked as in recipients.parquet
(unless `--full-numbers`), since the body is built from its `e164` column.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote_plus

import polars as pl

from simulator import atomic
from simulator.result.forecast import Forecast
from simulator.result.shared import PlanRequest

PREFIX, SUFFIX = "requests_", ".jsonl"
ESCAPED = "%&+=*# "
"""Characters of an E.164 or masked number (`+`, `*`, …) a form value must escape, `%` first
and the space (encoded `+`) last."""


def requests_file_name(plan: str) -> str:
    return f"{PREFIX}{plan}{SUFFIX}"


def is_requests_file(name: str) -> bool:
    """Whether `name` is a requests file kpsim writes (so a later run may replace it)."""
    return name.startswith(PREFIX) and name.endswith(SUFFIX)


def form_escaped(value: pl.Expr) -> pl.Expr:
    """`value` escaped as a form field value, as `quote_plus` does for the characters a number
    or its masked form holds (digits, `+`, `-`, `*`)."""
    for char in ESCAPED:
        value = value.str.replace_all(char, quote_plus(char), literal=True)
    return value


def body_around_recipient(request: PlanRequest) -> tuple[str, str] | None:
    """The form body before and after the recipient's value, or None unless the recipient is
    the only value missing (a message rendered per recipient, or a sender not given)."""
    open_fields = [i for i, f in enumerate(request.fields) if f.value is None]
    if len(open_fields) != 1:
        return None
    at = open_fields[0]
    encoded = [f"{quote_plus(f.name)}={quote_plus(f.value or '')}" for f in request.fields]
    before = "&".join([*encoded[:at], f"{quote_plus(request.fields[at].name)}="])
    after = "".join(f"&{part}" for part in encoded[at + 1 :])
    return before, after


def requests_frame(rows: pl.LazyFrame, plan: str, request: PlanRequest) -> pl.LazyFrame | None:
    """One request per recipient the plan sends (every row but those too long to send)."""
    around = body_around_recipient(request)
    if around is None:
        return None
    before, after = around
    sent = rows.filter((pl.col("plan") == plan) & (pl.col("plan_status") != "too_long")).sort("row")
    return sent.select(
        pl.col("row"),
        pl.lit(request.method).alias("method"),
        pl.lit(request.url).alias("url"),
        pl.lit(request.content_type).alias("content_type"),
        (pl.lit(before) + form_escaped(pl.col("e164")) + pl.lit(after)).alias("body"),
    )


def write_requests_files(out_dir: Path, summary: Forecast, recipients: Path) -> dict[str, Path]:
    """requests_<plan>.jsonl for each sendable plan whose request lacks only the recipient,
    from the per-recipient rows in `recipients` (recipients.parquet), each written atomically."""
    if not recipients.is_file():
        return {}
    written: dict[str, Path] = {}
    for plan, result in summary.plans.items():
        request = result.api_request.request if result.api_request else None
        if not result.sendable or request is None:
            continue
        frame = requests_frame(pl.scan_parquet(recipients), plan, request)
        if frame is None:
            continue
        target = out_dir / requests_file_name(plan)
        written[f"requests_{plan}"] = atomic.write_with(target, frame.sink_ndjson)
    return written
