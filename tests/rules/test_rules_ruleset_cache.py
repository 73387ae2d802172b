"""One RuleSet per version of a rules directory: every rule file is parsed once, however many
layers ask for it, and an edited file is read again."""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

import simulator.rules.yaml_source as yaml_source
from simulator.engine.porting import load_porting
from simulator.message.profiles import load_segmentation_rules
from simulator.numbers.numbering import load_numbering
from simulator.pricing.book import load_default_price_book
from simulator.rules.ruleset import DEFAULT_RULES_DIR, load_ruleset

RULE_FILES = 12
"""sources, carriers, plans, assumptions, api, three routing files, numbering, segmentation,
prices, porting."""


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, target)
    return target


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Counts `read_yaml` calls by file name, wherever the function was imported."""
    counts: Counter[str] = Counter()
    original = yaml_source.read_yaml

    def counting(path: Path) -> yaml_source.YamlDocument:
        counts[path.name] += 1
        return original(path)

    for module in list(sys.modules.values()):
        if getattr(module, "read_yaml", None) is original:
            monkeypatch.setattr(module, "read_yaml", counting)
    yield counts


def load_everything(directory: Path) -> None:
    ruleset = load_ruleset(directory)
    load_numbering(ruleset)
    load_default_price_book(directory)
    load_segmentation_rules(directory, ruleset=ruleset)
    load_porting(directory)


def test_every_rule_file_is_parsed_once_however_often_it_is_asked_for(
    rules_copy: Path, reads: Counter[str]
) -> None:
    for _ in range(3):
        load_everything(rules_copy)
    assert len(reads) == RULE_FILES and set(reads.values()) == {1}, reads


def test_the_rule_set_is_cached_per_directory(rules_copy: Path) -> None:
    assert load_ruleset(rules_copy) is load_ruleset(rules_copy)
    assert load_ruleset(rules_copy) is not load_ruleset(DEFAULT_RULES_DIR)
    assert load_ruleset(rules_copy).porting is load_porting(rules_copy)


def test_an_edited_file_is_read_again(rules_copy: Path, reads: Counter[str]) -> None:
    before = load_ruleset(rules_copy)
    load_everything(rules_copy)
    assert before.prices is load_default_price_book(rules_copy)
    path = rules_copy / "prices.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("amount: 13", "amount: 14", 1))
    after = load_ruleset(rules_copy)
    assert after is not before
    assert load_default_price_book(rules_copy) is not before.prices
    assert reads["prices.yaml"] == 2 and reads["segmentation.yaml"] == 1
