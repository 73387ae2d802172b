"""`kpsim message`: per plan the characters, encoding, parts and limit of a message, what to
cut when it is too long, and a template's ranges over a list (`--list`)."""

from __future__ import annotations

from pathlib import Path

from cli_runner import REPO, Kpsim

LIST = str(REPO / "datasets" / "sample_recipients.csv")
LONG_NAME = "{name}様、" + "こんにちは" * 12


def test_a_message_too_long_for_k_premium_says_how_many_characters_to_cut(kpsim: Kpsim) -> None:
    code, doc = kpsim.json("message", "あ" * 80, "--as-of", "2026-12-01")
    assert code == 0
    lite, standard = doc["plans"]["lite"], doc["plans"]["standard"]
    assert (lite["characters"], lite["too_long"], lite["cut_characters"]) == ([80, 80], True, 10)
    assert lite["longest_allowed"] == {"ascii": 140, "non_ascii": 70}
    assert lite["parts"] is None
    assert (standard["parts"], standard["too_long"]) == ([2, 2], False)


def test_a_file_argument_is_read_as_the_message(kpsim: Kpsim, tmp_path: Path) -> None:
    path = tmp_path / "message.txt"
    path.write_text("ご予約ありがとうございます\n", encoding="utf-8")
    code, doc = kpsim.json("message", str(path), "--as-of", "2026-12-01", "--plans", "full")
    assert code == 0
    assert doc["text"] == "ご予約ありがとうございます"
    assert doc["plans"]["full"]["encodings"] == ["non_ascii"]


def test_a_template_over_a_list_gives_ranges_and_how_many_recipients_fit(kpsim: Kpsim) -> None:
    code, doc = kpsim.json(
        "message", LONG_NAME, "--as-of", "2026-12-01", "--list", LIST, "--plans", "standard,lite"
    )
    assert code == 0
    lite, standard = doc["plans"]["lite"], doc["plans"]["standard"]
    assert doc["placeholders"] == ["name"] and doc["list_file"] == "sample_recipients.csv"
    assert lite["sends"] == "partly"
    assert 0 < lite["recipients_fit"] < lite["recipients"]
    low, high = lite["characters"]
    assert low <= 70 < high and lite["cut_characters"] == high - 70
    assert (standard["sends"], standard["parts"]) == ("all", [1, 2])


def test_the_same_template_agrees_with_the_forecast(kpsim: Kpsim) -> None:
    _, message = kpsim.json("message", LONG_NAME, "--as-of", "2026-12-01", "--list", LIST)
    _, forecast = kpsim.json("forecast", LIST, "--message", LONG_NAME, "--as-of", "2026-12-01")
    for plan, counted in message["plans"].items():
        fit = forecast["plans"][plan]["fit"]
        assert (counted["recipients_fit"], counted["recipients"]) == (
            fit["recipients_fit"],
            fit["recipients_checked"],
        )
        assert counted["characters"] == fit["units_range"]


def test_a_template_without_a_list_gives_only_the_limits(kpsim: Kpsim) -> None:
    code, out, _ = kpsim("message", "{name}様", "--as-of", "2026-12-01")
    assert code == 0
    assert "give --list FILE" in out


def test_the_text_table_is_in_japanese_with_lang_ja(kpsim: Kpsim) -> None:
    code, out, _ = kpsim("message", "あ" * 80, "--as-of", "2026-12-01", "--lang", "ja")
    assert code == 0
    assert "通数" in out and "10文字削る必要あり" in out


def test_a_plan_not_yet_available_says_when_it_starts(kpsim: Kpsim) -> None:
    code, doc = kpsim.json("message", "hello", "--as-of", "2017-06-01")
    assert code == 0
    assert doc["plans"]["lite"] == {
        **doc["plans"]["lite"],
        "available": False,
        "reason": "plan starts 2018-06-25",
    }


def test_an_empty_message_is_a_usage_error_as_in_forecast(kpsim: Kpsim) -> None:
    code, doc = kpsim.json("message", "", "--as-of", "2026-12-01")
    assert code == 2
    assert (doc["kind"], doc["code"]) == ("usage", "empty_message")
    code, forecast = kpsim.json("forecast", LIST, "--message", "", "--as-of", "2026-12-01")
    assert (code, forecast["code"]) == (2, "empty_message")
