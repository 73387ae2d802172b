"""Carrier-lookup values (ids, names, brands, MCC-MNC) map to carrier ids; unknown ones are rejected."""

from __future__ import annotations

import polars as pl
import pytest
from numbers_support import Checker

from simulator.numbers.carrier import lookup_key_expr, lookup_names, lookup_table
from simulator.rules.ruleset import RuleSet

LOOKUPS = [
    ("docomo", "docomo"),
    ("NTT DOCOMO", "docomo"),
    ("NTT DOCOMO, INC.", "docomo"),
    ("ドコモ", "docomo"),
    ("ＮＴＴドコモ", "docomo"),
    ("株式会社NTTドコモ", "docomo"),
    ("ahamo", "docomo"),
    ("440-10", "docomo"),
    ("44010", "docomo"),
    ("440 10", "docomo"),
    ("440010", "docomo"),
    ("au", "au"),
    ("AU", "au"),
    ("KDDI", "au"),
    ("KDDI Corporation", "au"),
    ("au (KDDI)", "au"),
    ("UQ mobile", "au"),
    ("UQモバイル", "au"),
    ("povo", "au"),
    ("povo2.0", "au"),
    ("Okinawa Cellular", "au"),
    ("沖縄セルラー電話", "au"),
    ("440-50", "au"),
    ("44051", "au"),
    ("440 54", "au"),
    ("440-78", "au"),
    ("SoftBank", "softbank"),
    ("ソフトバンク", "softbank"),
    ("ｿﾌﾄﾊﾞﾝｸ", "softbank"),
    ("Y!mobile", "softbank"),
    ("Ｙ！ｍｏｂｉｌｅ", "softbank"),
    ("ワイモバイル", "softbank"),
    ("LINEMO", "softbank"),
    ("440-20", "softbank"),
    ("Rakuten", "rakuten"),
    ("Rakuten Mobile, Inc.", "rakuten"),
    ("楽天モバイル", "rakuten"),
    ("Rakuten Communications", "rakuten"),
    ("440-11", "rakuten"),
]


def test_every_alias_in_the_rules_has_a_key_of_its_own_carrier(ruleset: RuleSet) -> None:
    table = lookup_table(ruleset.carriers.values())
    for carrier in ruleset.carriers.values():
        names = pl.DataFrame({"name": lookup_names(carrier)})
        keys = names.select(lookup_key_expr(pl.col("name")))["name"].to_list()
        assert {table[k] for k in keys} == {carrier.id}


@pytest.mark.parametrize(("value", "carrier"), LOOKUPS)
def test_lookup_value_maps_to_carrier(check: Checker, value: str, carrier: str) -> None:
    frame = pl.DataFrame({"phone": ["090-1234-5678"], "lookup": [value]})
    row = check(frame, carrier_column="lookup").row(0, named=True)
    assert (row["carrier"], row["carrier_source"], row["status"]) == (carrier, "lookup", "ok")
    assert row["allocated_carrier"] == "au"


def test_all_rule_aliases_resolve_through_the_pipeline(check: Checker, ruleset: RuleSet) -> None:
    values = [(n, c.id) for c in ruleset.carriers.values() for n in lookup_names(c)]
    frame = pl.DataFrame(
        {"phone": ["070-8312-3456"] * len(values), "carrier": [v for v, _ in values]}
    )
    out = check(frame, carrier_column="carrier")
    assert out["carrier"].to_list() == [c for _, c in values]
    assert out["input_carrier"].to_list() == [v for v, _ in values]


@pytest.mark.parametrize("value", ["MVNO", "不明", "440-99", "Vodafone", "docomo au"])
def test_a_lookup_value_naming_no_carrier_falls_back_to_the_allocation_and_is_flagged(
    check: Checker, value: str
) -> None:
    frame = pl.DataFrame({"phone": ["090-1234-5678"], "lookup": [value]})
    row = check(frame, carrier_column="lookup").row(0, named=True)
    assert (row["status"], row["reject_reason"]) == ("ok", None)
    assert (row["carrier"], row["carrier_source"]) == (row["allocated_carrier"], "allocation")
    assert row["lookup_unmatched"] is True


def test_a_known_lookup_value_is_not_flagged(check: Checker) -> None:
    frame = pl.DataFrame({"phone": ["090-1234-5678"], "lookup": ["ソフトバンク"]})
    row = check(frame, carrier_column="lookup").row(0, named=True)
    assert (row["carrier"], row["lookup_unmatched"]) == ("softbank", False)


def test_blank_lookup_falls_back_to_the_allocation(check: Checker) -> None:
    frame = pl.DataFrame(
        {"phone": ["090-1234-5678", "090-1234-5679"], "lookup": [None, "  "]},
        schema={"phone": pl.String, "lookup": pl.String},
    )
    out = check(frame, carrier_column="lookup")
    assert out["carrier"].to_list() == ["au", "au"]
    assert out["carrier_source"].to_list() == ["allocation", "allocation"]


def test_a_ported_number_is_priced_on_its_looked_up_carrier(check: Checker) -> None:
    frame = pl.DataFrame({"phone": ["090-1234-5678"], "carrier": ["SoftBank"]})
    row = check(frame).row(0, named=True)
    assert (row["allocated_carrier"], row["carrier"]) == ("au", "softbank")


def test_a_carrier_column_is_found_by_name(check: Checker) -> None:
    frame = pl.DataFrame({"電話番号": ["090-1234-5678"], "キャリア": ["ドコモ"]})
    row = check(frame).row(0, named=True)
    assert (row["carrier"], row["carrier_source"]) == ("docomo", "lookup")


def test_number_reasons_come_before_carrier_reasons(check: Checker) -> None:
    frame = pl.DataFrame({"phone": ["03-1234-5678", "abc"], "lookup": ["MVNO", "MVNO"]})
    out = check(frame, carrier_column="lookup")
    assert out["reject_reason"].to_list() == ["landline", "letters"]
