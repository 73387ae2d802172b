"""The options every pricing command shares, defined once so forecast, diff, explain and
recipients check spell, document and parse them the same way.

Each is an `Annotated` type: a command declares `sender: Sender = None` and gets the same
flag, metavar and help line as every other command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from simulator.i18n import language, t


def _enter_language(ctx: typer.Context, value: str | None) -> str | None:
    """Render the command's output in `--lang` (else KPSIM_LANG or the locale) until it ends."""
    if value is not None and not ctx.resilient_parsing:
        ctx.with_resource(language(value))
    return value


def _help(option: str) -> str:
    """An option's help line from the catalogue (`cli.option.<name>`), in English like the
    rest of the help, which typer builds at import."""
    return t(f"cli.option.{option.replace('-', '_')}", "en")


FLAG = ""
"""Flags show no metavar (typer would print `<bool>`)."""

Message = Annotated[
    str | None,
    typer.Option("--message", metavar="TEXT", help=_help("message")),
]
MessageFile = Annotated[
    Path | None,
    typer.Option(
        "--message-file",
        metavar="FILE",
        readable=False,
        help=_help("message-file"),
    ),
]
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", metavar="YYYY-MM-DD", help=_help("as-of")),
]
Plans = Annotated[
    str | None,
    typer.Option(
        "--plans",
        metavar="PLAN,…",
        help=_help("plans"),
    ),
]
Sender = Annotated[
    str | None,
    typer.Option("--sender", metavar="TEXT", help=_help("sender")),
]
KpSender = Annotated[
    str | None,
    typer.Option("--kp-sender", metavar="ID", help=_help("kp-sender")),
]
SenderIds = Annotated[
    int,
    typer.Option("--sender-ids", metavar="N", help=_help("sender-ids")),
]
PeriodDays = Annotated[
    int,
    typer.Option("--period-days", metavar="DAYS", help=_help("period-days")),
]
Assume = Annotated[
    list[str] | None,
    typer.Option(
        "--assume",
        metavar="NAME=VALUE",
        help=_help("assume"),
    ),
]
Price = Annotated[
    list[str] | None,
    typer.Option("--price", metavar="NAME=YEN", help=_help("price")),
]
PriceBook = Annotated[
    Path | None,
    typer.Option("--price-book", metavar="FILE", readable=False, help=_help("price-book")),
]
PhoneColumn = Annotated[
    str | None,
    typer.Option("--phone-column", metavar="COLUMN", help=_help("phone-column")),
]
CarrierColumn = Annotated[
    str | None,
    typer.Option(
        "--carrier-column",
        metavar="COLUMN",
        help=_help("carrier-column"),
    ),
]
Encoding = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        metavar="CODEC",
        help=_help("encoding"),
    ),
]
Sheet = Annotated[
    str | None,
    typer.Option("--sheet", metavar="SHEET", help=_help("sheet")),
]
SkipRows = Annotated[
    int,
    typer.Option(
        "--skip-rows",
        metavar="N",
        min=0,
        help=_help("skip-rows"),
    ),
]
Lang = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="en|ja",
        callback=_enter_language,
        help=_help("lang"),
    ),
]
Rules = Annotated[
    Path | None,
    typer.Option("--rules", metavar="DIR", readable=False, help=_help("rules")),
]
Out = Annotated[
    Path | None,
    typer.Option("--out", metavar="DIR", help=_help("out")),
]
FullNumbers = Annotated[
    bool,
    typer.Option("--full-numbers", metavar=FLAG, help=_help("full-numbers")),
]
Dedupe = Annotated[
    bool,
    typer.Option("--dedupe", metavar=FLAG, help=_help("dedupe")),
]
Json = Annotated[bool, typer.Option("--json", metavar=FLAG, help=_help("json"))]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", metavar=FLAG, help=_help("quiet"))]


def examples(command: str) -> str:
    """The Examples section of a command's help (`cli.examples.<command>` in the catalogue;
    English, like the rest of the help, which typer builds at import)."""
    lines = t(f"cli.examples.{command}", "en").splitlines()
    return "Examples:\n\n" + "\n\n".join(f"  {line}" for line in lines)


LIST_HELP = "Recipient list: CSV, TSV, Excel workbook or Parquet."
