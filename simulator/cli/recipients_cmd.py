"""`kpsim recipients check`: read a list, normalise every number, and account for every row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import typer
from rich.table import Table

from simulator import atomic
from simulator.cli.common import parse_date, parse_pairs, print_json, stdout
from simulator.errors import InputError
from simulator.numbers.reasons import describe
from simulator.numbers.recipients import (
    RecipientSource,
    check_recipients,
    read_recipients,
    summarise,
)
from simulator.rules.assumptions import modelled_settings, resolve_settings
from simulator.rules.ruleset import load_ruleset

app = typer.Typer(
    help="Read, normalise and classify recipient lists (every row accounted for).",
    no_args_is_help=True,
)


def collect_checked(lf: pl.LazyFrame, source: RecipientSource) -> pl.DataFrame:
    """Collect a checked list; a read error deep in a large file becomes a one-line InputError."""
    try:
        return lf.collect()
    except pl.exceptions.PolarsError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot read the list: {first}", file=source.label) from None


def write_outputs(checked: pl.DataFrame, out: Path) -> dict[str, str]:
    """recipients.parquet (every row, checked) and rejects.csv (rejected rows, UTF-8 with BOM)."""
    flat = [name for name, dtype in checked.schema.items() if not dtype.is_nested()]
    rejects = checked.filter(pl.col("status") == "rejected").select(flat)
    parquet = atomic.write_parquet(out / "recipients.parquet", checked)
    csv = atomic.write_with(out / "rejects.csv", lambda p: rejects.write_csv(p, include_bom=True))
    return {"recipients": str(parquet), "rejects": str(csv)}


def _counts_table(title: str, counts: dict[str, int], total: int, describe_rows: bool) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(title.split()[-1])
    table.add_column("rows", justify="right")
    table.add_column("share", justify="right")
    if describe_rows:
        table.add_column("meaning")
    for key, n in counts.items():
        cells = [key, f"{n:,}", f"{n / total:.1%}" if total else "-"]
        if describe_rows:
            cells.append(describe(key))
        table.add_row(*cells)
    return table


def print_summary(summary: dict[str, Any]) -> None:
    """The text report: totals, classes, carriers, reject reasons with masked examples."""
    total = summary["rows_in"]
    source = summary["input"]
    stdout.print(
        f"{source['file']}: {total:,} rows in, {summary['ok']:,} ok, "
        f"{summary['rejected']:,} rejected (phone column {source['phone_column']!r}"
        + (f", carrier column {source['carrier_column']!r}" if source["carrier_column"] else "")
        + (f", {source['encoding']}" if source["encoding"] else "")
        + ")",
        markup=False,
    )
    stdout.print(_counts_table("by class", summary["by_class"], total, False))
    stdout.print(_counts_table("ok rows by carrier", summary["by_carrier"], summary["ok"], False))
    stdout.print(
        _counts_table(
            "ok rows by carrier source", summary["by_carrier_source"], summary["ok"], False
        )
    )
    if summary["rejects_by_reason"]:
        table = Table(title="rejected rows by reason", title_justify="left")
        for column in ("reason", "rows", "examples (masked)", "meaning"):
            table.add_column(column, justify="right" if column == "rows" else "left")
        for reason, n in summary["rejects_by_reason"].items():
            examples = ", ".join(e for e in summary["examples"].get(reason, []) if e)
            table.add_row(reason, f"{n:,}", examples, describe(reason))
        stdout.print(table)
    repaired = ", ".join(f"{k} {v:,}" for k, v in summary["repaired"].items()) or "none"
    stdout.print(f"duplicates: {summary['duplicates']:,}; repaired: {repaired}", markup=False)
    if summary["duplicates"] and not summary["dedupe"]:
        stdout.print(
            "duplicates are kept and would be sent and charged; back-to-back K-Premium sends to "
            "one number can fail (use --dedupe to reject repeats)",
            markup=False,
        )
    for name, path in summary.get("outputs", {}).items():
        stdout.print(f"wrote {name}: {path}", markup=False)


@app.command("check")
def check_cmd(
    file: Path = typer.Argument(..., help="Recipient list: CSV, TSV or Parquet."),
    phone_column: str | None = typer.Option(
        None, "--phone-column", help="Column with the numbers (default: found by name)."
    ),
    carrier_column: str | None = typer.Option(
        None, "--carrier-column", help="Column with carrier-lookup results (brands or MCC-MNC)."
    ),
    encoding: str | None = typer.Option(
        None, "--encoding", help="File encoding (default: UTF-8, else CP932 when it decodes)."
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Date YYYY-MM-DD (default: today in Japan)."
    ),
    dedupe: bool = typer.Option(
        False, "--dedupe", help="Reject later occurrences of a number (reason duplicate)."
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Write recipients.parquet (every row) and rejects.csv here (full numbers).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of text."),
    rules: Path | None = typer.Option(
        None, "--rules", help="Rules directory (default: the shipped rules/)."
    ),
    assume: list[str] | None = typer.Option(
        None, "--assume", help="NAME=VALUE: switch a named assumption."
    ),
) -> None:
    """Normalise every number to E.164, classify it and resolve its carrier; count every row."""
    rs = load_ruleset(rules)
    day = parse_date(as_of)
    settings = resolve_settings(rs, parse_pairs(assume, option="--assume"))
    source = read_recipients(
        file,
        phone_column=phone_column,
        carrier_column=carrier_column,
        encoding=encoding,
        ruleset=rs,
    )
    checked = collect_checked(
        check_recipients(source, as_of=day, ruleset=rs, settings=settings, dedupe=dedupe),
        source,
    )
    summary: dict[str, Any] = {
        "input": {
            "file": source.label,
            "encoding": source.encoding,
            "phone_column": source.phone_column,
            "carrier_column": source.carrier_column,
        },
        "as_of": day,
        "dedupe": dedupe,
        "assumptions": modelled_settings(rs, settings),
        **summarise(checked),
    }
    if out is not None:
        summary["outputs"] = write_outputs(checked, out)
    if as_json:
        print_json(summary)
    else:
        print_summary(summary)
