"""`rules/sender_ids.yaml`: which sender values break which dated rule, warned or refused, and
the registration freeze and lead time (rules as data, evaluated by simulator.rules.sender_checks)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from simulator.rules.linter import FindingCode, lint
from simulator.rules.ruleset import DEFAULT_RULES_DIR, load_ruleset
from simulator.rules.sender_checks import (
    check_senders,
    eligibility_on,
    registration_notices,
    unguaranteed,
)

RULES = load_ruleset()
IDS = RULES.sender_ids
TODAY = dt.date(2026, 12, 3)
SHOWN = [
    ("standard", "au", "user"),
    ("standard", "docomo", "user"),
    ("lite", "au", "registered"),
    ("lite", "softbank", "user"),
]


def findings(
    on: str, *, sender: str | None = None, kp_sender: str | None = None, **settings: str
) -> set[tuple[str, str]]:
    found = check_senders(
        IDS,
        dt.date.fromisoformat(on),
        settings,
        values={"user_sender": sender, "registered_sender": kp_sender},
        shown=SHOWN,
        flagged=["lite"],
    )
    return {(f.code, f.action) for f in found}


@pytest.mark.parametrize(
    ("on", "sender", "kp_sender", "settings", "expected"),
    [
        pytest.param("2026-12-01", "XOXZO", None, {}, {("sender_alphanumeric_not_shown", "warn")}, id="brand-au-only"),
        pytest.param("2026-12-01", "12345", None, {}, set(), id="short-digits-fine"),
        pytest.param("2026-12-01", "+81312345678", None, {}, {("sender_looks_japanese", "refuse")}, id="plus81-refused"),
        pytest.param("2026-12-01", "0312345678", None, {}, {("sender_looks_japanese", "refuse")}, id="zero-refused"),
        pytest.param("2024-03-17", "0312345678", None, {}, {("sender_looks_japanese", "warn")}, id="zero-warned-before-2024"),
        pytest.param("2026-12-01", "0312345678", None, {"japanese_looking_sender": "warned"}, {("sender_looks_japanese", "warn")}, id="zero-warned-by-assumption"),
        pytest.param("2026-12-01", "AB", None, {}, {("sender_too_short", "warn"), ("sender_alphanumeric_not_shown", "warn")}, id="short"),
        pytest.param("2026-12-01", "ABCDEFGHIJ", None, {}, {("sender_alphanumeric_not_shown", "warn")}, id="ten-letters-fine"),
        pytest.param("2026-12-01", "ABCDEFGHIJK", None, {}, {("sender_too_long", "refuse"), ("sender_alphanumeric_not_shown", "warn")}, id="eleven-letters"),
        pytest.param("2026-12-01", "123456789012345", None, {}, set(), id="fifteen-digits-fine"),
        pytest.param("2026-12-01", "1234567890123456", None, {}, {("sender_too_long", "refuse")}, id="sixteen-digits"),
        pytest.param("2026-12-01", "1234567890123456", None, {"sender_length_limit": "warned"}, {("sender_too_long", "warn")}, id="sixteen-digits-warned"),
        pytest.param("2026-12-01", "Shop-1", None, {}, {("sender_charset_unknown", "warn")}, id="hyphen"),
        pytest.param("2026-12-01", None, "ABCDEF", {}, {("kp_sender_not_numeric", "warn")}, id="kp-letters"),
        pytest.param("2026-12-01", None, "0312345678", {}, set(), id="kp-numeric-fine"),
    ],
)  # fmt: skip
def test_a_sender_value_breaks_exactly_the_rules_the_record_states(
    on: str, sender: str | None, kp_sender: str | None, settings: dict[str, str], expected: set[tuple[str, str]]
) -> None:  # fmt: skip
    assert findings(on, sender=sender, kp_sender=kp_sender, **settings) == expected


def test_a_rule_about_what_is_shown_concerns_only_the_carriers_shown_the_value() -> None:
    found = check_senders(
        IDS, TODAY, {}, values={"user_sender": "XOXZO", "registered_sender": "KP"}, shown=SHOWN,
        flagged=["lite"],
    )  # fmt: skip
    by_code = {f.code: f.pairs for f in found}
    assert by_code["sender_alphanumeric_not_shown"] == (("standard", "au"),)
    assert by_code["kp_sender_not_numeric"] == (("lite", "au"),)
    assert unguaranteed(found) == {("standard", "au"), ("lite", "au")}


def test_the_registered_sender_is_not_checked_on_plans_without_a_flag() -> None:
    found = check_senders(
        IDS, TODAY, {}, values={"user_sender": None, "registered_sender": "KP"},
        shown=[("standard", "au", "user")], flagged=[],
    )  # fmt: skip
    assert found == []


@pytest.mark.parametrize(
    ("on", "today", "codes"),
    [
        pytest.param("2020-01-31", TODAY, [], id="day-before-freeze"),
        pytest.param("2020-02-01", TODAY, ["registration_freeze"], id="freeze-first-day"),
        pytest.param("2020-02-20", TODAY, ["registration_freeze"], id="freeze-last-day"),
        pytest.param("2020-02-21", TODAY, [], id="after-freeze"),
        pytest.param("2026-12-03", TODAY, ["registration_lead_time"], id="today"),
        pytest.param("2026-12-16", TODAY, ["registration_lead_time"], id="13-days-away"),
        pytest.param("2026-12-17", TODAY, [], id="14-days-away"),
        pytest.param("2026-12-02", TODAY, [], id="past"),
        pytest.param("2019-01-03", dt.date(2019, 1, 1), ["registration_lead_time"], id="3-day-lead-before-v3"),
        pytest.param("2019-01-04", dt.date(2019, 1, 1), [], id="3-days-away-before-v3"),
    ],
)  # fmt: skip
def test_registration_freeze_and_lead_time(on: str, today: dt.date, codes: list[str]) -> None:
    notices = registration_notices(IDS, dt.date.fromisoformat(on), today)
    assert [n.code for n in notices] == codes


def test_lead_time_names_the_first_day_a_new_id_is_ready() -> None:
    (notice,) = registration_notices(IDS, TODAY, TODAY)
    assert notice.fields["days"] == "14" and notice.fields["ready"] == "2026-12-17"


@pytest.mark.parametrize(
    ("on", "who"),
    [
        ("2020-02-19", None),
        ("2020-02-20", "corporations"),
        ("2026-12-01", "corporations_with_contract"),
    ],
)
def test_who_may_register(on: str, who: str | None) -> None:
    rule = eligibility_on(IDS, dt.date.fromisoformat(on))
    assert (rule.who if rule else None) == who


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("sources: [help-senderid-faq]\n", "sources: [no-such-source]\n", id="source"),
        pytest.param("carriers: [au]", "carriers: [kddi]", id="carrier"),
        pytest.param(
            "{sender_length_limit: warned}", "{sender_length_limit: maybe}", id="assumption-value"
        ),
        pytest.param("test: {charset: [other]}", "test: {charset: [kana]}", id="charset"),
        pytest.param("effective_from: 2024-03-18", "effective_from: 2015-08-27", id="unordered"),
        pytest.param("pattern: '^[A-Za-z0-9]+$'", "pattern: '^[A-Z('", id="pattern"),
        pytest.param("id: lead_time.2020-02-20", "id: lead_time.2015-09-01", id="duplicate-id"),
    ],
)
def test_lint_reports_a_broken_sender_ids_file(tmp_path: Path, old: str, new: str) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    path = rules / "sender_ids.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert FindingCode.SENDER_IDS in {f.code for f in lint(rules)}
