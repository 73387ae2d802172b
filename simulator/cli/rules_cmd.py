"""`kpsim rules lint|show|history` and `kpsim explain`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote_plus

import typer
from rich import box
from rich.table import Table

from simulator.cli import options as opt
from simulator.cli.common import parse_date, parse_pairs, print_json, stderr, stdout
from simulator.engine.tables import resolved_rules
from simulator.errors import NotApplicableError
from simulator.i18n import t
from simulator.message.source import message_text
from simulator.numbers.names import carrier_id, plan_ids
from simulator.pricing.book import load_default_price_book, load_price_book
from simulator.pricing.money import fmt_jpy
from simulator.pricing.resolve import ResolvedPrice, ResolvedPrices, resolve_prices
from simulator.report.words import localised
from simulator.result.document import versioned
from simulator.result.explain import Explanation
from simulator.result.explain import explain as explain_number
from simulator.result.history import DatedFact, facts_in_force, rules_history
from simulator.result.shared import FIXED, USER, PlanRequest, describe_sender
from simulator.rules.assumptions import modelled_settings, resolve_settings
from simulator.rules.linter import lint
from simulator.rules.ruleset import RuleSet, load_ruleset, rules_dir

PLAN_HELP = t("cli.help.plan", "en")
CARRIER_HELP = t("cli.help.carrier", "en")

app = typer.Typer(help="Check, show and trace the rule files.", no_args_is_help=True)

LINT_EXAMPLES = opt.examples("rules_lint")
SHOW_EXAMPLES = opt.examples("rules_show")
HISTORY_EXAMPLES = opt.examples("rules_history")
EXPLAIN_EXAMPLES = opt.examples("explain")


@app.command("lint", epilog=LINT_EXAMPLES)
def lint_cmd(
    directory: Annotated[
        Path | None,
        typer.Argument(metavar="DIR", readable=False, help="Rules directory (default: rules/)."),
    ] = None,
    as_json: opt.Json = False,
) -> None:
    """Check the rule files: schema, references, dates, gaps, invariants, assumptions."""
    findings = lint(directory)
    if as_json:
        print_json(versioned({"clean": not findings, "findings": [f.__dict__ for f in findings]}))
    else:
        for f in findings:
            stdout.print(f.render(), markup=False, soft_wrap=True)
        if not findings:
            stdout.print("rules are clean", markup=False)
    if findings:
        files = sorted({Path(f.file).name for f in findings})
        stderr.print(
            f"kpsim: {len(findings)} problem(s) in {', '.join(files)} "
            f"under {rules_dir(directory)}; fix the lines listed and run kpsim rules lint again",
            markup=False,
        )
        raise typer.Exit(4)


@app.command("show", epilog=SHOW_EXAMPLES)
def show_cmd(
    as_of: opt.AsOf = None,
    assume: opt.Assume = None,
    price: opt.Price = None,
    price_book: opt.PriceBook = None,
    rules: opt.Rules = None,
    lang: opt.Lang = None,
    as_json: opt.Json = False,
) -> None:
    """The rules in force on a date (one row per plan × carrier), the assumptions and prices."""
    del lang  # applied by its option callback
    rs = load_ruleset(rules)
    day = parse_date(as_of)
    settings = resolve_settings(rs, parse_pairs(assume, option="--assume"))
    table = resolved_rules(rs, day, settings)
    if table.is_empty():
        raise NotApplicableError(f"no plan existed on {day.isoformat()}")
    facts = facts_in_force(rs, day)
    prices = resolve_prices(
        load_default_price_book(rules),
        day,
        overrides=parse_pairs(price, option="--price"),
        user_book=None if price_book is None else load_price_book(price_book),
    )
    if as_json:
        print_json(
            versioned(
                {
                    "as_of": day,
                    "assumptions": modelled_settings(rs, settings),
                    "rules": table.drop("as_of").to_dicts(),
                    "facts": facts,
                    "prices": [price_record(p) for p in prices.prices.values()],
                    "tax_rate_percent": prices.tax_rate_percent,
                }
            )
        )
        return
    out = Table(title=f"Rules in force on {day.isoformat()}")
    for col in ("plan", "carrier", "route", "sender shown", "charge", "rule", "since"):
        out.add_column(col)
    for row in table.to_dicts():
        out.add_row(
            row["plan"],
            row["carrier"],
            row["route"],
            describe_sender(
                row["sender_kind"], row["sender_value"], row["sender_value"] is not None
            ),
            row["charge_class"],
            row["rule_id"],
            str(row["effective_from"]),
        )
    stdout.print(out)
    stdout.print(facts_table(facts, t("facts.show.title", day=day.isoformat())))
    stdout.print(assumptions_table(rs, settings))
    stdout.print(prices_table(prices))
    changed = [f"{k}={v}" for k, v in settings.items() if v != rs.assumptions[k].default]
    stdout.print(
        f"assumptions: {', '.join(changed) + ' (marked *)' if changed else 'defaults'}",
        markup=False,
    )


def assumptions_table(rs: RuleSet, settings: Mapping[str, str]) -> Table:
    """Every assumption: the value in force, its default and what the value in force says."""
    table = Table(title=t("cli.rules_show.assumptions_title"), title_justify="left")
    for col in t("cli.rules_show.assumption_columns").split("|"):
        table.add_column(col)
    for name, value in settings.items():
        assumption = rs.assumptions[name]
        says = next(v.says for v in assumption.values if v.id == value)
        changed = value != assumption.default
        table.add_row(
            name,
            f"{value} *" if changed else value,
            assumption.default,
            " ".join(says.split())
            + ("" if assumption.modelled else " " + t("cli.rules_show.not_modelled")),
        )
    return table


def price_record(price: ResolvedPrice) -> dict[str, Any]:
    """One price in force, for JSON: yen amount (None when unknown), basis and period start."""
    return {
        "name": price.name,
        "charged_per": price.charged_per,
        "amount_jpy": price.amount_jpy,
        "basis": price.basis,
        "effective_from": price.effective_from,
        "sources": price.sources,
    }


def prices_table(prices: ResolvedPrices) -> Table:
    """The prices in force on the day, excluding tax, with how sure each amount is."""
    table = Table(
        title=t("cli.rules_show.prices_title", rate=prices.tax_rate_percent), title_justify="left"
    )
    for i, col in enumerate(t("cli.rules_show.price_columns").split("|")):
        table.add_column(col, justify="right" if i == 1 else "left")
    for p in prices.prices.values():
        table.add_row(
            p.name,
            fmt_jpy(p.amount_jpy)
            if p.amount_jpy is not None
            else t("cli.rules_show.unknown_amount"),
            p.charged_per,
            p.basis,
            "" if p.effective_from is None else p.effective_from.isoformat(),
        )
    return table


@app.command("history", epilog=HISTORY_EXAMPLES)
def history_cmd(
    plan: Annotated[str | None, typer.Option("--plan", metavar="PLAN", help=PLAN_HELP)] = None,
    carrier: Annotated[
        str | None, typer.Option("--carrier", metavar="CARRIER", help=CARRIER_HELP)
    ] = None,
    rules: opt.Rules = None,
    as_json: opt.Json = False,
) -> None:
    """Every dated fact (routing, prices, tax, API parameters, message parts, sender-ID rules,
    registration) with its dates and sources."""
    rs = load_ruleset(rules)
    plan = None if plan is None else plan_ids(rs, [plan])[0]
    carrier = None if carrier is None else carrier_id(rs, carrier)
    history = rules_history(rs, plan=plan, carrier=carrier)
    if as_json:
        print_json(history)
        return
    for rec in history.versions:
        o = rec.sender_display
        stdout.print(
            f"{rec.effective_from}  {rec.id}  {rec.plan} → {', '.join(rec.carriers)}: "
            f"{rec.route} / {describe_sender(o.kind, o.value, o.value_known)} / "
            f"{rec.charge_class}"
            + (f"  (+{len(rec.variants)} assumption variants)" if rec.variants else ""),
            markup=False,
        )
        for src in rec.sources:
            stdout.print(f"      {src.id}: {src.citation}", markup=False)
    stdout.print()
    stdout.print(facts_table(history.facts, t("facts.history.title")))


def facts_table(facts: list[DatedFact], title: str) -> Table:
    """Dated facts as a table: kind, since, until, subject, value, sources (every line of it
    indented, so the routing lines above stay the only unindented ones)."""
    table = Table(title=title, box=box.SIMPLE, title_justify="left", show_edge=False, expand=True)
    for key in ("kind", "since", "until"):
        table.add_column(t(f"facts.history.{key}"), no_wrap=True)
    for key, ratio in (("subject", 2), ("value", 5), ("sources", 3)):
        table.add_column(t(f"facts.history.{key}"), overflow="fold", ratio=ratio)
    for f in facts:
        value = f.value + (f" [{f.basis}]" if f.basis and f.kind in ("price", "tax") else "")
        value += "".join(f"; {v}" for v in f.variants)
        if f.documented_from is not None:
            value += t("facts.history.extrapolated", day=str(f.documented_from))
        table.add_row(
            f.kind,
            str(f.effective_from),
            "–" if f.until is None else str(f.until),
            f.subject,
            value,
            "\n".join(s.id for s in f.sources),
        )
    return table


def explain(
    number: Annotated[
        str, typer.Argument(metavar="NUMBER", help="A phone number in any common format.")
    ],
    plan: Annotated[str, typer.Option("--plan", metavar="PLAN", help=PLAN_HELP)],
    as_of: opt.AsOf = None,
    carrier: Annotated[
        str | None,
        typer.Option(
            "--carrier",
            metavar="CARRIER",
            help="The recipient's carrier, if known. " + CARRIER_HELP,
        ),
    ] = None,
    kp_sender: opt.KpSender = None,
    sender: opt.Sender = None,
    message: opt.Message = None,
    message_file: opt.MessageFile = None,
    assume: opt.Assume = None,
    rules: opt.Rules = None,
    lang: opt.Lang = None,
    as_json: opt.Json = False,
) -> None:
    """What happens to one number under one plan on one day, and why (rule, sources, assumptions)."""
    del lang  # applied by its option callback
    text = None if message is None and message_file is None else message_text(message, message_file)
    rs = load_ruleset(rules)
    plan = plan_ids(rs, [plan])[0]
    carrier = None if carrier is None else carrier_id(rs, carrier)
    day = parse_date(as_of)
    settings = resolve_settings(rs, parse_pairs(assume, option="--assume"))
    explanation, decision = explain_number(
        rs,
        number,
        plan=plan,
        day=day,
        carrier=carrier,
        settings=settings,
        kp_sender=kp_sender,
        sender=sender,
        message=text,
    )
    if as_json:
        print_json(explanation)
        return
    sd = explanation.sender_display
    carrier_note = {
        "user": "as given with --carrier",
        "lookup": "from the lookup",
        "allocation": "from the number's original allocation; if it was ported, pass --carrier",
    }[explanation.carrier_source]
    req = explanation.api_request
    flag = ", ".join(f"{k}={v}" for k, v in req.flag.items())
    lines = [
        f"{number} → {explanation.e164}",
        f"carrier: {explanation.carrier} ({carrier_note})",
        f"plan {plan} on {day.isoformat()}:",
        f"  route   {decision.outcome.route}"
        + (
            " (K-Premium direct carrier route)"
            if decision.outcome.route == "direct"
            else " (not K-Premium)"
        ),
        f"  sender  {describe_sender(sd.kind, sd.value, sd.value_known)}"
        + (f": {sd.shown}" if sd.shown and sd.kind != FIXED else "")
        + ("" if sd.guaranteed or sd.kind == USER else t("facts.explain.not_guaranteed")),
        f"  charge  {decision.outcome.charge} price",
        f"why: rule {decision.rule.id}, in force since {decision.rule.effective_from.isoformat()}"
        + (f" — {decision.rule.note}" if decision.rule.note else ""),
    ]
    known_then = [s for s in decision.sources if s.date <= day] or list(decision.sources)
    lines += [f"  source: {s.citation()} — {s.title}" for s in known_then]
    if len(known_then) < len(decision.sources):
        lines.append(f"  (+{len(decision.sources) - len(known_then)} later documents confirm it)")
    if decision.assumptions_used:
        used = ", ".join(f"{k}={v}" for k, v in decision.assumptions_used.items())
        lines.append(f"assumptions this rule depends on: {used} (change with --assume)")
    else:
        lines.append("assumptions: none affect this rule")
    if flag:
        lines.append(
            f"API request: {flag}, {req.kp_sender_param}={kp_sender or '<registered ID>'}, "
            f"sender={sender or '<your sender>'}"
        )
    else:
        lines.append(f"API request: sender={sender or '<your sender>'} (no K-Premium flag)")
    lines += request_lines(req.request)
    lines += explain_fact_lines(explanation)
    for line in lines:
        stdout.print(line, markup=False)


def request_lines(request: PlanRequest | None) -> list[str]:
    """The send request as posted: its body, or its fields with a placeholder per value not
    given, and which values are still to give."""
    if request is None:
        return []
    body = request.body or "&".join(
        f"{quote_plus(f.name)}={quote_plus(f.value) if f.value is not None else '<' + f.role + '>'}"
        for f in request.fields
    )
    lines = [
        t("domain.explain.request", method=request.method, url=request.url,
          content_type=request.content_type, body=body)
    ]  # fmt: skip
    if request.missing:
        lines.append(t("domain.explain.request_missing", missing=", ".join(request.missing)))
    return lines


def explain_fact_lines(explanation: Explanation) -> list[str]:
    """The price per part (and the total), the registration eligibility and the warnings."""
    out = []
    price = explanation.price
    if price is not None and price.per_part_jpy_excl_tax is None:
        out.append(t("facts.explain.price_unknown", name=price.name, basis=price.basis))
    elif price is not None:
        out.append(
            t(
                "facts.explain.price",
                amount=fmt_jpy(price.per_part_jpy_excl_tax),
                name=price.name,
                basis=price.basis,
                since=str(price.effective_from),
                parts="–" if price.parts is None else str(price.parts),
                total=fmt_jpy(price.total_jpy_excl_tax),
                total_incl=fmt_jpy(price.total_jpy_incl_tax),
                tax=str(price.tax_rate_percent),
            )
        )
    if explanation.registration_eligibility:
        out.append(t("facts.explain.eligibility", says=explanation.registration_eligibility))
    out += [
        t("facts.explain.warning", text=localised(n.code, n.fields, n.text))
        for n in explanation.notices
    ]
    return out
