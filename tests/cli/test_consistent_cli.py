"""One consistent CLI: shared pricing options, names and aliases as the lookup column reads
them, one-line usage errors, and help pages with metavars, help lines and examples."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from cli_runner import REPO, Kpsim

from simulator.cli.main import app

LIST = REPO / "datasets" / "sample_recipients.csv"
PRICING = [
    "--sender",
    "--kp-sender",
    "--sender-ids",
    "--period-days",
    "--assume",
    "--price",
    "--price-book",
    "--phone-column",
    "--carrier-column",
    "--encoding",
    "--sheet",
    "--lang",
    "--json",
    "--quiet",
]
APPLIES = {
    ("forecast",): PRICING,
    ("diff",): PRICING,
    ("explain",): ["--sender", "--kp-sender", "--assume", "--lang", "--json"],
    ("recipients", "check"): [
        "--assume",
        "--phone-column",
        "--carrier-column",
        "--encoding",
        "--sheet",
        "--lang",
        "--json",
        "--quiet",
    ],
}


def commands(
    group: Any = None, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every leaf command of `kpsim` with its words (`("rules", "show")`)."""
    group = group or typer.main.get_command(app)
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            yield from commands(command, (*path, name))
        else:
            yield (*path, name), command


def options_of(command: Any) -> dict[str, Any]:
    return {o: p for p in command.params for o in p.opts if o.startswith("--")}


LEAVES = dict(commands())


@pytest.mark.parametrize("words", list(APPLIES), ids=" ".join)
def test_every_pricing_command_takes_the_shared_options_with_one_definition(
    words: tuple[str, ...],
) -> None:
    options = options_of(LEAVES[words])
    forecast = options_of(LEAVES[("forecast",)])
    for name in APPLIES[words]:
        assert name in options, f"kpsim {' '.join(words)} lacks {name}"
        mine, theirs = options[name], forecast[name]
        assert (mine.help, mine.metavar, mine.opts) == (theirs.help, theirs.metavar, theirs.opts)


@pytest.mark.parametrize("words", list(LEAVES), ids=" ".join)
def test_help_has_metavars_a_line_per_option_and_examples(
    kpsim: Kpsim, words: tuple[str, ...]
) -> None:
    code, out, _ = kpsim(*words, "--help")
    assert code == 0
    options = out.split("Options:")[1].split("Examples:")[0]
    assert not re.search(r"<(bool|str|int|float|path|list\[[^>]*\])>", options), options
    assert "Examples:" in out and f"kpsim {' '.join(words)}" in out.split("Examples:")[1]
    for param in LEAVES[words].params:
        assert param.help, f"kpsim {' '.join(words)} {param.opts} has no help line"


@pytest.mark.parametrize(
    ("plan", "carrier", "shown"),
    [
        ("jp_kpl", "SoftBank", ("lite", "softbank")),
        ("Lite", "ソフトバンク", ("lite", "softbank")),
        ("K-Premium Lite", "44020", ("lite", "softbank")),
        ("JP_KP", "アハモ", ("full", "docomo")),
        ("jp-kp", "KDDI", ("full", "au")),
        ("STANDARD", "楽天モバイル", ("standard", "rakuten")),
    ],
)
def test_explain_reads_plans_and_carriers_like_the_lookup_column(
    kpsim: Kpsim, plan: str, carrier: str, shown: tuple[str, str]
) -> None:
    code, payload = kpsim.json(
        "explain", "080-4000-0003", "--plan", plan, "--carrier", carrier, "--as-of", "2026-12-01"
    )
    assert code == 0, payload
    assert (payload["plan"], payload["carrier"]) == shown


def test_rules_history_takes_a_brand_name_and_a_plan_alias(kpsim: Kpsim) -> None:
    code, by_alias = kpsim.json("rules", "history", "--plan", "jp_kpl", "--carrier", "ワイモバイル")
    _, by_id = kpsim.json("rules", "history", "--plan", "lite", "--carrier", "softbank")
    assert code == 0 and by_alias == by_id and by_id["versions"]


def test_forecast_plans_take_aliases_once_each(kpsim: Kpsim) -> None:
    code, payload = kpsim.json(
        "forecast", str(LIST), "--message", "Hi", "--as-of", "2026-12-01", "--plans",
        "jp_kpl,Lite,JP_KP", "-q",
    )  # fmt: skip
    assert code == 0
    assert list(payload["plans"]) == ["lite", "full"]


@pytest.mark.parametrize("option", ["--price", "--assume"])
def test_one_name_given_twice_with_different_values_is_a_usage_error(
    kpsim: Kpsim, option: str
) -> None:
    name = "k_premium" if option == "--price" else "tax_rounding"
    first, second = ("9", "10") if option == "--price" else ("floor", "round")
    code, payload = kpsim.json(
        "forecast", str(LIST), "--message", "Hi", "-q",
        option, f"{name}={first}", option, f"{name}={second}",
    )  # fmt: skip
    assert (code, payload["code"]) == (2, "conflicting_values")


def test_one_name_given_twice_with_the_same_value_is_fine(kpsim: Kpsim) -> None:
    code, _ = kpsim.json(
        "forecast", str(LIST), "--message", "Hi", "-q",
        "--price", "k_premium=9", "--price", "k_premium=9",
    )  # fmt: skip
    assert code == 0


def test_message_with_message_file_is_a_usage_error(kpsim: Kpsim, tmp_path: Path) -> None:
    text = tmp_path / "sms.txt"
    text.write_text("Hi", encoding="utf-8")
    code, payload = kpsim.json(
        "forecast", str(LIST), "--message", "Hi", "--message-file", str(text)
    )
    assert (code, payload["code"]) == (2, "message_option")


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16", "cp932"])
def test_a_message_file_is_decoded_like_a_list(kpsim: Kpsim, tmp_path: Path, codec: str) -> None:
    text = tmp_path / "sms.txt"
    text.write_bytes("認証コードは1234です".encode(codec))
    code, payload = kpsim.json(
        "forecast", str(LIST), "--message-file", str(text), "--as-of", "2026-12-01", "-q"
    )
    assert code == 0
    assert payload["message"]["characters"] == len("認証コードは1234です")


@pytest.mark.parametrize(
    "args",
    [
        ["forecast", str(LIST), "--message", "Hi", "--no-such-option"],
        ["forecast"],
        ["diff", str(LIST), "--from", "2026-01-01"],
        ["explain", "09012345678", "--plan"],
        ["no-such-command"],
    ],
    ids=["unknown-option", "missing-argument", "missing-option", "no-value", "unknown-command"],
)
def test_a_click_usage_error_is_one_line_and_exit_2(kpsim: Kpsim, args: list[str]) -> None:
    code, out, err = kpsim(*args)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("kpsim: ")


def test_a_bare_group_prints_its_help_and_exits_2(kpsim: Kpsim) -> None:
    code, out, err = kpsim("rules")
    assert (code, err) == (2, "")
    assert out.startswith("Usage: kpsim rules") and "history" in out


def test_diff_takes_the_senders_like_forecast_and_explain(kpsim: Kpsim) -> None:
    code, payload = kpsim.json(
        "diff", str(LIST), "--from", "2025-01-01", "--to", "2026-12-01", "-q",
        "--kp-sender", "0312345678", "--sender", "MYBRAND", "--price", "k_premium=9",
    )  # fmt: skip
    assert code == 0, payload
    code, payload = kpsim.json(
        "diff", str(LIST), "--from", "2025-01-01", "--to", "2026-12-01", "-q",
        "--sender", "0312345678",
    )  # fmt: skip
    assert (code, payload["code"]) == (2, "sender_looks_japanese")


def readme_commands() -> dict[tuple[str, ...], str]:
    """The README command table: each row's command words and the row's text."""
    rows: dict[tuple[str, ...], str] = {}
    for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines():
        found = re.match(r"\| `kpsim ([^`]*)` \|", line)
        if not found:
            continue
        words = [w for w in found.group(1).split() if re.fullmatch(r"[a-z][a-z-]*|/", w)]
        head = [w for w in words if w != "/"][:1]
        for word in " ".join(words[1:]).split("/") if "/" in words else [" ".join(words[1:])]:
            first = tuple(head + word.split()[:1]) if head and head[0] in GROUPS else tuple(head)
            rows[first] = line
    return rows


GROUPS = {words[0] for words in LEAVES if len(words) > 1}


def test_readme_command_table_matches_the_commands_and_their_options() -> None:
    table = readme_commands()
    assert set(table) == set(LEAVES)
    for row in set(table.values()):
        covered = [words for words, line in table.items() if line == row]
        options = {o for words in covered for o in options_of(LEAVES[words])}
        for named in re.findall(r"`(--[a-z-]+)", row):
            assert named in options, f"README names {named} for {covered}"


def test_rules_show_prints_an_assumptions_table_and_the_prices_in_force(kpsim: Kpsim) -> None:
    code, out, _ = kpsim(
        "rules", "show", "--as-of", "2026-12-01",
        "--assume", "tax_rounding=ceil", "--price", "standard=9",
    )  # fmt: skip
    assert code == 0
    assert re.search(r"tax_rounding +│ ceil \* +│ floor +│ Up", out)
    assert re.search(r"standard +│ +¥9 │ message_part +│ user", out)
    assert "{'" not in out  # no Python repr


def test_rules_show_json_lists_the_prices_in_force(kpsim: Kpsim) -> None:
    code, payload = kpsim.json("rules", "show", "--as-of", "2026-12-01", "--price", "standard=9")
    assert code == 0
    prices = {p["name"]: p for p in payload["prices"]}
    assert (prices["standard"]["amount_jpy"], prices["standard"]["basis"]) == (9, "user")


def test_a_lookup_value_naming_no_carrier_is_a_counted_warning_not_a_reject(
    kpsim: Kpsim, tmp_path: Path
) -> None:
    listed = tmp_path / "list.csv"
    listed.write_text(
        "phone,carrier\n090-1234-0001,不明\n080-1111-0002,-\n080-4000-0003,\n070-8312-0004,au\n",
        encoding="utf-8",
    )
    code, payload = kpsim.json(
        "forecast", str(listed), "--message", "Hi", "--carrier-column", "carrier", "-q"
    )
    assert code == 0
    assert (payload["rows_ok"], payload["rows_rejected"]) == (4, 0)
    assert payload["by_carrier_source"] == {"allocation": 3, "lookup": 1}
    fallback = [n for n in payload["notices"] if n["code"] == "lookup_fallback"]
    assert [n["fields"]["count"] for n in fallback] == ["3"]
    code, checked = kpsim.json("recipients", "check", str(listed), "--carrier-column", "carrier")
    assert (code, checked["lookup_fallbacks"], checked["rejected"]) == (0, 3, 0)


def test_diff_reads_its_message_from_a_file_like_forecast(kpsim: Kpsim, tmp_path: Path) -> None:
    text = tmp_path / "sms.txt"
    text.write_bytes(("あ" * 71).encode("cp932"))  # two parts under standard
    args = ["diff", str(LIST), "--from", "2025-01-01", "--to", "2026-12-01", "-q"]
    code, from_file = kpsim.json(*args, "--message-file", str(text))
    _, inline = kpsim.json(*args, "--message", "あ" * 71)
    assert code == 0 and from_file == inline
    code, payload = kpsim.json(*args, "--message", "Hi", "--message-file", str(text))
    assert (code, payload["code"]) == (2, "message_option")


def test_lang_switches_the_output_language(kpsim: Kpsim) -> None:
    args = ("forecast", str(LIST), "--message", "Hi", "--as-of", "2026-12-01", "-q")
    code, english, _ = kpsim(*args, "--lang", "en")
    _, japanese, _ = kpsim(*args, "--lang", "ja")
    assert code == 0 and "Forecast for" in english and "送信分の見積り" in japanese
    assert kpsim.json(*args, "--lang", "fr")[1]["code"] == "unknown_language"
