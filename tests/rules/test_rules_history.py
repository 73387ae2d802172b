"""One history of every dated fact (`kpsim rules history`, `simulator.result.history`): routing,
prices, tax, API parameter names, message parts, sender-ID rules and registration, each with
its dates and sources; and `explain`'s yen amount per part."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from simulator.result.explain import explain
from simulator.result.history import all_facts, facts_in_force, rules_history
from simulator.rules.assumptions import resolve_settings
from simulator.rules.ruleset import load_ruleset

RULES = load_ruleset()
FACTS = {(f.kind, f.id, f.subject): f for f in all_facts(RULES)}


def fact(kind: str, subject: str, since: str) -> tuple[str, str | None, str | None]:
    day = dt.date.fromisoformat(since)
    match = [
        f
        for (k, _, s), f in FACTS.items()
        if k == kind and s == subject and f.effective_from == day
    ]
    assert len(match) == 1, (kind, subject, since, [f.id for f in match])
    f = match[0]
    return f.value, (None if f.until is None else f.until.isoformat()), f.basis


@pytest.mark.parametrize(
    ("kind", "subject", "since", "value", "until", "basis"),
    [
        ("price", "price k_premium", "2017-12-05", "¥13 per message_part (excl. tax)", "2020-02-19", "exact"),
        ("price", "price k_premium", "2020-02-20", "¥11 per message_part (excl. tax)", "2025-02-28", "exact"),
        ("price", "price k_premium", "2025-03-01", "¥11 per message_part (excl. tax)", None, "upper_bound"),
        ("price", "price registration_fee", "2020-02-20", "¥50,000 per sender_id_per_30_days (excl. tax)", "2025-02-28", "exact"),
        ("tax", "consumption tax", "2014-04-01", "8%", "2019-09-30", "general_knowledge"),
        ("tax", "consumption tax", "2019-10-01", "10%", None, "sourced"),
        ("api_parameter", "parameter jp-kp", "2015-09-01", "`jp-kp` accepted (full_flag)", "2017-08-14", None),
        ("api_parameter", "parameter jp_kp", "2017-07-31", "`jp_kp` accepted (full_flag)", None, None),
        ("api_parameter", "parameter jp_kddi_sender", "2017-07-31", "`jp_kddi_sender` accepted (kp_sender)", "2020-09-30", None),
        ("api_parameter", "parameter jp_kp_sender", "2020-05-19", "`jp_kp_sender` accepted (kp_sender)", None, None),
        ("segmentation", "message parts standard", "2015-08-27", "xoxzo_single: Xoxzo SMS API before long SMS (one part only)", "2025-03-31", None),
        ("segmentation", "message parts standard", "2025-04-01", "xoxzo_long: Xoxzo long SMS (up to 660 characters)", None, None),
        ("routing", "full → softbank", "2021-06-16", "direct / fixed code 249200 / k_premium", "2023-05-11", None),
        ("registration", "sender-ID registration lead time", "2020-02-20", "14 days", None, None),
        ("registration", "sender-ID registration freeze", "2020-02-01", None, "2020-02-20", None),
        ("sender_id", "user_sender sender_japanese_looking", "2015-08-27", None, "2024-03-17", "warn"),
        ("sender_id", "user_sender sender_japanese_looking", "2024-03-18", None, None, "refuse"),
    ],
)  # fmt: skip
def test_every_dated_fact_is_in_the_history(
    kind: str, subject: str, since: str, value: str | None, until: str | None, basis: str | None
) -> None:
    got_value, got_until, got_basis = fact(kind, subject, since)
    if value is not None:
        assert got_value == value
    assert (got_until, got_basis) == (until, basis)


def test_every_fact_cites_its_sources_unless_general_knowledge() -> None:
    unsourced = [f.id for f in FACTS.values() if not f.sources and f.basis != "general_knowledge"]
    assert unsourced == []
    assert all(s.url for f in FACTS.values() for s in f.sources)


def test_the_history_is_in_date_order_and_has_every_kind() -> None:
    facts = all_facts(RULES)
    assert [f.effective_from for f in facts] == sorted(f.effective_from for f in facts)
    assert {f.kind for f in facts} == {
        "routing", "price", "tax", "api_parameter", "api_constraint", "segmentation",
        "sender_id", "registration",
    }  # fmt: skip


def test_a_plan_filter_keeps_facts_about_every_plan_and_drops_other_plans() -> None:
    history = rules_history(RULES, plan="standard")
    kinds = {f.kind for f in history.facts}
    assert {"price", "tax", "routing"} <= kinds
    assert all(f.plans is None or "standard" in f.plans for f in history.facts)
    assert not [f for f in history.facts if f.subject.startswith("parameter jp_kp")]
    assert {v.plan for v in history.versions} == {"standard"}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2019-09-30", {"tax": "8%", "price k_premium": "¥13"}),
        ("2019-10-01", {"tax": "10%", "price k_premium": "¥13"}),
        ("2020-02-20", {"tax": "10%", "price k_premium": "¥11"}),
    ],
)
def test_facts_in_force_on_a_day(day: str, expected: dict[str, str]) -> None:
    facts = facts_in_force(RULES, dt.date.fromisoformat(day))
    assert "routing" not in {f.kind for f in facts}
    tax = next(f for f in facts if f.kind == "tax")
    price = next(f for f in facts if f.subject == "price k_premium")
    assert tax.value == expected["tax"] and price.value.startswith(expected["price k_premium"])


AU = "090-1234-5678"


@pytest.mark.parametrize(
    ("plan", "day", "message", "per_part", "basis", "parts", "total", "total_incl"),
    [
        ("full", "2016-01-01", None, None, "unknown", 1, None, None),
        ("full", "2019-09-30", None, "13", "exact", 1, "13", "14"),
        ("full", "2019-10-01", None, "13", "exact", 1, "13", "14"),
        ("full", "2020-02-20", None, "11", "exact", 1, "11", "12"),
        ("full", "2025-03-01", None, "11", "upper_bound", 1, "11", "12"),
        ("standard", "2026-12-01", "あ" * 71, "10", "assumed_unchanged", 2, "20", "22"),
        ("full", "2026-12-01", "あ" * 71, "11", "upper_bound", None, None, None),
        ("standard", "2019-01-01", "hello", "10", "exact", 1, "10", "10"),
    ],
)  # fmt: skip
def test_explain_gives_the_yen_amount_per_part_and_the_total(
    plan: str, day: str, message: str | None, per_part: str | None, basis: str,
    parts: int | None, total: str | None, total_incl: str | None,
) -> None:  # fmt: skip
    explanation, _ = explain(
        RULES, AU, plan=plan, day=dt.date.fromisoformat(day), carrier="au",
        settings=resolve_settings(RULES, {}), kp_sender=None, sender=None, message=message,
    )  # fmt: skip
    price = explanation.price
    assert price is not None

    def dec(v: str | None) -> Decimal | None:
        return None if v is None else Decimal(v)

    assert (price.per_part_jpy_excl_tax, price.basis, price.parts) == (dec(per_part), basis, parts)
    assert (price.total_jpy_excl_tax, price.total_jpy_incl_tax) == (dec(total), dec(total_incl))
