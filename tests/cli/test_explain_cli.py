"""`kpsim explain NUMBER --plan P`: what happens to one number, and which rule and sources say so.

090-1234-5678 was allocated to KDDI (au) and 080-1234-5678 to NTT Docomo (phonenumbers 9.0.43).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import Kpsim

REPO = Path(__file__).resolve().parents[2]
AU_MOBILE, DOCOMO_MOBILE, LANDLINE = "090-1234-5678", "080-1234-5678", "03-1234-5678"


def test_explain_says_route_sender_charge_rule_and_source(kpsim: Kpsim) -> None:
    code, out, err = kpsim("explain", AU_MOBILE, "--plan", "lite", "--as-of", "2019-01-01")
    assert (code, err) == (0, "")
    assert "+819012345678" in out
    assert "carrier: au (from the number's original allocation" in out
    assert "route   direct" in out
    assert "sender  your registered sender ID" in out
    assert "charge  k_premium" in out
    assert "rule lite.au.2018-06-25, in force since 2018-06-25" in out
    assert "source: xoxzo/help.xoxzo.com:" in out and "7c0184052f" in out
    assert "API request: jp_kpl=true, jp_kddi_sender=<registered ID>" in out


def test_explain_json_has_the_documented_keys(kpsim: Kpsim) -> None:
    code, payload = kpsim.json("explain", AU_MOBILE, "--plan", "lite", "--as-of", "2019-01-01")
    assert code == 0
    assert {
        "e164",
        "allocated_carrier",
        "carrier",
        "carrier_source",
        "plan",
        "as_of",
        "route",
        "sender_display",
        "charge_class",
        "rule",
        "assumptions",
        "api_request",
    } <= set(payload)
    assert {"kind", "value", "guaranteed"} <= set(payload["sender_display"])
    assert {"id", "effective_from", "sources"} <= set(payload["rule"])
    assert payload["e164"] == "+819012345678"
    assert (payload["allocated_carrier"], payload["carrier"]) == ("au", "au")
    assert payload["carrier_source"] == "allocation"
    assert (payload["plan"], payload["as_of"]) == ("lite", "2019-01-01")
    assert (payload["route"], payload["charge_class"]) == ("direct", "k_premium")
    assert payload["sender_display"]["kind"] == "registered"
    assert payload["sender_display"]["guaranteed"] is True
    assert payload["rule"]["id"] == "lite.au.2018-06-25"
    assert payload["rule"]["effective_from"] == "2018-06-25"
    assert payload["rule"]["sources"][0]["id"] == "help-kp-en-7c01840"
    assert payload["assumptions"]["docomo_v3_window"] == "ja_pages"
    assert payload["api_request"]["flag"] == {"jp_kpl": "true"}
    assert payload["api_request"]["kp_sender_param"] == "jp_kddi_sender"


def test_lite_sends_a_docomo_number_standard_in_2019(kpsim: Kpsim) -> None:
    code, payload = kpsim.json("explain", DOCOMO_MOBILE, "--plan", "lite", "--as-of", "2019-01-01")
    assert code == 0
    assert payload["carrier"] == "docomo"
    assert (payload["route"], payload["charge_class"]) == ("standard", "standard")
    assert payload["sender_display"] == {
        **payload["sender_display"],
        "kind": "user",
        "guaranteed": False,
    }
    assert payload["rule"]["id"] == "lite.docomo.2018-06-25"


def test_carrier_option_overrides_the_allocation(kpsim: Kpsim) -> None:
    args = (
        "explain",
        AU_MOBILE,
        "--plan",
        "full",
        "--as-of",
        "2018-01-01",
        "--carrier",
        "softbank",
    )
    code, payload = kpsim.json(*args)
    assert code == 0
    assert (payload["allocated_carrier"], payload["carrier"]) == ("au", "softbank")
    assert payload["carrier_source"] == "user"
    assert payload["sender_display"]["value"] == "22472"
    code, out, _ = kpsim(*args)
    assert "carrier: softbank (as given with --carrier)" in out
    assert "fixed code 22472" in out


def test_registered_and_user_senders_are_shown_as_given(kpsim: Kpsim) -> None:
    _, out, _ = kpsim(
        "explain", AU_MOBILE, "--plan", "full", "--as-of", "2021-01-01", "--kp-sender", "0312345678"
    )
    assert "sender  your registered sender ID" in out and ": 0312345678" in out
    _, out, _ = kpsim(
        "explain", DOCOMO_MOBILE, "--plan", "standard", "--as-of", "2021-01-01", "--sender", "Shop"
    )
    assert "display not guaranteed: Shop" in out
    assert "API request: sender=Shop (no K-Premium flag)" in out


def test_explain_names_the_assumption_a_rule_depends_on(kpsim: Kpsim) -> None:
    args = ["explain", DOCOMO_MOBILE, "--plan", "full", "--as-of", "2020-03-01"]
    code, payload = kpsim.json(*args, "--assume", "docomo_v3_window=en_pages")
    assert code == 0
    assert payload["sender_display"]["value"] == "0363881815 or 05052128038"
    assert payload["assumptions_used"] == {"docomo_v3_window": "en_pages"}
    _, out, _ = kpsim(*args)
    assert "assumptions this rule depends on: docomo_v3_window=ja_pages" in out


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        pytest.param(
            [LANDLINE, "--plan", "full", "--as-of", "2021-01-01"], 5, "not a Japanese", id="landline"
        ),
        pytest.param(
            [AU_MOBILE, "--plan", "lite", "--as-of", "2017-01-01"], 5, "did not exist", id="no-lite"
        ),
        pytest.param(
            [AU_MOBILE, "--plan", "full", "--as-of", "2015-06-01"], 5, "did not exist", id="no-full"
        ),
        pytest.param([AU_MOBILE, "--plan", "gold", "--as-of", "2021-01-01"], 2, "unknown plan", id="plan"),
        pytest.param(
            [AU_MOBILE, "--plan", "full", "--carrier", "vodafone"], 2, "unknown carrier", id="carrier"
        ),
        pytest.param([AU_MOBILE, "--plan", "full", "--as-of", "2021-02-30"], 2, "not a date", id="date"),
    ],
)  # fmt: skip
def test_explain_errors_are_one_line_or_a_json_error_object(
    kpsim: Kpsim, args: list[str], code: int, says: str
) -> None:
    exit_code, out, err = kpsim("explain", *args)
    assert (exit_code, out) == (code, "")
    assert err.count("\n") == 1 and err.startswith("kpsim: ") and says in err
    assert "Traceback" not in err
    exit_code, payload = kpsim.json("explain", *args)
    assert exit_code == code
    assert says in payload["error"] and payload["exit_code"] == code


def test_real_process_explains_a_number() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("KPSIM_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "simulator.cli.main", "explain", LANDLINE, "--plan", "full"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout) == (5, "")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_explain_fills_the_api_line_with_the_sender_values_given(kpsim: Kpsim) -> None:
    code, out, _ = kpsim(
        "explain", AU_MOBILE, "--plan", "lite", "--as-of", "2026-12-01",
        "--kp-sender", "0312345678", "--sender", "MYBRAND",
    )  # fmt: skip
    assert code == 0
    assert "API request: jp_kpl=true, jp_kp_sender=0312345678, sender=MYBRAND" in out
    assert "<registered ID>" not in out and "<your sender>" not in out


def test_explain_with_a_message_gives_the_whole_request_body_and_its_parts(
    kpsim: Kpsim, tmp_path: Path
) -> None:
    args = ["explain", AU_MOBILE, "--plan", "lite", "--as-of", "2026-12-01",
            "--kp-sender", "0312345678", "--sender", "MYBRAND"]  # fmt: skip
    code, payload = kpsim.json(*args, "--message", "ご予約の確認です")
    assert code == 0
    request = payload["api_request"]["request"]
    assert request["missing"] == ["recipient"] or request["missing"] == []
    fields = {f["name"]: f["value"] for f in request["fields"]}
    assert fields["message"] == "ご予約の確認です"
    assert fields["jp_kpl"] == "true" and fields["jp_kp_sender"] == "0312345678"
    message_file = tmp_path / "message.txt"
    message_file.write_bytes("ご予約の確認です".encode("cp932"))
    code, from_file = kpsim.json(*args, "--message-file", str(message_file))
    assert (code, from_file["api_request"]) == (0, payload["api_request"])


def test_explain_refuses_message_and_message_file_together(kpsim: Kpsim, tmp_path: Path) -> None:
    message_file = tmp_path / "message.txt"
    message_file.write_text("hello", encoding="utf-8")
    code, payload = kpsim.json(
        "explain", AU_MOBILE, "--plan", "lite", "--as-of", "2026-12-01",
        "--message", "hello", "--message-file", str(message_file),
    )  # fmt: skip
    assert (code, payload["code"]) == (2, "message_option")
