"""Which request parameters the Xoxzo SMS API accepted on each day, and what a plan's request needs.

Dates from the blog posts k-premium-parameter-change (2017-07-31), kpremium-lite (2018-06-25),
parameter-update (2020-08-25, 2020-10-01) and help 4cf5aed (2020-05-19); C14 gives the two
readings of the `jp_kp_sender` start and the `jp_kddi_sender` end.
"""

from __future__ import annotations

import datetime as dt

import pytest

from simulator.rules.api_request import accepted_names, api_request
from simulator.rules.assumptions import resolve_settings
from simulator.rules.ruleset import RuleSet

D = dt.date.fromisoformat
KDDI_OCT_01 = {"jp_kddi_sender_last_day": "oct_01"}
KP_SENDER_BLOG = {"jp_kp_sender_accepted_from": "blog_2020_08_25"}


@pytest.mark.parametrize(
    ("role", "on", "overrides", "names"),
    [
        # blog k-premium-parameter-change 2017-07-31: dashed names until 2017-08-14 inclusive
        pytest.param("full_flag", "2015-09-01", {}, ["jp-kp"], id="dashed-flag-from-2015-09"),
        pytest.param("full_flag", "2017-07-30", {}, ["jp-kp"], id="dashed-flag-only-2017-07-30"),
        pytest.param("full_flag", "2017-07-31", {}, ["jp_kp", "jp-kp"], id="both-2017-07-31"),
        pytest.param("full_flag", "2017-08-14", {}, ["jp_kp", "jp-kp"], id="both-2017-08-14"),
        pytest.param("full_flag", "2017-08-15", {}, ["jp_kp"], id="underscore-only-2017-08-15"),
        pytest.param("kp_sender", "2017-07-30", {}, ["jp-kddi-sender"], id="dashed-sender"),
        pytest.param(
            "kp_sender", "2017-08-14", {}, ["jp_kddi_sender", "jp-kddi-sender"], id="both-senders"
        ),
        pytest.param("kp_sender", "2017-08-15", {}, ["jp_kddi_sender"], id="underscore-sender"),
        # blog kpremium-lite / help 7c01840: jp_kpl from 2018-06-25
        pytest.param("lite_flag", "2018-06-24", {}, [], id="no-lite-flag-2018-06-24"),
        pytest.param("lite_flag", "2018-06-25", {}, ["jp_kpl"], id="jp_kpl-2018-06-25"),
        pytest.param("lite_flag", "2030-12-31", {}, ["jp_kpl"], id="jp_kpl-still-2030"),
        # help 4cf5aed 2020-05-19 (default) vs blog parameter-update 2020-08-25 (C14)
        pytest.param("kp_sender", "2020-05-18", {}, ["jp_kddi_sender"], id="kddi-only-05-18"),
        pytest.param(
            "kp_sender", "2020-05-19", {}, ["jp_kp_sender", "jp_kddi_sender"], id="kp-from-05-19"
        ),
        pytest.param(
            "kp_sender", "2020-08-24", KP_SENDER_BLOG, ["jp_kddi_sender"], id="blog-kp-not-08-24"
        ),
        pytest.param(
            "kp_sender",
            "2020-08-25",
            KP_SENDER_BLOG,
            ["jp_kp_sender", "jp_kddi_sender"],
            id="blog-kp-from-08-25",
        ),
        # blog parameter-update: jp_kddi_sender until 2020-09-30 (JA) or 2020-10-01 (EN reading)
        pytest.param(
            "kp_sender", "2020-09-30", {}, ["jp_kp_sender", "jp_kddi_sender"], id="kddi-09-30"
        ),
        pytest.param("kp_sender", "2020-10-01", {}, ["jp_kp_sender"], id="kddi-gone-10-01"),
        pytest.param(
            "kp_sender",
            "2020-10-01",
            KDDI_OCT_01,
            ["jp_kp_sender", "jp_kddi_sender"],
            id="oct_01-kddi-10-01",
        ),
        pytest.param("kp_sender", "2020-10-02", KDDI_OCT_01, ["jp_kp_sender"], id="oct_01-gone"),
        pytest.param("sender", "2015-08-27", {}, ["sender"], id="sender-always"),
        pytest.param("sender", "2015-08-26", {}, [], id="no-sms-before-2015-08-27"),
    ],
)
def test_accepted_parameter_names_by_date(
    ruleset: RuleSet, role: str, on: str, overrides: dict[str, str], names: list[str]
) -> None:
    settings = resolve_settings(ruleset, overrides)
    assert accepted_names(ruleset, role, D(on), settings) == names


@pytest.mark.parametrize(
    ("plan", "on", "flag", "kp_sender"),
    [
        pytest.param("full", "2016-01-01", {"jp-kp": "true"}, "jp-kddi-sender", id="full-2016"),
        pytest.param("full", "2017-08-01", {"jp_kp": "true"}, "jp_kddi_sender", id="full-2017-08"),
        pytest.param("lite", "2019-01-01", {"jp_kpl": "true"}, "jp_kddi_sender", id="lite-2019"),
        pytest.param("full", "2020-06-01", {"jp_kp": "true"}, "jp_kp_sender", id="full-2020-06"),
        pytest.param("lite", "2025-06-01", {"jp_kpl": "true"}, "jp_kp_sender", id="lite-2025"),
        pytest.param("standard", "2025-06-01", {}, None, id="standard-no-flag"),
    ],
)
def test_request_uses_the_newest_accepted_names(
    ruleset: RuleSet,
    defaults: dict[str, str],
    plan: str,
    on: str,
    flag: dict[str, str],
    kp_sender: str | None,
) -> None:
    request = api_request(ruleset, plan, D(on), defaults)
    assert request["flag"] == flag
    assert request["kp_sender_param"] == kp_sender
    assert request["sender_param"] == ["sender"]


def rule_ids(request: dict[str, object]) -> set[str]:
    rules = request["rules"]
    assert isinstance(rules, list)
    return {r["id"] for r in rules}


@pytest.mark.parametrize("on", ["2018-06-25", "2020-06-01", "2030-12-31"])
def test_jp_kp_and_jp_kpl_exclude_each_other(
    ruleset: RuleSet, defaults: dict[str, str], on: str
) -> None:
    full = api_request(ruleset, "full", D(on), defaults)
    lite = api_request(ruleset, "lite", D(on), defaults)
    assert full["exclusive_with"] == ["jp_kpl"]
    assert lite["exclusive_with"] == ["jp_kp"]
    assert "kp-flags-exclusive" in rule_ids(full) & rule_ids(lite)


def test_nothing_to_exclude_before_lite_existed(ruleset: RuleSet, defaults: dict[str, str]) -> None:
    request = api_request(ruleset, "full", D("2018-06-24"), defaults)
    assert request["exclusive_with"] == []
    assert "kp-flags-exclusive" not in rule_ids(request)


@pytest.mark.parametrize(
    ("plan", "on"), [("full", "2015-09-01"), ("full", "2020-06-01"), ("lite", "2019-01-01")]
)
def test_registered_sender_is_required_with_either_flag(
    ruleset: RuleSet, defaults: dict[str, str], plan: str, on: str
) -> None:
    request = api_request(ruleset, plan, D(on), defaults)
    assert {"kp-sender-required", "sender-required"} <= rule_ids(request)
    assert request["kp_sender_param"] is not None


def test_standard_needs_message_recipient_and_sender_only(
    ruleset: RuleSet, defaults: dict[str, str]
) -> None:
    request = api_request(ruleset, "standard", D("2021-01-01"), defaults)
    assert rule_ids(request) == {"message-recipient-required", "sender-required"}
    assert request["exclusive_with"] == []
    assert request["kp_sender_params_accepted"] == []


# M4: both K-Premium constraints come from the API docs (message-docs-sms), which describe the
# jp_kp_sender era only; on earlier days kpsim applies them by extrapolation, and says so.
@pytest.mark.parametrize(
    ("constraint", "on", "extrapolated"),
    [
        ("kp-flags-exclusive", "2018-06-25", True),
        ("kp-flags-exclusive", "2020-09-30", True),
        ("kp-flags-exclusive", "2020-10-01", False),
        ("kp-sender-required", "2015-09-01", True),
        ("kp-sender-required", "2020-09-30", True),
        ("kp-sender-required", "2020-10-01", False),
        ("sender-required", "2015-09-01", False),
    ],
)
def test_k_premium_constraints_cite_the_api_docs_and_mark_extrapolation(
    ruleset: RuleSet, defaults: dict[str, str], constraint: str, on: str, extrapolated: bool
) -> None:
    request = api_request(ruleset, "lite" if on >= "2018-06-25" else "full", D(on), defaults)
    rules = request["rules"]
    assert isinstance(rules, list)
    entry = next(r for r in rules if r["id"] == constraint)
    assert entry["extrapolated"] is extrapolated
    if constraint != "sender-required":
        assert entry["sources"] == ["message-docs-sms"]
        docs = ruleset.sources["message-docs-sms"]
        declared = next(c for c in ruleset.api.constraints if c.id == constraint)
        assert declared.documented_from == docs.date
