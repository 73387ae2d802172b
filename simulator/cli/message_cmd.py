"""`kpsim message`: how each plan counts a message on a day (characters, encoding, parts and
the plan's limit); a template's ranges over a recipient list with `--list`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from simulator.cli import options as opt
from simulator.cli.common import (
    parse_date,
    parse_pairs,
    parse_plans,
    print_json,
    reading_list,
    stdout,
)
from simulator.i18n import language, t
from simulator.message.source import checked_text, read_message_file
from simulator.report.fit_words import span_words
from simulator.report.words import limit_words, plan_reason, words
from simulator.result.message import MessageCheck, MessagePlanCheck


def message_text_or_file(value: str) -> str:
    """The message: the file's text when `value` names a file, else `value` itself."""
    path = Path(value)
    if len(value) < 4096 and "\n" not in value and path.is_file():
        return read_message_file(path)
    return checked_text(value, option="TEXT")


def fits_text(plan: MessagePlanCheck) -> str:
    """Whether the plan takes the message: yes, partly (N of M), or no with what to cut."""
    if not plan.available:
        return t("report.no_because", reason=plan_reason(plan.reason))
    if plan.sends == "partly":
        fit = t("fit.partly", fit=f"{plan.recipients_fit:,}", checked=f"{plan.recipients:,}")
    elif plan.sends == "none" or (plan.sends is None and plan.too_long):
        fit = t("report.no")
    elif plan.characters is None:
        return t("message.counted_per_recipient")
    else:
        fit = t("report.yes")
    if plan.cut_characters is None:
        return fit
    return t("fit.and", first=fit, then=t("message.cut", cut=plan.cut_characters))


def message_table(check: MessageCheck) -> Table:
    """One row per plan: characters, encodings, parts, the limit and whether it fits."""
    title = t("message.title", date=check.as_of.isoformat(), characters=check.characters)
    if check.list_file:
        title += t("message.over_list", file=check.list_file)
    table = Table(title=title, title_justify="left")
    table.add_column(t("message.plan"))
    table.add_column(t("message.characters"), justify="right")
    table.add_column(t("message.encoding"))
    table.add_column(t("message.parts"), justify="right")
    table.add_column(t("message.limit"), overflow="fold")
    table.add_column(t("message.fits"), overflow="fold")
    for name, plan in check.plans.items():
        table.add_row(
            name,
            "–" if plan.characters is None else span_words(plan.characters),
            ", ".join(words(e) for e in plan.encodings) or "–",
            "–" if plan.parts is None else span_words(plan.parts),
            "–" if plan.limit is None else limit_words(plan.limit),
            fits_text(plan),
        )
    if check.templated and check.list_file is None:
        table.caption = t("message.template_needs_list")
    return table


EXAMPLES = opt.examples("message")


def message_cmd(
    text: Annotated[
        str, typer.Argument(metavar="TEXT-OR-FILE", help="The message, or a file holding it.")
    ],
    as_of: opt.AsOf = None,
    list_file: Annotated[
        Path | None,
        typer.Option(
            "--list",
            metavar="FILE",
            readable=False,
            help="Recipient list a template is rendered over.",
        ),
    ] = None,
    plans: opt.Plans = None,
    assume: opt.Assume = None,
    phone_column: opt.PhoneColumn = None,
    sheet: opt.Sheet = None,
    rules: opt.Rules = None,
    lang: opt.Lang = None,
    as_json: opt.Json = False,
) -> None:
    """Count a message under each plan: characters, encoding, parts and the plan's limit."""
    from simulator.result.message import count_message
    from simulator.rules.ruleset import load_ruleset

    with language(lang):
        body = message_text_or_file(text)
        with reading_list(list_file):
            check = count_message(
                body,
                as_of=parse_date(as_of),
                plans=parse_plans(plans, load_ruleset(rules)),
                source=list_file,
                assume=parse_pairs(assume, option="--assume"),
                phone_column=phone_column,
                sheet=sheet,
                rules_dir=rules,
            )
        if as_json:
            print_json(check)
        else:
            stdout.print(message_table(check))
