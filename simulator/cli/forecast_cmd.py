"""`kpsim forecast`: cost and sender comparison of standard, Lite and full for a list and a date."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated

import typer

from simulator import progress
from simulator.analysis.run import ForecastOptions, forecast
from simulator.cli import options as opt
from simulator.cli.common import (
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
    file: Annotated[Path, typer.Argument(metavar="LIST", readable=False, help=opt.LIST_HELP)],
    message: opt.Message = None,
    message_file: opt.MessageFile = None,
    plans: opt.Plans = None,
    as_of: opt.AsOf = None,
    sender: opt.Sender = None,
    kp_sender: opt.KpSender = None,
    sender_ids: opt.SenderIds = 1,
    period_days: opt.PeriodDays = 30,
    price_book: opt.PriceBook = None,
    price: opt.Price = None,
    assume: opt.Assume = None,
    phone_column: opt.PhoneColumn = None,
    carrier_column: opt.CarrierColumn = None,
    encoding: opt.Encoding = None,
    sheet: opt.Sheet = None,
    skip_rows: opt.SkipRows = 0,
    dedupe: opt.Dedupe = False,
    out: opt.Out = None,
    full_numbers: opt.FullNumbers = False,
    rules: opt.Rules = None,
    lang: opt.Lang = None,
    as_json: opt.Json = False,
    quiet: opt.Quiet = False,
) -> None:
    """Forecast cost and sender display of each plan for a recipient list on a date."""
    del lang  # applied by its option callback
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


EXAMPLES = opt.examples("forecast")
