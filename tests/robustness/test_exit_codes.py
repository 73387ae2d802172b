"""The exit codes the README documents, one real process per code."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from robustness_support import (
    AS_OF,
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_NOT_APPLICABLE,
    EXIT_OK,
    EXIT_RULES,
    EXIT_SIGINT,
    EXIT_SIGTERM,
    EXIT_USAGE,
    REPO,
    Run,
    kpsim_many,
    python,
)

from simulator.cli.rules_test_cmd import TESTS_FAILED_EXIT as EXIT_RULE_TESTS
from simulator.rules.ruleset import DEFAULT_RULES_DIR

pytestmark = pytest.mark.slow


def documented_codes() -> dict[int, str]:
    """The `| code | meaning |` table under `## Exit codes` in README.md."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    return {
        int(code): meaning for code, meaning in re.findall(r"^\| (\d+) \| (.+) \|$", section, re.M)
    }


FAULT = """
import sys
import simulator.cli.rules_cmd as rules_cmd
from simulator.cli.main import run

def broken(*args, **kwargs):
    raise RuntimeError("rule table 090-1234-5678 went missing\\nsecond line of detail")

rules_cmd.resolved_rules = broken
run(sys.argv[1:])
"""
"""A bug planted in `rules show`: the code a user sees for a kpsim bug, not a mistake of theirs."""


def with_fault(*args: str) -> Run:
    done = python("-c", FAULT, *args)
    return Run(args, done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    root = tmp_path_factory.mktemp("codes")
    broken = root / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, broken)
    (broken / "plans.yaml").write_text("plans: [\n", encoding="utf-8")
    untested = root / "untested"
    shutil.copytree(DEFAULT_RULES_DIR, untested)
    for case_file in (untested / "tests").glob("*.yaml"):
        case_file.unlink()
    listed = root / "list.csv"
    listed.write_text("phone\n090-1234-5678\n", encoding="utf-8")
    commands = {
        "ok": ["rules", "show", "--as-of", AS_OF],
        "usage": ["forecast", listed, "--message", "hi", "--as-of", "2025-13-01"],
        "usage-option": ["recipients", "check", listed, "--colour", "red"],
        "input": ["recipients", "check", root / "missing.csv"],
        "input-json": ["recipients", "check", root / "missing.csv", "--json"],
        "rules": ["rules", "show", "--as-of", AS_OF, "--rules", broken],
        "not-applicable": ["explain", "03-1234-5678", "--plan", "lite", "--as-of", AS_OF],
        "not-applicable-date": ["rules", "show", "--as-of", "2001-01-01"],
        "rule-tests": ["rules", "test", untested],
    }
    runs = dict(zip(commands, kpsim_many(list(commands.values())), strict=True))
    runs["internal"] = with_fault("rules", "show", "--as-of", AS_OF)
    runs["internal-debug"] = with_fault("--debug", "rules", "show", "--as-of", AS_OF)
    return runs


CASES = [
    ("ok", EXIT_OK, None),
    ("usage", EXIT_USAGE, "--as-of '2025-13-01' is not a date"),
    ("usage-option", EXIT_USAGE, "No such option"),
    ("input", EXIT_INPUT, "missing.csv: file not found"),
    ("rules", EXIT_RULES, "plans.yaml:"),
    ("not-applicable", EXIT_NOT_APPLICABLE, "is not a Japanese SMS-capable mobile number"),
    ("not-applicable-date", EXIT_NOT_APPLICABLE, "no plan existed on 2001-01-01"),
    ("rule-tests", EXIT_RULE_TESTS, "no rule test ran"),
    ("internal", EXIT_INTERNAL, "internal error (RuntimeError: rule table ****5678 went missing)"),
]


def test_the_readme_documents_exactly_the_codes_tested_here() -> None:
    interrupts = {EXIT_SIGINT, EXIT_SIGTERM}  # real signals: test_signals.py
    assert set(documented_codes()) | {EXIT_INTERNAL} == {code for _, code, _ in CASES} | interrupts


@pytest.mark.parametrize(("name", "code", "says"), CASES, ids=[c[0] for c in CASES])
def test_each_outcome_exits_with_its_documented_code(
    runs: dict[str, Run], name: str, code: int, says: str | None
) -> None:
    run = runs[name]
    assert run.code == code, (run.code, run.err)
    assert "Traceback" not in run.err
    if code == EXIT_OK:
        assert run.err == "" and run.out
        return
    assert run.err.startswith("kpsim: ") and says is not None and says in run.err
    assert len(run.err.splitlines()) == 1, run.err


def test_an_internal_error_is_one_line_with_numbers_masked_and_debug_shows_the_traceback(
    runs: dict[str, Run],
) -> None:
    hidden, shown = runs["internal"], runs["internal-debug"]
    assert "1234-5678" not in hidden.err and "second line" not in hidden.err
    assert "rerun with --debug" in hidden.err and "please report it" in hidden.err
    assert shown.code != EXIT_OK and "Traceback (most recent call last)" in shown.err
    assert "RuntimeError" in shown.err


def test_with_json_the_error_is_also_printed_as_an_object(runs: dict[str, Run]) -> None:
    run = runs["input-json"]
    assert run.code == EXIT_INPUT
    payload = json.loads(run.out)
    assert payload["exit_code"] == EXIT_INPUT and payload["kind"] == "input"
    assert payload["file"].endswith("missing.csv") and "file not found" in payload["error"]
