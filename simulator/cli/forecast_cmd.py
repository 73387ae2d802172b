"""`kpsim forecast`: cost and sender comparison of standard, Lite and full for a list and a date."""

from __future__ import annotations

import contextlib
from pathlib import Path

import typer

from simulator import progress
from simulator.analysis.run import ForecastOptions, forecast
from simulator.cli.common import (
    SHEET_HELP,
    SKIP_ROWS_HELP,
    parse_date,
    parse_pairs,
    parse_plans,
    print_json,
    reading_list,
    stdout,
)
from simulator.message.source import checked_text, message_text
from simulator.report.outputs import (
    check_out_dir,
    forecast_sinks,
    output_set,
    write_report_files,
)
from simulator.report.text import print_forecast
from simulator.result.summarise import ForecastResult


def forecast_cmd(
    file: Path = typer.Argument(..., readable=False, help="Recipient list: CSV, TSV or Parquet."),
    message: str | None = typer.Option(None, "--message", help="Message text ({column} fills in)."),
    message_file: Path | None = typer.Option(
        None, "--message-file", readable=False, help="Message file (UTF-8, UTF-16 or CP932)."
    ),
    plans: str | None = typer.Option(
        None, "--plans", help="Comma-separated, e.g. standard,lite,full."
    ),
    as_of: str | None = typer.Option(None, "--as-of", help="Send date YYYY-MM-DD (default today)."),
    sender: str | None = typer.Option(None, "--sender", help="Your `sender` value."),
    kp_sender: str | None = typer.Option(None, "--kp-sender", help="Your registered sender ID."),
    sender_ids: int = typer.Option(1, "--sender-ids", help="Registered sender IDs (fees)."),
    period_days: int = typer.Option(30, "--period-days", help="Campaign length in days (fees)."),
    price_book: Path | None = typer.Option(
        None, "--price-book", readable=False, help="Your price book (YAML)."
    ),
    price: list[str] | None = typer.Option(None, "--price", help="NAME=VALUE price override."),
    assume: list[str] | None = typer.Option(None, "--assume", help="NAME=VALUE assumption."),
    phone_column: str | None = typer.Option(None, "--phone-column"),
    carrier_column: str | None = typer.Option(None, "--carrier-column"),
    encoding: str | None = typer.Option(None, "--encoding"),
    sheet: str | None = typer.Option(None, "--sheet", help=SHEET_HELP),
    skip_rows: int = typer.Option(0, "--skip-rows", min=0, help=SKIP_ROWS_HELP),
    dedupe: bool = typer.Option(False, "--dedupe", help="Drop repeated numbers."),
    out: Path | None = typer.Option(None, "--out", help="Write report files to this directory."),
    full_numbers: bool = typer.Option(False, "--full-numbers", help="Unmasked numbers in --out."),
    rules: Path | None = typer.Option(None, "--rules", readable=False, help="Rules directory."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar on stderr."),
) -> None:
    """Forecast cost and sender display of each plan for a recipient list on a date."""
    from simulator.rules.ruleset import load_ruleset

    out = None if out is None else check_out_dir(out)
    text = message_text(message, message_file)
    options = ForecastOptions(
        message=text,
        as_of=parse_date(as_of),
        plans=parse_plans(plans, load_ruleset(rules)),
        sender=None if sender is None else checked_text(sender, option="--sender"),
        kp_sender=None if kp_sender is None else checked_text(kp_sender, option="--kp-sender"),
        sender_ids=sender_ids,
        period_days=period_days,
        price_book=price_book,
        prices=parse_pairs(price, option="--price"),
        assume=parse_pairs(assume, option="--assume"),
        phone_column=phone_column,
        carrier_column=carrier_column,
        encoding=encoding,
        sheet=sheet,
        skip_rows=skip_rows,
        dedupe=dedupe,
        rules_dir=rules,
        progress=progress.wanted(quiet),
    )
    with output_set(out) as staging:
        with reading_list(file), contextlib.ExitStack() as stack:
            sinks = (
                None
                if staging is None
                else forecast_sinks(
                    staging, stack, full_numbers=full_numbers, sender=sender, kp_sender=kp_sender
                )
            )
            result = ForecastResult.of(forecast(file, options, sinks=sinks))
        if staging is not None:
            write_report_files(
                staging, result.summary, checked=result.checked_frame, full_numbers=full_numbers
            )
    if as_json:
        print_json(result.summary)
    else:
        print_forecast(result.summary, stdout)
        if out is not None:
            stdout.print(f"outputs written to {out}/", markup=False)
