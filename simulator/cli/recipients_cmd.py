"""`kpsim recipients check`: read a list, normalise every number, and account for every row."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer
from rich.table import Table

from simulator import progress
from simulator.cli import options as opt
from simulator.cli.common import (
    parse_date,
    parse_pairs,
    print_json,
    reading_list,
    stdout,
)
from simulator.engine.stream import check_list, collect_streaming
from simulator.i18n import t
from simulator.numbers.reasons import describe
from simulator.numbers.recipients import read_recipients
from simulator.progress import Meter
from simulator.report.outputs import (
    OUTPUT_FILES,
    check_out_dir,
    output_set,
    output_sinks,
    rejects_rows,
)
from simulator.report.workbook import WORKBOOK_FILE, write_check_workbook
from simulator.result.check import CheckInput, CheckSummary
from simulator.rules.assumptions import modelled_settings, resolve_settings
from simulator.rules.ruleset import load_ruleset

WORKBOOK = {"workbook": WORKBOOK_FILE}

app = typer.Typer(
    help="Read, normalise and classify recipient lists (every row accounted for).",
    no_args_is_help=True,
)


def check_sinks(
    checked: pl.LazyFrame, out: Path, stack: contextlib.ExitStack[Any], *, full_numbers: bool
) -> list[pl.LazyFrame]:
    """recipients.parquet (every row, checked) and rejects.csv (rejected rows without nested
    columns, UTF-8 with BOM), as `output_sinks` writes them."""
    return output_sinks(
        out,
        stack,
        recipients=checked,
        rejects=rejects_rows(checked),
        full_numbers=full_numbers,
        bom=True,
    )


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


def print_summary(summary: CheckSummary) -> None:
    """The text report: totals, classes, carriers, reject reasons with masked examples."""
    total = summary.rows_in
    source = summary.input
    stdout.print(
        f"{source.file}: {total:,} rows in, {summary.ok:,} ok, "
        f"{summary.rejected:,} rejected (phone column {source.phone_column!r}"
        + (f", carrier column {source.carrier_column!r}" if source.carrier_column else "")
        + (f", {source.encoding}" if source.encoding else "")
        + ")",
        markup=False,
    )
    stdout.print(_counts_table("by class", summary.by_class, total, False))
    stdout.print(_counts_table("ok rows by carrier", summary.by_carrier, summary.ok, False))
    stdout.print(
        _counts_table("ok rows by carrier source", summary.by_carrier_source, summary.ok, False)
    )
    if summary.rejects_by_reason:
        table = Table(title="rejected rows by reason", title_justify="left")
        for column in ("reason", "rows", "examples (masked)", "meaning"):
            table.add_column(column, justify="right" if column == "rows" else "left")
        for reason, n in summary.rejects_by_reason.items():
            examples = ", ".join(e for e in summary.examples.get(reason, []) if e)
            table.add_row(reason, f"{n:,}", examples, summary.reason_descriptions[reason])
        stdout.print(table)
    if summary.lookup_fallbacks:
        stdout.print(
            t(
                "report.text.warning",
                text=t("warning.lookup_fallback", count=f"{summary.lookup_fallbacks:,}"),
            ),
            markup=False,
        )
    repaired = ", ".join(f"{k} {v:,}" for k, v in summary.repaired.items()) or "none"
    stdout.print(f"duplicates: {summary.duplicates:,}; repaired: {repaired}", markup=False)
    if summary.duplicates and not summary.dedupe:
        stdout.print(
            "duplicates are kept and would be sent and charged; back-to-back K-Premium sends to "
            "one number can fail (use --dedupe to reject repeats)",
            markup=False,
        )
    for name, path in summary.outputs.items():
        stdout.print(f"wrote {name}: {path}", markup=False)


EXAMPLES = opt.examples("recipients_check")


@app.command("check", epilog=EXAMPLES)
def check_cmd(
    file: Annotated[Path, typer.Argument(metavar="LIST", readable=False, help=opt.LIST_HELP)],
    phone_column: opt.PhoneColumn = None,
    carrier_column: opt.CarrierColumn = None,
    encoding: opt.Encoding = None,
    as_of: opt.AsOf = None,
    sheet: opt.Sheet = None,
    skip_rows: opt.SkipRows = 0,
    dedupe: opt.Dedupe = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="DIR",
            help="Write recipients.parquet (every row) and rejects.csv here (numbers masked).",
        ),
    ] = None,
    full_numbers: opt.FullNumbers = False,
    rules: opt.Rules = None,
    assume: opt.Assume = None,
    lang: opt.Lang = None,
    as_json: opt.Json = False,
    quiet: opt.Quiet = False,
) -> None:
    """Normalise every number to E.164, classify it and resolve its carrier; count every row."""
    del lang  # applied by its option callback
    out = None if out is None else check_out_dir(out)
    rs = load_ruleset(rules)
    day = parse_date(as_of)
    settings = resolve_settings(rs, parse_pairs(assume, option="--assume"))
    source = read_recipients(
        file,
        phone_column=phone_column,
        carrier_column=carrier_column,
        encoding=encoding,
        ruleset=rs,
        sheet=sheet,
        skip_rows=skip_rows,
    )
    with (
        output_set(out) as staging,
        Meter(enabled=progress.wanted(quiet)) as meter,
        contextlib.ExitStack() as stack,
    ):
        checked = check_list(
            source, as_of=day, ruleset=rs, settings=settings, dedupe=dedupe, meter=meter
        )
        meter.step("counting", counted=False)
        queries = checked.summary_queries()
        sinks = (
            []
            if staging is None
            else check_sinks(checked.frame, staging, stack, full_numbers=full_numbers)
        )
        with reading_list(file):
            results = collect_streaming([*queries, *sinks])
        summary = CheckSummary.of(
            checked.summary(results[: len(queries)]),
            input=CheckInput(
                file=source.label,
                encoding=source.encoding,
                phone_column=source.phone_column,
                carrier_column=source.carrier_column,
            ),
            as_of=day,
            dedupe=dedupe,
            assumptions=modelled_settings(rs, settings),
            outputs=None
            if out is None
            else {name: str(out / file) for name, file in {**OUTPUT_FILES, **WORKBOOK}.items()},
        )
        if staging is not None:
            stack.close()  # recipients.parquet in place: the workbook reads it
            write_check_workbook(
                staging, summary, checked=pl.scan_parquet(staging / OUTPUT_FILES["recipients"])
            )
    if as_json:
        print_json(summary)
    else:
        print_summary(summary)
