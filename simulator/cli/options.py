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


FLAG = ""
"""Flags show no metavar (typer would print `<bool>`)."""

Message = Annotated[
    str | None,
    typer.Option("--message", metavar="TEXT", help="Message text; {column} fills in per row."),
]
MessageFile = Annotated[
    Path | None,
    typer.Option(
        "--message-file",
        metavar="FILE",
        readable=False,
        help="Message in a file (UTF-8, UTF-8 with BOM, UTF-16 or CP932, detected like lists).",
    ),
]
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", metavar="YYYY-MM-DD", help="Send date (default: today in Japan)."),
]
Plans = Annotated[
    str | None,
    typer.Option(
        "--plans",
        metavar="PLAN,…",
        help="Comma-separated plans by id, name or API flag (standard, Lite, jp_kp…).",
    ),
]
Sender = Annotated[
    str | None,
    typer.Option("--sender", metavar="TEXT", help="Your `sender` value (shown on standard SMS)."),
]
KpSender = Annotated[
    str | None,
    typer.Option("--kp-sender", metavar="ID", help="Your registered K-Premium sender ID."),
]
SenderIds = Annotated[
    int,
    typer.Option("--sender-ids", metavar="N", help="Registered sender IDs (fixed fees per ID)."),
]
PeriodDays = Annotated[
    int,
    typer.Option("--period-days", metavar="DAYS", help="Campaign length in days (fixed fees)."),
]
Assume = Annotated[
    list[str] | None,
    typer.Option(
        "--assume",
        metavar="NAME=VALUE",
        help="Switch a named assumption (repeatable; see kpsim rules show).",
    ),
]
Price = Annotated[
    list[str] | None,
    typer.Option("--price", metavar="NAME=YEN", help="Override one price-book entry (repeatable)."),
]
PriceBook = Annotated[
    Path | None,
    typer.Option(
        "--price-book", metavar="FILE", readable=False, help="Your own price book (YAML)."
    ),
]
PhoneColumn = Annotated[
    str | None,
    typer.Option(
        "--phone-column", metavar="COLUMN", help="Column with the numbers (default: found by name)."
    ),
]
CarrierColumn = Annotated[
    str | None,
    typer.Option(
        "--carrier-column",
        metavar="COLUMN",
        help="Column with carrier-lookup results (brand names or MCC-MNC).",
    ),
]
Encoding = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        metavar="CODEC",
        help="List encoding (default: UTF-8/BOM/UTF-16, else CP932 when it decodes).",
    ),
]
Sheet = Annotated[
    str | None,
    typer.Option("--sheet", metavar="SHEET", help="Workbook sheet to read (default: the first)."),
]
SkipRows = Annotated[
    int,
    typer.Option(
        "--skip-rows",
        metavar="N",
        min=0,
        help="Lines to skip above a CSV/TSV header (a title row, for instance).",
    ),
]
Lang = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="en|ja",
        callback=_enter_language,
        help="Output language (default: KPSIM_LANG, else the locale).",
    ),
]
Rules = Annotated[
    Path | None,
    typer.Option(
        "--rules", metavar="DIR", readable=False, help="Rules directory (default: shipped rules/)."
    ),
]
Out = Annotated[
    Path | None,
    typer.Option("--out", metavar="DIR", help="Write the output files to this folder."),
]
FullNumbers = Annotated[
    bool,
    typer.Option("--full-numbers", metavar=FLAG, help="Unmasked numbers in the --out files."),
]
Dedupe = Annotated[
    bool,
    typer.Option("--dedupe", metavar=FLAG, help="Reject repeats of a number (reason duplicate)."),
]
Json = Annotated[
    bool, typer.Option("--json", metavar=FLAG, help="Print one JSON object instead of text.")
]
Quiet = Annotated[
    bool, typer.Option("--quiet", "-q", metavar=FLAG, help="No progress bar on stderr.")
]


def examples(command: str) -> str:
    """The Examples section of a command's help (`cli.examples.<command>` in the catalogue;
    English, like the rest of the help, which typer builds at import)."""
    lines = t(f"cli.examples.{command}", "en").splitlines()
    return "Examples:\n\n" + "\n\n".join(f"  {line}" for line in lines)


LIST_HELP = "Recipient list: CSV, TSV, Excel workbook or Parquet."
