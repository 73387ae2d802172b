"""`kpsim diff`: what changed for one list between two dates, rule directories or assumption settings."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from simulator import atomic, i18n, progress
from simulator.analysis.diff import DEFAULT_MESSAGE, diff_forecasts
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
from simulator.errors import UsageError
from simulator.message.source import checked_text
from simulator.pricing.money import fmt_jpy
from simulator.privacy import mask_expr
from simulator.report.outputs import check_out_dir, output_set
from simulator.report.words import localised
from simulator.result.diff import Diff, DiffResult
from simulator.result.document import to_json


def print_diff(diff: Diff) -> None:
    stdout.print(
        f"{diff.from_.isoformat()} → {diff.to.isoformat()}: {diff.recipients_changed:,} of "
        f"{diff.rows_ok_to:,} recipients change route, sender or charge; "
        f"message charges change by {fmt_jpy(diff.cost_delta_jpy_excl_tax)} (excl. tax)",
        markup=False,
    )
    if diff.input.phone_column is not None:
        stdout.print(
            f"{diff.input.file or 'the list'}: numbers read from column "
            f"{diff.input.phone_column!r}"
            + (
                f", carriers from column {diff.input.carrier_column!r}"
                if diff.input.carrier_column
                else ""
            ),
            markup=False,
        )
    table = Table(title="Changes by plan and carrier", title_justify="left")
    for col in ("plan", "carrier", "recipients", "route", "sender", "charge", "cost Δ excl. tax"):
        table.add_column(col, justify="left" if col in ("plan", "carrier") else "right")
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
            f"{t.plan}/{t.carrier}: {t.from_rule} → {t.to_rule} ({t.recipients:,} recipients)",
            markup=False,
        )
        for src in t.to_sources:
            stdout.print(f"    source: {src}", markup=False)
    for kind, examples in diff.examples.items():
        for ex in examples:
            stdout.print(f"  e.g. {kind}: {ex}", markup=False)
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
        stdout.print(f"{plan} not compared: {reason}", markup=False)
    for n in diff.notices:
        stdout.print(i18n.t("facts.explain.warning", text=localised(n.code, n.fields, n.text)), markup=False)  # fmt: skip


def diff_cmd(
    file: Path = typer.Argument(..., readable=False, help="Recipient list: CSV, TSV or Parquet."),
    from_: str = typer.Option(..., "--from", help="Earlier date YYYY-MM-DD."),
    to: str = typer.Option(..., "--to", help="Later date YYYY-MM-DD."),
    plan: str | None = typer.Option(None, "--plan", help="Only this plan."),
    plans: str | None = typer.Option(None, "--plans", help="Comma-separated plans."),
    message: str = typer.Option(DEFAULT_MESSAGE, "--message", help="Message used for parts."),
    assume: list[str] | None = typer.Option(None, "--assume", help="NAME=VALUE on both sides."),
    assume_a: list[str] | None = typer.Option(None, "--assume-a", help="NAME=VALUE, from side."),
    assume_b: list[str] | None = typer.Option(None, "--assume-b", help="NAME=VALUE, to side."),
    rules_a: Path | None = typer.Option(
        None, "--rules-a", readable=False, help="Rules directory, from side."
    ),
    rules_b: Path | None = typer.Option(
        None, "--rules-b", readable=False, help="Rules directory, to side."
    ),
    phone_column: str | None = typer.Option(None, "--phone-column"),
    carrier_column: str | None = typer.Option(None, "--carrier-column"),
    encoding: str | None = typer.Option(None, "--encoding"),
    sheet: str | None = typer.Option(None, "--sheet", help=SHEET_HELP),
    skip_rows: int = typer.Option(0, "--skip-rows", min=0, help=SKIP_ROWS_HELP),
    out: Path | None = typer.Option(None, "--out", help="Write diff.json and changes.parquet."),
    full_numbers: bool = typer.Option(False, "--full-numbers", help="Unmasked numbers in --out."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar on stderr."),
) -> None:
    """Recipients whose route, sender display or charge class changes, and the cost delta."""
    from simulator.rules.ruleset import load_ruleset

    out = None if out is None else check_out_dir(out)
    if plan is not None and plans is not None:
        raise UsageError("give --plan or --plans, not both")
    chosen = parse_plans(plan or plans, load_ruleset(rules_b)) if (plan or plans) else None
    both = parse_pairs(assume, option="--assume")
    with reading_list(file):
        run = diff_forecasts(
            file,
            from_date=parse_date(from_, option="--from"),
            to_date=parse_date(to, option="--to"),
            plans=chosen,
            message=checked_text(message, option="--message"),
            assume_a={**both, **parse_pairs(assume_a, option="--assume-a")},
            assume_b={**both, **parse_pairs(assume_b, option="--assume-b")},
            rules_a=rules_a,
            rules_b=rules_b,
            phone_column=phone_column,
            carrier_column=carrier_column,
            encoding=encoding,
            sheet=sheet,
            skip_rows=skip_rows,
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
