"""`kpsim forecast --out` writes requests_<plan>.jsonl: one send request per recipient the plan
sends, masked unless --full-numbers, and `--json` carries each plan's request."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from cli_runner import Kpsim

CSV = "tel\n090-1234-0001\n080-1111-0002\n03-1234-5678\n"
ARGS = ["--as-of", "2024-01-01", "--sender", "XOXZO", "--kp-sender", "0312341234", "-q"]


@pytest.fixture
def listed(tmp_path: Path) -> Path:
    path = tmp_path / "list.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def fields(line: dict[str, object]) -> list[tuple[str, str]]:
    return parse_qsl(str(line["body"]), strict_parsing=True)


def test_full_numbers_gives_one_replayable_request_per_recipient_and_plan(
    kpsim: Kpsim, listed: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, _, err = kpsim("forecast", str(listed), "--message", "こんにちは", *ARGS,
                         "--out", str(out), "--full-numbers")  # fmt: skip
    assert code == 0, err
    lite = lines(out / "requests_lite.jsonl")
    assert [line["row"] for line in lite] == [1, 2]
    assert {(line["method"], line["url"], line["content_type"]) for line in lite} == {
        ("POST", "https://api.xoxzo.com/sms/messages/", "application/x-www-form-urlencoded")
    }
    assert fields(lite[0]) == [
        ("message", "こんにちは"),
        ("recipient", "+819012340001"),
        ("sender", "XOXZO"),
        ("jp_kpl", "true"),
        ("jp_kp_sender", "0312341234"),
    ]
    standard = lines(out / "requests_standard.jsonl")
    assert fields(standard[1]) == [
        ("message", "こんにちは"),
        ("recipient", "+818011110002"),
        ("sender", "XOXZO"),
    ]
    assert dict(fields(lines(out / "requests_full.jsonl")[0]))["jp_kp"] == "true"


def test_requests_are_masked_by_default(kpsim: Kpsim, listed: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _, err = kpsim("forecast", str(listed), "--message", "hi", *ARGS, "--out", str(out))
    assert code == 0, err
    text = (out / "requests_lite.jsonl").read_text(encoding="utf-8")
    assert "12340001" not in text and "%2B81" not in text
    assert dict(fields(lines(out / "requests_lite.jsonl")[0]))["recipient"] == "090-****-0001"


def test_no_requests_file_without_the_sender_values(
    kpsim: Kpsim, listed: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, _, err = kpsim("forecast", str(listed), "--message", "hi", "--as-of", "2024-01-01",
                         "-q", "--out", str(out))  # fmt: skip
    assert code == 0, err
    assert not list(out.glob("requests_*.jsonl"))


def test_forecast_json_carries_each_plans_request_with_the_recipient_open(
    kpsim: Kpsim, listed: Path
) -> None:
    code, summary = kpsim.json("forecast", str(listed), "--message", "hi", *ARGS)
    assert code == 0
    request = summary["plans"]["full"]["api_request"]["request"]
    assert request["missing"] == ["recipient"]
    assert request["body"] is None
    assert [f["name"] for f in request["fields"]] == [
        "message", "recipient", "sender", "jp_kp", "jp_kp_sender"
    ]  # fmt: skip


def test_forecast_offers_looking_up_carriers_from_the_allocation_at_5_each(
    kpsim: Kpsim, listed: Path
) -> None:
    code, summary = kpsim.json("forecast", str(listed), "--message", "hi", *ARGS)
    assert code == 0
    lookup = summary["carrier_lookup"]
    assert (lookup["numbers"], lookup["price_per_lookup_jpy_excl_tax"]) == (2, 5)
    assert (lookup["cost_jpy_excl_tax"], lookup["cost_jpy_incl_tax"]) == (10, 11)
    assert lookup["url"] == "https://api.xoxzo.com/utilities/carrierlookup/"
    _, out, _ = kpsim("forecast", str(listed), "--message", "hi", *ARGS)
    assert "Carrier Lookup API, ¥5 per number) costs ¥10" in " ".join(out.split())


def test_no_lookup_is_offered_when_a_carrier_column_gives_every_carrier(
    kpsim: Kpsim, tmp_path: Path
) -> None:
    path = tmp_path / "with_carriers.csv"
    path.write_text("tel,carrier\n090-1234-0001,au\n080-1111-0002,softbank\n", encoding="utf-8")
    code, summary = kpsim.json("forecast", str(path), "--message", "hi", *ARGS)
    assert code == 0
    assert summary["carrier_lookup"] is None


def test_explain_prints_the_request_and_what_is_still_to_give(kpsim: Kpsim) -> None:
    code, out, err = kpsim("explain", "090-1234-0001", "--plan", "lite", "--as-of", "2024-01-01",
                           "--carrier", "au", "--kp-sender", "0312341234")  # fmt: skip
    assert code == 0, err
    text = " ".join(out.split())
    assert (
        "POST https://api.xoxzo.com/sms/messages/ (application/x-www-form-urlencoded): "
        "message=<message>&recipient=%2B819012340001&sender=<sender>&jp_kpl=true"
        "&jp_kp_sender=0312341234"
    ) in text
    assert "still to give: message, sender" in text
