"""Sender-ID rules on the command line (rules/sender_ids.yaml): `forecast`, `explain` and `diff`
refuse what the API refuses (exit 2, a code) and warn, with codes, about what carriers do; a
warned registered sender is never reported as guaranteed."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runner import Kpsim

AU_MOBILE = "090-1234-5678"


@pytest.fixture
def small_list(tmp_path: Path) -> Path:
    path = tmp_path / "list.csv"
    path.write_text("phone\n090-1234-5678\n080-1234-5678\n", encoding="utf-8")
    return path


REFUSED = [
    pytest.param(["--sender", "+81312345678"], "sender_looks_japanese", id="plus81"),
    pytest.param(["--sender", "ABCDEFGHIJK"], "sender_too_long", id="eleven-letters"),
    pytest.param(["--sender", "1234567890123456"], "sender_too_long", id="sixteen-digits"),
]


@pytest.mark.parametrize(("args", "code"), REFUSED)
def test_forecast_refuses_a_sender_the_api_refuses(
    kpsim: Kpsim, small_list: Path, args: list[str], code: str
) -> None:
    status, doc = kpsim.json(
        "forecast", str(small_list), "--message", "hi", "--as-of", "2026-12-01", *args
    )
    assert (status, doc["kind"], doc["code"]) == (2, "usage", code)


@pytest.mark.parametrize(("args", "code"), REFUSED)
def test_explain_refuses_a_sender_the_api_refuses(kpsim: Kpsim, args: list[str], code: str) -> None:
    status, doc = kpsim.json("explain", AU_MOBILE, "--plan", "standard", "--as-of", "2026-12-01", *args)  # fmt: skip
    assert (status, doc["code"]) == (2, code)


def test_diff_refuses_a_sender_the_api_refuses(small_list: Path) -> None:
    """`kpsim diff` has no sender options yet; `simulator.diff` takes them."""
    import simulator

    with pytest.raises(simulator.UsageError) as refused:
        simulator.diff(
            small_list, from_date="2025-01-01", to_date="2026-12-01", sender="+81312345678"
        )
    assert refused.value.code == "sender_looks_japanese"


def test_diff_carries_the_sender_warnings(small_list: Path) -> None:
    import simulator

    result = simulator.diff(
        small_list, from_date="2025-01-01", to_date="2026-12-01", kp_sender="ABCDEF"
    )
    assert any("is not numeric" in w for w in result.summary.warnings)


def test_the_refusal_can_be_switched_to_a_warning_by_its_assumption(
    kpsim: Kpsim, small_list: Path
) -> None:
    status, doc = kpsim.json(
        "forecast", str(small_list), "--message", "hi", "--as-of", "2026-12-01",
        "--sender", "0312345678", "--assume", "japanese_looking_sender=warned",
    )  # fmt: skip
    assert status == 0
    assert "sender_looks_japanese" in {n["code"] for n in doc["notices"]}


def test_forecast_warns_with_codes_and_a_warned_registered_sender_is_not_guaranteed(
    kpsim: Kpsim, small_list: Path
) -> None:
    status, doc = kpsim.json(
        "forecast", str(small_list), "--message", "hi", "--as-of", "2026-12-01",
        "--sender", "AB", "--kp-sender", "ABCDEF",
    )  # fmt: skip
    assert status == 0
    codes = {n["code"] for n in doc["notices"]}
    assert {"sender_too_short", "sender_alphanumeric_not_shown", "kp_sender_not_numeric"} <= codes
    au = doc["plans"]["full"]["by_carrier"]["au"]["sender_display"]
    assert (au["kind"], au["shown"], au["guaranteed"]) == ("registered", "ABCDEF", False)


def test_a_numeric_registered_sender_stays_guaranteed(kpsim: Kpsim, small_list: Path) -> None:
    status, doc = kpsim.json(
        "forecast", str(small_list), "--message", "hi", "--as-of", "2026-12-01",
        "--kp-sender", "0312345678",
    )  # fmt: skip
    assert status == 0
    assert doc["plans"]["full"]["by_carrier"]["au"]["sender_display"]["guaranteed"] is True
    assert not {n["code"] for n in doc["notices"]} & {"kp_sender_not_numeric"}


def test_explain_warns_and_withdraws_the_guarantee(kpsim: Kpsim) -> None:
    status, doc = kpsim.json(
        "explain", AU_MOBILE, "--plan", "full", "--as-of", "2026-12-01", "--kp-sender", "ABCDEF"
    )
    assert status == 0
    assert doc["sender_display"]["guaranteed"] is False
    assert [n["code"] for n in doc["notices"]] == ["kp_sender_not_numeric"]
    status, out, _ = kpsim(
        "explain", AU_MOBILE, "--plan", "full", "--as-of", "2026-12-01", "--kp-sender", "ABCDEF"
    )
    assert "not guaranteed" in out and "warning: --kp-sender ABCDEF is not numeric" in out


def test_a_forecast_inside_the_v3_registration_freeze_says_so(
    kpsim: Kpsim, small_list: Path
) -> None:
    status, doc = kpsim.json(
        "forecast", str(small_list), "--message", "hi", "--as-of", "2020-02-10", "--plans", "full"
    )
    assert status == 0
    freeze = next(n for n in doc["notices"] if n["code"] == "registration_freeze")
    assert freeze["fields"]["registered_by"] == "2020-01-31"


def test_a_forecast_closer_than_the_lead_time_says_so(
    kpsim: Kpsim, small_list: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    import simulator.analysis.senders as senders

    monkeypatch.setattr(senders, "today_in_japan", lambda: dt.date(2026, 12, 1))
    status, doc = kpsim.json(
        "forecast", str(small_list), "--message", "hi", "--as-of", "2026-12-10"
    )
    assert status == 0
    lead = next(n for n in doc["notices"] if n["code"] == "registration_lead_time")
    assert lead["fields"]["ready"] == "2026-12-15"
    status, doc = kpsim.json(
        "forecast", str(small_list), "--message", "hi", "--as-of", "2026-12-10",
        "--plans", "standard",
    )  # fmt: skip
    assert "registration_lead_time" not in {n["code"] for n in doc["notices"]}


def test_sender_warnings_are_translated(
    kpsim: Kpsim, small_list: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPSIM_LANG", "ja")
    status, out, _ = kpsim(
        "forecast", str(small_list), "--message", "hi", "--as-of", "2026-12-01",
        "--kp-sender", "ABCDEF",
    )  # fmt: skip
    assert status == 0
    assert "登録送信者IDにはなれず" in out


@pytest.mark.parametrize(("kp_sender", "guaranteed"), [("ABCDEF", False), ("0312345678", True)])
def test_per_recipient_rows_carry_the_withdrawn_guarantee(
    small_list: Path, kp_sender: str, guaranteed: bool
) -> None:
    import polars as pl

    import simulator

    result = simulator.forecast(small_list, message="hi", as_of="2026-12-01", kp_sender=kp_sender)
    rows = result.rows.filter(pl.col("sender_kind") == "registered").collect()
    assert rows.height > 0
    assert set(rows["sender_guaranteed"].to_list()) == {guaranteed}
