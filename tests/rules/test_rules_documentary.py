"""Documentary tests: the rules reproduce the dated table of the K-Premium research notes.

Each expected cell is written in the legend of section 1 of
shared/domain/kpremium-rules-history.md ("D / R / $K" = direct route, registered sender ID,
K-Premium charge; "S / U / $S" = standard route, the user's `sender`, standard charge;
"F:n" = fixed sender n, "F:?" = a fixed sender whose value no document gives), and every row
names the rule version that must produce it and, in its test id, the document (help-centre
commit or blog post) it comes from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from simulator.errors import NotApplicableError
from simulator.rules.assumptions import referenced_assumptions, resolve_settings
from simulator.rules.linter import boundaries
from simulator.rules.reference import Decision, evaluate
from simulator.rules.ruleset import RuleSet

D = dt.date.fromisoformat
ROUTES = {"D": "direct", "S": "standard"}
CHARGES = {"$K": "k_premium", "$S": "standard"}


def expected_outcome(cell: str) -> dict[str, object]:
    """A table cell such as `D / F:22472 / $K` as the fields of an outcome."""
    route, sender, charge = (part.strip() for part in cell.split(" / "))
    kind, value, known = {"R": ("registered", None, True), "U": ("user", None, True)}.get(
        sender, ("fixed", sender.removeprefix("F:"), True)
    )
    if value == "?":
        value, known = None, False
    return {
        "route": ROUTES[route],
        "sender_kind": kind,
        "sender_value": value,
        "sender_value_known": known,
        "charge": CHARGES[charge],
    }


def actual_outcome(decision: Decision) -> dict[str, object]:
    o = decision.outcome
    return {
        "route": o.route,
        "sender_kind": o.sender.kind,
        "sender_value": o.sender.value,
        "sender_value_known": o.sender.value_known,
        "charge": o.charge,
    }


@dataclass(frozen=True)
class Period:
    """One row of the notes' section 1 table, probed on one day, with its documents."""

    on: str
    cite: str
    cells: dict[tuple[str, str], tuple[str, str]]


STANDARD_ALWAYS = {
    ("standard", c): ("S / U / $S", "standard.all.2015-08-27")
    for c in ("au", "docomo", "softbank", "rakuten")
}

AU_ONLY = {
    ("full", "au"): ("D / R / $K", "full.au.2015-09-01"),
    ("full", "docomo"): ("S / U / $S", "full.non-au.2015-09-01"),
    ("full", "softbank"): ("S / U / $S", "full.non-au.2015-09-01"),
    ("full", "rakuten"): ("S / U / $S", "full.rakuten.2015-09-01"),
    **STANDARD_ALWAYS,
}

V2_FULL = {
    ("full", "au"): ("D / R / $K", "full.au.2015-09-01"),
    ("full", "docomo"): ("D / F:0344057440 / $K", "full.docomo.2017-12-05"),
    ("full", "softbank"): ("D / F:22472 / $K", "full.softbank.2017-12-05"),
    ("full", "rakuten"): ("S / U / $S", "full.rakuten.2015-09-01"),
}

LITE_AU_ONLY = {
    ("lite", "au"): ("D / R / $K", "lite.au.2018-06-25"),
    ("lite", "docomo"): ("S / U / $S", "lite.docomo.2018-06-25"),
    ("lite", "softbank"): ("S / U / $S", "lite.softbank.2018-06-25"),
    ("lite", "rakuten"): ("S / U / $S", "lite.rakuten.2018-06-25"),
}

RAKUTEN_ERA = {
    ("full", "au"): ("D / R / $K", "full.au.2015-09-01"),
    ("full", "docomo"): ("D / R / $K", "full.docomo.2020-05-19"),
    ("full", "softbank"): ("D / F:22472 / $K", "full.softbank.2020-02-20"),
    ("full", "rakuten"): ("D / R / $K", "full.rakuten.2020-05-19"),
    ("lite", "au"): ("D / R / $K", "lite.au.2018-06-25"),
    ("lite", "docomo"): ("D / R / $K", "lite.docomo.2020-05-19"),
    ("lite", "softbank"): ("S / U / $S", "lite.softbank.2018-06-25"),
    ("lite", "rakuten"): ("D / R / $K", "lite.rakuten.2020-05-19"),
    **STANDARD_ALWAYS,
}

PERIODS = [
    Period("2016-01-01", "blog k-premium-history 2019-02-03 + help JA-2 d1a748d", AU_ONLY),
    Period("2017-11-01", "help EN-1 30a2427 + JA-2 d1a748d", AU_ONLY),
    Period(
        "2018-01-01", "help EN-2 7d26662 + blog kpremium-v2-notice", {**V2_FULL, **STANDARD_ALWAYS}
    ),
    Period(
        "2019-01-01",
        "help EN-3 7c01840 + 760c536 + blog kpremium-lite",
        {**V2_FULL, **LITE_AU_ONLY, **STANDARD_ALWAYS},
    ),
    Period(
        "2019-08-12",
        "help EN-4 8fec465",
        {
            **V2_FULL,
            ("full", "docomo"): ("D / F:05052128038 / $K", "full.docomo.2019-08-12"),
            **LITE_AU_ONLY,
            **STANDARD_ALWAYS,
        },
    ),
    Period(
        "2019-11-27",
        "help EN-7 c6ee5af",
        {
            **V2_FULL,
            ("full", "docomo"): (
                "D / F:0363881815 or 05052128038 / $K",
                "full.docomo.2019-11-27",
            ),
            **LITE_AU_ONLY,
            **STANDARD_ALWAYS,
        },
    ),
    Period(
        "2020-03-01",
        "help JA-10 a8a9303 + LJ-5 3277a0c + blog jp-kp-v3-prerelease",
        {
            ("full", "au"): ("D / R / $K", "full.au.2015-09-01"),
            ("full", "docomo"): ("D / R / $K", "full.docomo.2020-02-20"),
            ("full", "softbank"): ("D / F:22472 / $K", "full.softbank.2020-02-20"),
            ("full", "rakuten"): ("S / U / $S", "full.rakuten.2015-09-01"),
            ("lite", "au"): ("D / R / $K", "lite.au.2018-06-25"),
            ("lite", "docomo"): ("D / R / $K", "lite.docomo.2020-02-20"),
            ("lite", "softbank"): ("S / U / $S", "lite.softbank.2018-06-25"),
            ("lite", "rakuten"): ("S / U / $S", "lite.rakuten.2018-06-25"),
            **STANDARD_ALWAYS,
        },
    ),
    Period("2020-06-01", "help EN-10 4cf5aed + CE-6 0a51b2e", RAKUTEN_ERA),
    Period(
        "2021-06-16",
        "help EN-11 89755a8 + blog softbank-6-digits 2021-06-15",
        {**RAKUTEN_ERA, ("full", "softbank"): ("D / F:249200 / $K", "full.softbank.2021-06-16")},
    ),
    Period(
        "2023-05-12",
        "help EN-12 5db56d0",
        {**RAKUTEN_ERA, ("full", "softbank"): ("D / F:21053 / $K", "full.softbank.2023-05-12")},
    ),
    Period(
        "2025-06-01",
        "help master 2fe03bf unchanged; blog price-cut-jp-kp 2025-02-27 (price only)",
        {**RAKUTEN_ERA, ("full", "softbank"): ("D / F:21053 / $K", "full.softbank.2023-05-12")},
    ),
]

# The last day before a change still has the old rule (day-granular effective dates).
EVES = [
    Period(
        "2017-12-04",
        "help 7d26662 published 2017-12-05",
        {("full", "docomo"): ("S / U / $S", "full.non-au.2015-09-01")},
    ),
    Period(
        "2018-06-24",
        "help 7c01840 published 2018-06-25",
        {("full", "softbank"): ("D / F:22472 / $K", "full.softbank.2017-12-05")},
    ),
    Period(
        "2019-08-11",
        "help 8fec465 published 2019-08-12 (C2 default)",
        {("full", "docomo"): ("D / F:0344057440 / $K", "full.docomo.2019-07-10")},
    ),
    Period(
        "2020-02-19",
        "help a8a9303 published 2020-02-20",
        {("lite", "docomo"): ("S / U / $S", "lite.docomo.2018-06-25")},
    ),
    Period(
        "2020-05-18",
        "help 4cf5aed published 2020-05-19",
        {
            ("full", "rakuten"): ("S / U / $S", "full.rakuten.2020-04-08"),
            ("lite", "rakuten"): ("S / U / $S", "lite.rakuten.2020-04-08"),
        },
    ),
    Period(
        "2021-06-15",
        "help 89755a8 published 2021-06-16 (C10c: the blog was a day earlier)",
        {("full", "softbank"): ("D / F:22472 / $K", "full.softbank.2020-02-20")},
    ),
    Period(
        "2023-05-11",
        "help 5db56d0 published 2023-05-12",
        {("full", "softbank"): ("D / F:249200 / $K", "full.softbank.2021-06-16")},
    ),
]


def cases(periods: list[Period]) -> Iterator[object]:
    for period in periods:
        for (plan, carrier), (cell, rule_id) in period.cells.items():
            yield pytest.param(
                D(period.on),
                plan,
                carrier,
                cell,
                rule_id,
                id=f"{period.on}-{plan}-{carrier} [{period.cite}]",
            )


@pytest.mark.parametrize(("on", "plan", "carrier", "cell", "rule_id"), cases(PERIODS + EVES))
def test_outcome_and_rule_match_the_documents(
    ruleset: RuleSet,
    defaults: dict[str, str],
    on: dt.date,
    plan: str,
    carrier: str,
    cell: str,
    rule_id: str,
) -> None:
    decision = evaluate(ruleset, plan, carrier, on, defaults)
    assert (actual_outcome(decision), decision.rule.id) == (expected_outcome(cell), rule_id)
    assert decision.sources, f"{rule_id} cites no source"


@pytest.mark.parametrize("period", PERIODS, ids=[p.on for p in PERIODS])
def test_every_plan_that_exists_is_covered_for_every_carrier(
    ruleset: RuleSet, period: Period
) -> None:
    on = D(period.on)
    existing = {p for p, plan in ruleset.plans.items() if plan.available_from <= on}
    assert set(period.cells) == {(p, c) for p in existing for c in ruleset.carriers}


@pytest.mark.parametrize(
    "on", ["2015-09-01", "2016-01-01", "2017-11-01", "2018-01-01", "2018-06-24"]
)
@pytest.mark.parametrize("carrier", ["au", "docomo", "softbank", "rakuten"])
def test_lite_before_2018_06_25_is_not_applicable(
    ruleset: RuleSet, defaults: dict[str, str], on: str, carrier: str
) -> None:
    with pytest.raises(NotApplicableError, match="2018-06-25"):
        evaluate(ruleset, "lite", carrier, D(on), defaults)


def test_full_before_september_2015_is_not_applicable(
    ruleset: RuleSet, defaults: dict[str, str]
) -> None:
    with pytest.raises(NotApplicableError, match="did not exist"):
        evaluate(ruleset, "full", "au", D("2015-08-31"), defaults)


# --- Assumptions: each alternative reading changes exactly its cells, in exactly its window ---


@dataclass(frozen=True)
class Window:
    """Where choosing `assumption=value` changes a plan × carrier, and to what (last day inclusive)."""

    assumption: str
    value: str
    plan: str
    carrier: str
    first: str
    last: str | None
    cell: str
    rule_id: str
    cite: str

    def contains(self, on: dt.date) -> bool:
        return D(self.first) <= on and (self.last is None or on <= D(self.last))

    def probes(self) -> list[dt.date]:
        first = D(self.first)
        last = D(self.last) if self.last else D("2030-12-31")
        return sorted({first, first + (last - first) // 2, last})


ALTERNATIVES = [
    Window(
        "docomo_2019_number_change", "blog_2019_07_10", "full", "docomo",
        "2019-07-10", "2019-08-11", "D / F:05052128038 / $K", "full.docomo.2019-07-10",
        "C2 blog docomo-senderid-update 2019-07-10",
    ),
    Window(
        "softbank_under_v3", "standard_ja_notice", "full", "softbank",
        "2020-02-20", "2021-06-15", "S / U / $S", "full.softbank.2020-02-20",
        "C4 blog jp-kp-v3-notice-ja 27fbedc",
    ),
    Window(
        "docomo_v3_window", "en_pages", "full", "docomo",
        "2020-02-20", "2020-05-18", "D / F:0363881815 or 05052128038 / $K",
        "full.docomo.2020-02-20", "C5 EN service c6ee5af..33c39bd",
    ),
    Window(
        "docomo_v3_window", "en_pages", "lite", "docomo",
        "2020-02-20", "2020-05-18", "S / U / $S", "lite.docomo.2020-02-20",
        "C5 EN Lite fcd3201, EN comparison b2b8f58",
    ),
    Window(
        "rakuten_under_lite", "standard", "lite", "rakuten",
        "2020-05-19", None, "S / U / $S", "lite.rakuten.2020-05-19",
        "C7 service Lite paragraph and Lite pages 4cf5aed",
    ),
    Window(
        "docomo_under_lite_2020", "standard", "lite", "docomo",
        "2020-05-19", None, "S / U / $S", "lite.docomo.2020-05-19",
        "C8 EN Lite leftover paragraph 4cf5aed",
    ),
    Window(
        "rakuten_sender_under_full", "fixed_unknown", "full", "rakuten",
        "2020-05-19", None, "D / F:? / $K", "full.rakuten.2020-05-19",
        "C9 JA Lite intro 4a04697",
    ),
    Window(
        "rakuten_sender_under_full", "fixed_unknown", "lite", "rakuten",
        "2020-05-19", None, "D / F:? / $K", "lite.rakuten.2020-05-19",
        "C9, Lite shows what full shows",
    ),
    Window(
        "softbank_shortcode_since_2023", "ezsms_249200", "full", "softbank",
        "2023-05-12", None, "D / F:249200 / $K", "full.softbank.2023-05-12",
        "C10a EZSMS copy 4e0c1d3",
    ),
    Window(
        "softbank_shortcode_since_2023", "blog_6_digit_unknown", "full", "softbank",
        "2023-05-12", None, "D / F:? / $K", "full.softbank.2023-05-12",
        "C10b blog price-cut-jp-kp 2025-02-27",
    ),
    Window(
        "rakuten_before_2020_05_19", "as_documented_2020_05_19", "full", "rakuten",
        "2020-04-08", "2020-05-18", "D / R / $K", "full.rakuten.2020-04-08",
        "gap: Rakuten MNO from 2020-04-08, help drafts 6e07791 2020-04-30",
    ),
    Window(
        "rakuten_before_2020_05_19", "as_documented_2020_05_19", "lite", "rakuten",
        "2020-04-08", "2020-05-18", "D / R / $K", "lite.rakuten.2020-04-08",
        "gap: as documented from 4cf5aed",
    ),
]  # fmt: skip


def window_cases() -> Iterator[object]:
    for w in ALTERNATIVES:
        for on in w.probes():
            yield pytest.param(
                w, on, id=f"{w.assumption}={w.value}-{w.plan}-{w.carrier}-{on} [{w.cite}]"
            )


@pytest.mark.parametrize(("window", "on"), window_cases())
def test_assumption_alternative_takes_effect_in_its_window(
    ruleset: RuleSet, window: Window, on: dt.date
) -> None:
    settings = resolve_settings(ruleset, {window.assumption: window.value})
    decision = evaluate(ruleset, window.plan, window.carrier, on, settings)
    assert (actual_outcome(decision), decision.rule.id) == (
        expected_outcome(window.cell),
        window.rule_id,
    )
    assert decision.assumptions_used[window.assumption] == window.value


def probe_days(ruleset: RuleSet) -> list[dt.date]:
    """Every day on which anything changes, the day before it, and the ends of the range."""
    days = {D("2015-01-01"), D("2030-12-31")}
    for day in boundaries(ruleset):
        days |= {day, day - dt.timedelta(days=1)}
    for w in ALTERNATIVES:
        days |= {D(w.first), D(w.first) - dt.timedelta(days=1)}
        if w.last:
            days |= {D(w.last), D(w.last) + dt.timedelta(days=1)}
    return sorted(days)


@pytest.mark.parametrize(
    ("assumption", "value"),
    sorted({(w.assumption, w.value) for w in ALTERNATIVES}),
)
def test_assumption_alternative_has_no_effect_outside_its_window(
    ruleset: RuleSet, defaults: dict[str, str], assumption: str, value: str
) -> None:
    settings = resolve_settings(ruleset, {assumption: value})
    windows = [w for w in ALTERNATIVES if (w.assumption, w.value) == (assumption, value)]
    changed, expected = set(), set()
    for on in probe_days(ruleset):
        for plan_id, plan in ruleset.plans.items():
            if on < plan.available_from:
                continue
            for carrier in ruleset.carriers:
                base = evaluate(ruleset, plan_id, carrier, on, defaults)
                alt = evaluate(ruleset, plan_id, carrier, on, settings)
                assert alt.rule.id == base.rule.id
                if alt.outcome != base.outcome:
                    changed.add((plan_id, carrier, on))
                if any(
                    (w.plan, w.carrier) == (plan_id, carrier) and w.contains(on) for w in windows
                ):
                    expected.add((plan_id, carrier, on))
    assert changed == expected


def test_every_alternative_reading_has_a_window_test(ruleset: RuleSet) -> None:
    routing = {name for r in ruleset.routing for v in r.rule.variants for name in v.when}
    alternatives = {
        (a, v.id)
        for a in referenced_assumptions(ruleset)
        if a in routing
        for v in ruleset.assumptions[a].values
        if v.id != ruleset.assumptions[a].default
    }
    assert alternatives == {(w.assumption, w.value) for w in ALTERNATIVES}


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        pytest.param("help_21053", "D / F:21053 / $K", id="help-5db56d0"),
        pytest.param("ezsms_249200", "D / F:249200 / $K", id="ezsms-copy-4e0c1d3"),
        pytest.param("blog_6_digit_unknown", "D / F:? / $K", id="blog-2025-02-27"),
    ],
)
def test_softbank_shortcode_since_2023_has_three_readings(
    ruleset: RuleSet, value: str, cell: str
) -> None:
    settings = resolve_settings(ruleset, {"softbank_shortcode_since_2023": value})
    for on in (D("2023-05-12"), D("2025-06-01")):
        decision = evaluate(ruleset, "full", "softbank", on, settings)
        assert actual_outcome(decision) == expected_outcome(cell)
        assert decision.rule.id == "full.softbank.2023-05-12"


@pytest.mark.parametrize(
    ("overrides", "plan", "on", "cell"),
    [
        pytest.param(
            {
                "rakuten_before_2020_05_19": "as_documented_2020_05_19",
                "rakuten_sender_under_full": "fixed_unknown",
            },
            "full",
            "2020-05-01",
            "D / F:? / $K",
            id="gap+C9-full",
        ),
        pytest.param(
            {
                "rakuten_before_2020_05_19": "as_documented_2020_05_19",
                "rakuten_sender_under_full": "fixed_unknown",
            },
            "lite",
            "2020-05-01",
            "D / F:? / $K",
            id="gap+C9-lite",
        ),
        pytest.param(
            {
                "rakuten_before_2020_05_19": "as_documented_2020_05_19",
                "rakuten_under_lite": "standard",
            },
            "lite",
            "2020-05-01",
            "S / U / $S",
            id="gap+C7-lite-stays-standard",
        ),
        pytest.param(
            {"rakuten_under_lite": "standard", "rakuten_sender_under_full": "fixed_unknown"},
            "lite",
            "2020-06-01",
            "S / U / $S",
            id="C7+C9-lite-standard-wins",
        ),
        pytest.param(
            {"rakuten_before_2020_05_19": "as_documented_2020_05_19"},
            "full",
            "2020-04-07",
            "S / U / $S",
            id="gap-not-before-rakuten-network-2020-04-08",
        ),
    ],
)
def test_rakuten_readings_combine(
    ruleset: RuleSet, overrides: dict[str, str], plan: str, on: str, cell: str
) -> None:
    settings = resolve_settings(ruleset, overrides)
    decision = evaluate(ruleset, plan, "rakuten", D(on), settings)
    assert actual_outcome(decision) == expected_outcome(cell)
