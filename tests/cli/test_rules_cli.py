"""`kpsim rules lint|show|history`: output, exit codes and the one-line error contract."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_runner import Kpsim, run_process

from simulator.rules.assumptions import default_settings
from simulator.rules.linter import lint
from simulator.rules.reference import evaluate
from simulator.rules.ruleset import DEFAULT_RULES_DIR, load_ruleset

REPO = Path(__file__).resolve().parents[2]
RULES = load_ruleset()


def kpsim_process(*args: str) -> subprocess.CompletedProcess[str]:
    return run_process(*args)


def broken_copy(tmp_path: Path) -> Path:
    """The shipped rules with an unknown carrier in full.yaml and an unknown source in lite.yaml."""
    directory = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, directory)
    full = directory / "routing" / "full.yaml"
    full.write_text(full.read_text().replace("carriers: [au]", "carriers: [au, kddi]", 1))
    lite = directory / "routing" / "lite.yaml"
    lite.write_text(lite.read_text().replace("sources: [", "sources: [no-such-page, ", 1))
    return directory


# --- rules lint ---


def test_lint_of_the_shipped_rules_is_clean(kpsim: Kpsim) -> None:
    assert kpsim("rules", "lint") == (0, "rules are clean\n", "")


def test_lint_of_a_broken_copy_prints_one_line_per_finding_with_file_and_line(
    kpsim: Kpsim, tmp_path: Path
) -> None:
    directory = broken_copy(tmp_path)
    code, out, _ = kpsim("rules", "lint", str(directory))
    lines = out.splitlines()
    assert code == 4
    assert len(lines) == len(lint(directory)) >= 2
    for line in lines:
        assert re.match(rf"^{re.escape(str(directory))}/routing/\w+\.yaml:\d+: \[[a-z-]+\] ", line)
    assert any("'kddi'" in line and "full.yaml" in line for line in lines)
    assert any("'no-such-page'" in line and "lite.yaml" in line for line in lines)


def test_lint_json_of_a_broken_copy_lists_the_findings(kpsim: Kpsim, tmp_path: Path) -> None:
    code, report = kpsim.json("rules", "lint", str(broken_copy(tmp_path)))
    assert code == 4
    assert report["clean"] is False
    assert {f["code"] for f in report["findings"]} == {"unknown-carrier", "unknown-source"}
    assert all(f["line"] >= 1 and f["file"].endswith(".yaml") for f in report["findings"])


def test_lint_reports_a_schema_error_at_its_line(kpsim: Kpsim, tmp_path: Path) -> None:
    directory = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, directory)
    plans = directory / "plans.yaml"
    lines = plans.read_text().splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, 1) if "available_from: 2018-06-25" in line)
    lines[number - 1] = lines[number - 1].replace("2018-06-25", "soon")
    plans.write_text("".join(lines))
    code, out, _ = kpsim("rules", "lint", str(directory))
    assert code == 4
    assert out.startswith(f"{plans}:{number}: [schema] plans[")


# --- rules show ---


def test_show_lists_every_plan_and_carrier_with_its_rule(kpsim: Kpsim) -> None:
    code, out, err = kpsim("rules", "show", "--as-of", "2021-01-01")
    assert (code, err) == (0, "")
    for plan in RULES.plans:
        for carrier in RULES.carriers:
            rule = evaluate(RULES, plan, carrier, dt.date(2021, 1, 1), default_settings(RULES))
            assert re.search(rf"{plan} +│ {carrier} +│ {rule.outcome.route} .*{rule.rule.id}", out)
    assert "fixed code 22472" in out
    assert "assumptions: defaults" in out


@pytest.mark.parametrize(
    ("on", "rows"),
    [("2016-01-01", 8), ("2018-06-24", 8), ("2018-06-25", 12), ("2021-01-01", 12)],
)
def test_show_json_has_a_row_per_existing_plan_and_carrier(
    kpsim: Kpsim, on: str, rows: int
) -> None:
    code, shown = kpsim.json("rules", "show", "--as-of", on)
    assert code == 0
    assert shown["as_of"] == on
    assert len(shown["rules"]) == rows
    assert {r["plan"] for r in shown["rules"]} == (
        {"standard", "full", "lite"} if rows == 12 else {"standard", "full"}
    )
    for row in shown["rules"]:
        decision = evaluate(
            RULES, row["plan"], row["carrier"], dt.date.fromisoformat(on), default_settings(RULES)
        )
        assert (row["rule_id"], row["route"], row["charge_class"]) == (
            decision.rule.id,
            decision.outcome.route,
            decision.outcome.charge,
        )


def test_show_follows_an_assumption(kpsim: Kpsim) -> None:
    code, shown = kpsim.json(
        "rules", "show", "--as-of", "2020-03-01", "--assume", "docomo_v3_window=en_pages"
    )
    assert code == 0
    assert shown["assumptions"]["docomo_v3_window"] == "en_pages"
    rows = {(r["plan"], r["carrier"]): r for r in shown["rules"]}
    assert rows["full", "docomo"]["sender_value"] == "0363881815 or 05052128038"
    assert rows["lite", "docomo"]["route"] == "standard"
    code, out, _ = kpsim(
        "rules", "show", "--as-of", "2020-03-01", "--assume", "docomo_v3_window=en_pages"
    )
    assert "docomo_v3_window" in out.splitlines()[-1]


def test_show_before_any_plan_is_not_applicable(kpsim: Kpsim) -> None:
    code, out, err = kpsim("rules", "show", "--as-of", "2015-01-01")
    assert (code, out) == (5, "")
    assert err.startswith("kpsim: no plan existed on 2015-01-01")


# --- rules history ---


def test_history_lists_every_version_in_date_order_with_sources(kpsim: Kpsim) -> None:
    code, out, _ = kpsim("rules", "history")
    assert code == 0
    routing, facts = out.split("\n\n", 1)  # the routing versions, then the table of every fact
    versions = [line.split()[:2] for line in routing.splitlines() if not line.startswith(" ")]
    assert sorted(v[1] for v in versions) == sorted(r.rule.id for r in RULES.routing)
    assert [v[0] for v in versions] == sorted(v[0] for v in versions)
    assert "help-kp-en-7d26662: xoxzo/help.xoxzo.com:" in out
    for kind in ("price", "tax", "api_parameter", "segmentation", "sender_id", "registration"):
        assert f" {kind} " in facts, kind
    assert "pricing-blog-tax-10p-2019" in facts and "2019-10-01" in facts


def test_history_json_lists_every_dated_fact_with_sources(kpsim: Kpsim) -> None:
    code, history = kpsim.json("rules", "history")
    assert code == 0
    k_premium = [f for f in history["facts"] if f["subject"] == "price k_premium"]
    assert [(f["effective_from"], f["basis"]) for f in k_premium] == [
        ("2015-09-01", "unknown"),
        ("2017-12-05", "exact"),
        ("2020-02-20", "exact"),
        ("2025-03-01", "upper_bound"),
    ]
    assert all(s["url"] for f in k_premium for s in f["sources"])


def test_show_lists_the_other_facts_in_force(kpsim: Kpsim) -> None:
    code, shown = kpsim.json("rules", "show", "--as-of", "2020-02-10")
    assert code == 0
    by_subject = {f["subject"]: f for f in shown["facts"]}
    assert by_subject["consumption tax"]["value"] == "10%"
    assert by_subject["price k_premium"]["value"].startswith("¥13")
    assert "sender-ID registration freeze" in by_subject
    code, out, _ = kpsim("rules", "show", "--as-of", "2020-02-10")
    assert "Other facts in force on 2020-02-10" in out


def test_history_json_for_one_plan_and_carrier(kpsim: Kpsim) -> None:
    code, history = kpsim.json("rules", "history", "--plan", "full", "--carrier", "softbank")
    assert code == 0
    assert [v["id"] for v in history["versions"]] == [
        "full.non-au.2015-09-01",
        "full.softbank.2017-12-05",
        "full.softbank.2020-02-20",
        "full.softbank.2021-06-15",
        "full.softbank.2021-06-16",
        "full.softbank.2023-05-12",
    ]
    latest = history["versions"][-1]
    assert latest["sender_display"]["value"] == "21053"
    assert len(latest["variants"]) == 2
    assert latest["sources"][0]["citation"].startswith("xoxzo/help.xoxzo.com:")


# --- errors: one line on stderr, no traceback, the documented exit code ---

USAGE_ERRORS = [
    pytest.param(["rules", "show", "--as-of", "2021-13-01"], "is not a date", id="bad-date"),
    pytest.param(["rules", "show", "--as-of", "yesterday"], "is not a date", id="not-a-date"),
    pytest.param(["rules", "history", "--plan", "platinum"], "unknown plan", id="unknown-plan"),
    pytest.param(["rules", "history", "--carrier", "vodafone"], "unknown carrier", id="carrier"),
    pytest.param(["rules", "show", "--assume", "no_such=x"], "unknown assumption", id="assumption"),
    pytest.param(
        ["rules", "show", "--assume", "docomo_v3_window=maybe"], "has no value", id="value"
    ),
    pytest.param(["rules", "show", "--assume", "docomo_v3_window"], "NAME=VALUE", id="no-equals"),
]


@pytest.mark.parametrize(("args", "says"), USAGE_ERRORS)
def test_usage_error_is_one_line_on_stderr(kpsim: Kpsim, args: list[str], says: str) -> None:
    code, out, err = kpsim(*args)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("kpsim: ") and says in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("args", "says"), USAGE_ERRORS)
def test_usage_error_with_json_prints_an_error_object(
    kpsim: Kpsim, args: list[str], says: str
) -> None:
    code, payload = kpsim.json(*args)
    assert code == 2
    assert payload["exit_code"] == 2 and payload["kind"] == "usage" and says in payload["error"]


def test_missing_rules_directory_is_a_rules_error(kpsim: Kpsim, tmp_path: Path) -> None:
    code, _, err = kpsim("rules", "show", "--rules", str(tmp_path / "nowhere"))
    assert code == 4
    assert err.count("\n") == 1 and "rules directory not found" in err


def test_real_process_prints_one_line_and_exits_with_the_usage_code() -> None:
    bad = kpsim_process("rules", "show", "--as-of", "2021-13-01")
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr == "kpsim: --as-of '2021-13-01' is not a date (use the form YYYY-MM-DD)\n"
