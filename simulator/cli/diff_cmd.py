"""`kpsim diff`: what changed for one list between two dates, rule directories or assumption settings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from simulator import atomic, i18n, progress
from simulator.analysis.diff import DEFAULT_MESSAGE, diff_forecasts
from simulator.cli import options as opt
from simulator.cli.common import (
    parse_date,
    parse_pairs,
    parse_plans,
    print_json,
    reading_list,
    stdout,
)
from simulator.errors import UsageError
from simulator.message.source import checked_text, message_text
from simulator.pricing.money import fmt_jpy
from simulator.privacy import mask_expr
from simulator.report.outputs import check_out_dir, output_set
from simulator.report.words import localised
from simulator.result.diff import Diff, DiffResult
from simulator.result.document import to_json


def print_diff(diff: Diff) -> None:
    stdout.print(
        i18n.t(
            "diff.headline",
            a=diff.from_.isoformat(),
            b=diff.to.isoformat(),
            changed=f"{diff.recipients_changed:,}",
            recipients=f"{diff.rows_ok_to:,}",
            delta=fmt_jpy(diff.cost_delta_jpy_excl_tax),
        ),
        markup=False,
    )
    if diff.input.phone_column is not None:
        file = diff.input.file or i18n.t("report.text.the_list")
        stdout.print(
            i18n.t("report.text.numbers_from", file=file, column=diff.input.phone_column)
            + (
                i18n.t("report.text.carriers_from", column=diff.input.carrier_column)
                if diff.input.carrier_column
                else ""
            ),
            markup=False,
        )
    table = Table(title=i18n.t("diff.table.title"), title_justify="left")
    for col in ("plan", "carrier", "recipients", "route", "sender", "charge", "cost_delta"):
        table.add_column(
            i18n.t(f"diff.table.{col}"), justify="left" if col in ("plan", "carrier") else "right"
        )
    for carrier, plans in diff.by_carrier.items():
        for plan, c in plans.items():
            table.add_row(
                plan,
                carrier,
                f"{c.recipients:,}",
                f"{c.route:,}",
                f"{c.sender:,}",
                f"{c.charge:,}",
                fmt_jpy(c.cost_delta_jpy_excl_tax),
            )
    stdout.print(table)
    for t in diff.rule_versions:
        stdout.print(
            i18n.t(
                "diff.rule_version",
                plan=t.plan,
                carrier=t.carrier,
                a=t.from_rule,
                b=t.to_rule,
                recipients=f"{t.recipients:,}",
            ),
            markup=False,
        )
        for src in t.to_sources:
            stdout.print(i18n.t("diff.source", source=src), markup=False)
    for kind, examples in diff.examples.items():
        for ex in examples:
            stdout.print(i18n.t("diff.example", kind=kind, example=ex), markup=False)
    for plan, change in diff.by_plan.items():
        stdout.print(
            i18n.t(
                "diff.plan_deltas",
                plan=plan,
                charges=fmt_jpy(change.cost_delta_jpy_excl_tax),
                unit_prices=fmt_jpy(change.unit_price_delta_jpy_excl_tax),
                other=fmt_jpy(change.other_charge_delta_jpy_excl_tax),
                fees=fmt_jpy(change.fee_delta_jpy),
                total=fmt_jpy(change.total_delta_jpy_excl_tax),
            ),
            markup=False,
        )
    for name, p in diff.price_changes.items():
        stdout.print(
            i18n.t(
                "diff.price_change",
                name=name,
                a=fmt_jpy(p.from_jpy),
                b=fmt_jpy(p.to_jpy),
                basis_a=p.basis_from,
                basis_b=p.basis_to,
            ),
            markup=False,
        )
    for name, a in diff.assumptions_compared.items():
        stdout.print(
            i18n.t(
                "diff.assumption_compared",
                name=name,
                a=a.from_value or "–",
                b=a.to_value or "–",
                says_a=a.from_says or "–",
                says_b=a.to_says or "–",
            ),
            markup=False,
        )
    for plan, reason in diff.plans_not_compared.items():
        stdout.print(i18n.t("diff.not_compared", plan=plan, reason=reason), markup=False)
    for n in diff.notices:
        stdout.print(i18n.t("facts.explain.warning", text=localised(n.code, n.fields, n.text)), markup=False)  # fmt: skip


def diff_cmd(
    file: Annotated[Path, typer.Argument(metavar="LIST", readable=False, help=opt.LIST_HELP)],
    from_: Annotated[str, typer.Option("--from", metavar="YYYY-MM-DD", help="Earlier send date.")],
    to: Annotated[str, typer.Option("--to", metavar="YYYY-MM-DD", help="Later send date.")],
    plan: Annotated[
        str | None, typer.Option("--plan", metavar="PLAN", help="Only this plan.")
    ] = None,
    plans: opt.Plans = None,
    message: Annotated[
        str | None,
        typer.Option(
            "--message",
            metavar="TEXT",
            help="Message used for parts (default: a one-part text, 'kpsim').",
        ),
    ] = None,
    message_file: opt.MessageFile = None,
    sender: opt.Sender = None,
    kp_sender: opt.KpSender = None,
    sender_ids: opt.SenderIds = 1,
    period_days: opt.PeriodDays = 30,
    price_book: opt.PriceBook = None,
    price: opt.Price = None,
    assume: opt.Assume = None,
    assume_a: Annotated[
        list[str] | None,
        typer.Option("--assume-a", metavar="NAME=VALUE", help="Assumption on the from side."),
    ] = None,
    assume_b: Annotated[
        list[str] | None,
        typer.Option("--assume-b", metavar="NAME=VALUE", help="Assumption on the to side."),
    ] = None,
    rules_a: Annotated[
        Path | None,
        typer.Option("--rules-a", metavar="DIR", readable=False, help="Rules, from side."),
    ] = None,
    rules_b: Annotated[
        Path | None,
        typer.Option("--rules-b", metavar="DIR", readable=False, help="Rules, to side."),
    ] = None,
    phone_column: opt.PhoneColumn = None,
    carrier_column: opt.CarrierColumn = None,
    encoding: opt.Encoding = None,
    sheet: opt.Sheet = None,
    skip_rows: opt.SkipRows = 0,
    out: Annotated[
        Path | None,
        typer.Option("--out", metavar="DIR", help="Write diff.json and changes.parquet here."),
    ] = None,
    full_numbers: opt.FullNumbers = False,
    lang: opt.Lang = None,
    as_json: opt.Json = False,
    quiet: opt.Quiet = False,
) -> None:
    """Recipients whose route, sender display or charge class changes, and the cost delta."""
    del lang  # applied by its option callback
    from simulator.rules.ruleset import load_ruleset

    out = None if out is None else check_out_dir(out)
    if plan is not None and plans is not None:
        raise UsageError("give --plan or --plans, not both")
    chosen = parse_plans(plan or plans, load_ruleset(rules_b)) if (plan or plans) else None
    both = parse_pairs(assume, option="--assume")
    same_side = (
        parse_pairs(assume_a, option="--assume-a"),
        parse_pairs(assume_b, option="--assume-b"),
    )
    with reading_list(file):
        run = diff_forecasts(
            file,
            from_date=parse_date(from_, option="--from"),
            to_date=parse_date(to, option="--to"),
            plans=chosen,
            message=DEFAULT_MESSAGE
            if message is None and message_file is None
            else message_text(message, message_file),
            assume_a={**both, **same_side[0]},
            assume_b={**both, **same_side[1]},
            rules_a=rules_a,
            rules_b=rules_b,
            phone_column=phone_column,
            carrier_column=carrier_column,
            encoding=encoding,
            sheet=sheet,
            skip_rows=skip_rows,
            sender=None if sender is None else checked_text(sender, option="--sender"),
            kp_sender=None if kp_sender is None else checked_text(kp_sender, option="--kp-sender"),
            sender_ids=sender_ids,
            period_days=period_days,
            price_book=price_book,
            prices=parse_pairs(price, option="--price"),
            progress=progress.wanted(quiet),
        )
    result = DiffResult.of(run)
    diff = result.summary
    if out is not None:
        changes = result.changes.drop("e164_from", "e164_to")
        if not full_numbers:
            changes = changes.with_columns(mask_expr("e164").alias("e164"))
        with output_set(out) as staging:
            assert staging is not None
            atomic.write_text(staging / "diff.json", to_json(diff))
            atomic.write_parquet(staging / "changes.parquet", changes)
    if as_json:
        print_json(diff)
    else:
        print_diff(diff)


EXAMPLES = opt.examples("diff")
