"""For all mutations of the shipped rule files (keys deleted, duplicated or retyped, text cut
short or sprinkled with characters), loading the rules either succeeds or fails with one
RulesError line naming the file, never an unhandled exception."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from simulator.engine.porting import load_porting
from simulator.errors import KpsimError, RulesError
from simulator.message.profiles import load_segmentation_rules
from simulator.numbers.numbering import load_numbering
from simulator.pricing.book import load_default_price_book
from simulator.result.rule_tests import case_files, load_cases
from simulator.rules.ruleset import DEFAULT_RULES_DIR, load_ruleset

RULE_FILES = sorted(
    str(p.relative_to(DEFAULT_RULES_DIR)) for p in DEFAULT_RULES_DIR.rglob("*.yaml")
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.just([]),
    st.just({}),
    st.just({"unknown_key": 1}),
)
JUNK = st.text(alphabet=":-[]{}&*!|>'\"#%@`,? \t\n\x00\x07\ufeff\u3000aZ09é電", max_size=8)


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("fuzz-rules") / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, directory)
    return directory


def load_everything(directory: Path) -> None:
    """Every loader a command may call on a rules directory."""
    ruleset = load_ruleset(directory)
    load_numbering(ruleset)
    load_default_price_book(directory)
    load_segmentation_rules(directory, ruleset=ruleset)
    load_porting(directory)
    load_cases(case_files(directory / "tests"), ruleset, load_default_price_book(directory))


def assert_loads_or_fails_cleanly(directory: Path, edited: Path, text: str | bytes) -> None:
    original = edited.read_bytes()
    edited.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    try:
        load_everything(directory)
    except KpsimError as err:
        assert isinstance(err, RulesError), err
        line = err.render()
        assert "\n" not in line and err.file is not None, line
        assert Path(err.file).is_relative_to(directory), line
        assert err.line is None or err.line >= 1
    finally:
        edited.write_bytes(original)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key path in a YAML document (mapping keys and list indexes)."""
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    for key, child in children:
        yield (*prefix, key)
        yield from paths(child, (*prefix, key))


def mutate(doc: Any, path: tuple[Any, ...], how: str, value: Any, rename: str) -> None:
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    if how == "delete":
        del parent[key]
    elif how == "retype":
        parent[key] = value
    elif how == "duplicate" and isinstance(parent, list):
        parent.insert(key, parent[key])
    elif how == "duplicate":
        parent[f"{key}_copy"] = parent[key]
    elif isinstance(parent, dict):  # rename
        parent[rename] = parent.pop(key)


@given(
    file=st.sampled_from(RULE_FILES),
    pick=st.integers(min_value=0),
    how=st.sampled_from(["delete", "retype", "duplicate", "rename"]),
    value=SCALARS,
    rename=st.sampled_from(["id", "name", "when", "effective_from", "colour", "items", "rules"]),
)
def test_a_key_deleted_duplicated_retyped_or_renamed_loads_or_fails_cleanly(
    rules: Path, file: str, pick: int, how: str, value: Any, rename: str
) -> None:
    edited = rules / file
    doc = yaml.safe_load(edited.read_text(encoding="utf-8"))
    choices = list(paths(doc))
    mutate(doc, choices[pick % len(choices)], how, value, rename)
    assert_loads_or_fails_cleanly(rules, edited, yaml.safe_dump(doc, allow_unicode=True))


@given(file=st.sampled_from(RULE_FILES), cut=st.floats(min_value=0, max_value=1))
def test_a_file_cut_short_anywhere_loads_or_fails_cleanly(
    rules: Path, file: str, cut: float
) -> None:
    edited = rules / file
    text = edited.read_text(encoding="utf-8")
    assert_loads_or_fails_cleanly(rules, edited, text[: int(len(text) * cut)])


@given(
    file=st.sampled_from(RULE_FILES),
    inserts=st.lists(st.tuples(st.floats(min_value=0, max_value=1), JUNK), min_size=1, max_size=4),
)
def test_random_characters_inserted_anywhere_load_or_fail_cleanly(
    rules: Path, file: str, inserts: list[tuple[float, str]]
) -> None:
    edited = rules / file
    text = edited.read_text(encoding="utf-8")
    for at, junk in inserts:
        cut = int(len(text) * at)
        text = text[:cut] + junk + text[cut:]
    assert_loads_or_fails_cleanly(rules, edited, text)


@given(file=st.sampled_from(RULE_FILES), data=st.binary(max_size=512))
def test_a_rule_file_replaced_by_any_bytes_loads_or_fails_cleanly(
    rules: Path, file: str, data: bytes
) -> None:
    assert_loads_or_fails_cleanly(rules, rules / file, data)
