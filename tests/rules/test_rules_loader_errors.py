"""A broken rule file is one RulesError line naming the file and the line to fix.

In each case the offending line carries the comment `# <- here`; the error must point at it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from simulator.errors import RulesError
from simulator.rules.linter import lint
from simulator.rules.ruleset import DEFAULT_RULES_DIR, load_ruleset

VALID_LITE = """\
plan: lite
rules:
  - id: lite.au.2018-06-25
    carriers: [au]
    effective_from: 2018-06-25
    sources: [help-kp-en-7c01840]
    outcome: {route: direct, sender: {kind: registered}, charge: k_premium}
  - id: lite.others.2018-06-25
    carriers: [docomo, softbank, rakuten]
    effective_from: 2018-06-25
    sources: [help-kp-en-7c01840]
    outcome:
      route: standard
      sender: {kind: user}
      charge: standard
"""

BROKEN = {
    "syntax-error": VALID_LITE.replace(
        "    effective_from: 2018-06-25\n    sources: [help-kp-en-7c01840]\n    outcome: {",
        "    effective_from: 2018-06-25\n   sources: [help-kp-en-7c01840]  # <- here\n    outcome: {",
    ),
    "wrong-type": VALID_LITE.replace(
        "      route: standard\n", "      route: 3  # <- here\n"
    ),
    "unknown-key": VALID_LITE.replace(
        "    carriers: [au]\n", "    carriers: [au]\n    colour: red  # <- here\n"
    ),
    "missing-field": VALID_LITE.replace(
        "  - id: lite.others.2018-06-25\n    carriers: [docomo, softbank, rakuten]\n    effective_from: 2018-06-25\n",
        "  - id: lite.others.2018-06-25  # <- here\n    carriers: [docomo, softbank, rakuten]\n",
    ),
    "alias": VALID_LITE.replace(
        "    sources: [help-kp-en-7c01840]\n    outcome: {", "    sources: &s [help-kp-en-7c01840]\n    outcome: {"
    ).replace(
        "    sources: [help-kp-en-7c01840]\n    outcome:\n", "    sources: *s  # <- here\n    outcome:\n"
    ),
    "impossible-date": VALID_LITE.replace(
        "    carriers: [au]\n    effective_from: 2018-06-25\n",
        "    carriers: [au]\n    effective_from: 2018-13-25  # <- here\n",
    ),
}  # fmt: skip


def marked_line(text: str) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), start=1) if "# <- here" in line]
    assert len(lines) == 1
    return lines[0]


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    directory = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, directory)
    (directory / "routing" / "lite.yaml").write_text(VALID_LITE, encoding="utf-8")
    return directory


def test_valid_example_loads(rules_copy: Path) -> None:
    assert [r.rule.id for r in load_ruleset(rules_copy).routing if r.plan == "lite"] == [
        "lite.au.2018-06-25",
        "lite.others.2018-06-25",
    ]


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_routing_file_names_file_and_line(rules_copy: Path, case: str) -> None:
    text = BROKEN[case]
    assert text != VALID_LITE
    path = rules_copy / "routing" / "lite.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load_ruleset(rules_copy)
    message = str(caught.value)
    assert message.startswith(f"{path}:{marked_line(text)}: ")
    assert "\n" not in message
    assert [(f.file, f.line) for f in lint(rules_copy)] == [(str(path), marked_line(text))]


@pytest.mark.parametrize(
    ("case", "code", "starts"),
    [
        ("wrong-type", "invalid_value", "rules[1].outcome.route: "),
        ("unknown-key", "unknown_key", "rules[0].colour: "),
        ("missing-field", "missing_key", "rules[1].effective_from: "),
        ("alias", "yaml_alias", "YAML aliases (*name) are not allowed in rule files"),
        ("syntax-error", "yaml_syntax", "YAML syntax error: "),
        ("impossible-date", "invalid_value", "invalid value: "),
    ],
)
def test_broken_routing_file_says_what_is_wrong(
    rules_copy: Path, case: str, code: str, starts: str
) -> None:
    """The kind of problem is `err.code`; the message starts with where (the YAML path) or what."""
    (rules_copy / "routing" / "lite.yaml").write_text(BROKEN[case], encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load_ruleset(rules_copy)
    assert (caught.value.code, caught.value.message[: len(starts)]) == (code, starts)


def test_broken_plans_file_names_the_plan_line(rules_copy: Path) -> None:
    path = rules_copy / "plans.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "    available_from: 2018-06-25\n", "    available_from: soon  # <- here\n"
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load_ruleset(rules_copy)
    assert caught.value.code == "invalid_value"
    assert str(caught.value).startswith(f"{path}:{marked_line(text)}: plans[1].available_from: ")


@pytest.mark.parametrize(
    ("content", "code"),
    [
        pytest.param(b"", "empty", id="empty"),
        pytest.param(b"# only a comment\n", "empty", id="comment-only"),
        pytest.param(VALID_LITE.replace("lite.au", "lite.\xe9u").encode("latin-1"), "not_utf8", id="latin-1"),
        pytest.param(b"\xff\xfe" + VALID_LITE.encode("utf-16-le"), "not_utf8", id="utf-16"),
    ],
)  # fmt: skip
def test_unreadable_file_is_one_line_naming_the_file(
    rules_copy: Path, content: bytes, code: str
) -> None:
    path = rules_copy / "routing" / "lite.yaml"
    path.write_bytes(content)
    with pytest.raises(RulesError) as caught:
        load_ruleset(rules_copy)
    assert caught.value.code == code
    assert str(caught.value).startswith(f"{path}: ")
    assert "\n" not in str(caught.value)
    assert [f.file for f in lint(rules_copy)] == [str(path)]


def test_utf8_with_byte_order_mark_is_accepted(rules_copy: Path) -> None:
    (rules_copy / "routing" / "lite.yaml").write_bytes(b"\xef\xbb\xbf" + VALID_LITE.encode())
    assert load_ruleset(rules_copy).rule_by_id("lite.au.2018-06-25").plan == "lite"


def test_missing_directory_and_missing_file(tmp_path: Path, rules_copy: Path) -> None:
    with pytest.raises(RulesError) as caught:
        load_ruleset(tmp_path / "nowhere")
    assert (caught.value.code, caught.value.message) == (
        "missing_directory",
        "rules directory not found",
    )
    (rules_copy / "api.yaml").unlink()
    with pytest.raises(RulesError) as caught:
        load_ruleset(rules_copy)
    assert (caught.value.code, caught.value.message) == (
        "missing_file",
        "missing rule file api.yaml",
    )
