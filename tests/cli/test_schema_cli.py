"""`kpsim schema COMMAND` and the documents it describes: every `--json` output carries the
kpsim and schema versions, validates against its published schema, and is the same on every run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_runner import REPO, Kpsim
from jsonschema import Draft202012Validator

from simulator._version import __version__
from simulator.result import SCHEMA_VERSION
from simulator.result.schemas import DOCUMENTS

LIST = str(REPO / "datasets" / "sample_recipients.csv")
LOOKUP = str(REPO / "datasets" / "sample_recipients_lookup.csv")
MESSAGE = str(REPO / "datasets" / "sample_message.txt")

RUNS: dict[str, list[tuple[str, ...]]] = {
    "forecast": [
        ("forecast", LIST, "--message-file", MESSAGE, "--as-of", "2026-12-01"),
        ("forecast", LIST, "--message", "hello", "--as-of", "2019-01-01"),  # plans not sendable
        (
            "forecast",
            LOOKUP,
            "--message",
            "{name} さま",
            "--as-of",
            "2026-12-01",
            "--carrier-column",
            "carrier",
            "--sender",
            "SHOP",
            "--kp-sender",
            "KP1",
        ),
        (
            "forecast",
            LIST,
            "--message",
            "hello",
            "--as-of",
            "2026-12-01",
            "--price",
            "k_premium=abc",
        ),  # an error document is not a forecast: skipped below
    ],
    "recipients-check": [("recipients", "check", LIST, "--as-of", "2026-12-01")],
    "diff": [("diff", LIST, "--from", "2019-01-01", "--to", "2026-12-01")],
    "explain": [
        ("explain", "090-1234-5678", "--plan", "lite", "--as-of", "2019-01-01"),
        (
            "explain",
            "080-1234-5678",
            "--plan",
            "full",
            "--as-of",
            "2026-12-01",
            "--kp-sender",
            "KP1",
        ),
    ],
    "rules-history": [("rules", "history"), ("rules", "history", "--plan", "lite")],
    "message": [
        ("message", "あ" * 80, "--as-of", "2026-12-01"),
        ("message", "hello", "--as-of", "2017-06-01"),  # a plan not yet available
        ("message", "{name} さま", "--as-of", "2026-12-01"),  # a template without a list
        ("message", "{name} さま", "--as-of", "2026-12-01", "--list", LIST),
    ],
}


def schema_of(kpsim: Kpsim, command: str) -> dict[str, Any]:
    code, out, err = kpsim("schema", command)
    assert code == 0, err
    schema: dict[str, Any] = json.loads(out)
    return schema


@pytest.mark.parametrize("command", list(DOCUMENTS))
def test_schema_prints_a_valid_json_schema_with_the_versions_required(
    kpsim: Kpsim, command: str
) -> None:
    schema = schema_of(kpsim, command)
    Draft202012Validator.check_schema(schema)
    assert {"kpsim_version", "schema_version"} <= set(schema["required"])
    assert f"schema_version {SCHEMA_VERSION}" in schema["$comment"]


def test_schema_names_the_commands_it_knows_when_given_another(kpsim: Kpsim) -> None:
    code, _, err = kpsim("schema", "sweep")
    assert code == 2
    assert "forecast, recipients-check, diff, explain" in err


@pytest.mark.parametrize(
    ("command", "args"), [(c, a) for c, runs in RUNS.items() for a in runs], ids=str
)
def test_every_json_output_validates_against_its_schema_and_carries_the_versions(
    kpsim: Kpsim, command: str, args: tuple[str, ...]
) -> None:
    code, out, _ = kpsim(*args, "--json")
    document = json.loads(out)
    if code != 0:
        assert "error" in document
        return
    Draft202012Validator(schema_of(kpsim, command)).validate(document)
    assert (document["kpsim_version"], document["schema_version"]) == (__version__, SCHEMA_VERSION)


@pytest.mark.parametrize("args", [RUNS["diff"][0], RUNS["forecast"][2]], ids=["diff", "forecast"])
def test_json_and_text_outputs_are_the_same_on_every_run(
    kpsim: Kpsim, args: tuple[str, ...]
) -> None:
    assert kpsim(*args, "--json") == kpsim(*args, "--json")
    assert kpsim(*args) == kpsim(*args)


@pytest.mark.parametrize(
    "args",
    [("rules", "show", "--as-of", "2021-01-01"), ("rules", "history"), ("rules", "lint")],
    ids=str,
)
def test_rules_json_documents_carry_the_versions(kpsim: Kpsim, args: tuple[str, ...]) -> None:
    code, document = kpsim.json(*args)
    assert code == 0
    assert (document["kpsim_version"], document["schema_version"]) == (__version__, SCHEMA_VERSION)


def test_the_schema_documentation_names_every_document_and_the_version_policy() -> None:
    doc = (REPO / "docs" / "schema.md").read_text(encoding="utf-8")
    for command in DOCUMENTS:
        assert f"kpsim schema {command}" in doc
    assert "schema_version" in doc
    assert "docs/schema.md" in (REPO / "README.md").read_text(encoding="utf-8")


def test_diff_out_writes_the_same_document_as_diff_json(kpsim: Kpsim, tmp_path: Path) -> None:
    code, printed = kpsim.json(*RUNS["diff"][0], "--out", str(tmp_path))
    assert code == 0
    assert json.loads((tmp_path / "diff.json").read_text(encoding="utf-8")) == printed
