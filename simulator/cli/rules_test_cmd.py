"""`kpsim rules test [DIR]`: run the rule tests in `DIR/tests/*.yaml` and report coverage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from simulator.cli import options as opt
from simulator.cli.common import print_json, stderr, stdout
from simulator.result.rule_tests import CaseResult, RuleTestReport, run_rule_tests

TESTS_FAILED_EXIT = 6
"""A case's outcome differs from what it expects, no case ran, or coverage is below --min-coverage."""
REQUIRED_AREAS = ("rule_versions", "variants", "price_periods", "sender_rules", "registration")
"""The coverage --min-coverage applies to (assumption values are reported, not required)."""


def _cell(values: dict[str, Any]) -> str:
    parts = []
    for key, value in values.items():
        if key == "sender" and isinstance(value, dict):
            shown = value["kind"]
            if value["kind"] == "fixed":
                shown += f":{value['value'] if value['value_known'] else '?'}"
            parts.append(f"sender={shown}")
        else:
            parts.append(f"{key}={value}")
    return ", ".join(parts)


def _row(result: CaseResult) -> list[str]:
    shown = {
        k: result.actual.get(k)
        for k in result.expected
        if result.actual.get(k) != result.expected[k]
    }
    return [
        result.case.where,
        result.case.name,
        result.case.on.isoformat(),
        ", ".join(f"{k}={v}" for k, v in result.case.assume.items()) or "defaults",
        _cell(result.expected),
        "pass" if result.passed else "FAIL: " + _cell(shown),
    ]


def _print(report: RuleTestReport, verbose: bool) -> None:
    per_file: dict[str, list[CaseResult]] = {}
    for r in report.results:
        per_file.setdefault(r.case.file.name, []).append(r)
    files = Table(title=f"Rule tests in {report.tests_dir}")
    for col in ("file", "cases", "passed", "failed"):
        files.add_column(col)
    for name, results in per_file.items():
        failed = sum(not r.passed for r in results)
        files.add_row(name, str(len(results)), str(len(results) - failed), str(failed))
    stdout.print(files)
    shown = report.results if verbose else report.failed
    if shown:
        cases = Table(title="Cases" if verbose else "Failed cases")
        for col in ("where", "case", "on", "assumptions", "expected", "result"):
            cases.add_column(col, overflow="fold")
        for r in shown:
            cases.add_row(*_row(r))
        stdout.print(cases)
    for area in report.coverage:
        covered = len(area.items) - len(area.missed)
        stdout.print(
            f"coverage {area.name}: {area.percent:.1f}% ({covered}/{len(area.items)})",
            markup=False,
        )
        for item in area.missed:
            stdout.print(f"  not exercised: {item}", markup=False)
    if report.outside:
        stdout.print(
            "assumptions decided outside routing (not measured here): " + ", ".join(report.outside),
            markup=False,
        )
    stdout.print(
        f"{len(report.results)} case(s), {len(report.results) - len(report.failed)} passed, "
        f"{len(report.failed)} failed",
        markup=False,
    )


def test_cmd(
    directory: Path | None = typer.Argument(
        None, metavar="DIR", help="Rules directory (default: the shipped rules/)."
    ),
    cases: Path | None = typer.Option(
        None, "--cases", metavar="PATH", help="A case file or folder (default: DIR/tests/)."
    ),
    min_coverage: float | None = typer.Option(
        None,
        "--min-coverage",
        metavar="PCT",
        help="Fail when rule-version, variant or price coverage is below PCT.",
    ),
    verbose: bool = typer.Option(
        False, "--verbose", "-v", metavar=opt.FLAG, help="List every case, not only failures."
    ),
    as_json: opt.Json = False,
) -> None:
    """Run the rule tests (rules/tests/*.yaml): expected outcomes, the deciding rule, coverage."""
    report = run_rule_tests(directory, cases)
    short = [
        a.name for a in report.coverage
        if min_coverage is not None and a.name in REQUIRED_AREAS and a.percent < min_coverage
    ]  # fmt: skip
    if as_json:
        print_json({**report.as_dict(), "below_min_coverage": short})
    else:
        _print(report, verbose)
    if not report.results:
        stderr.print(
            f"kpsim: no rule test ran: {report.tests_dir} has no cases "
            "(add a case file, see rules/README.md)",
            markup=False,
        )
        raise typer.Exit(TESTS_FAILED_EXIT)
    if report.failed:
        where = ", ".join(r.case.where for r in report.failed[:5])
        more = f" and {len(report.failed) - 5} more" if len(report.failed) > 5 else ""
        stderr.print(
            f"kpsim: {len(report.failed)} of {len(report.results)} rule test(s) failed "
            f"({where}{more}); the rules no longer give the documented outcome",
            markup=False,
        )
        raise typer.Exit(TESTS_FAILED_EXIT)
    if short:
        stderr.print(
            f"kpsim: coverage below {min_coverage}% for {', '.join(short)}; "
            "add cases for the items listed as not exercised",
            markup=False,
        )
        raise typer.Exit(TESTS_FAILED_EXIT)


EXAMPLES = opt.examples("rules_test")
