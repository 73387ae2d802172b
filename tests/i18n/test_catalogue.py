"""The message catalogue: every key in both languages, the same placeholders, language chosen
by --lang, then KPSIM_LANG, then the locale."""

from __future__ import annotations

import pytest

from simulator import i18n
from simulator.errors import UsageError


def test_catalogue_is_not_empty() -> None:
    assert i18n.catalogue(), "no catalogue keys were loaded"


@pytest.mark.parametrize("key", sorted(i18n.catalogue()))
def test_every_key_exists_in_both_languages_with_the_same_placeholders(key: str) -> None:
    texts = i18n.catalogue()[key]
    assert set(texts) == set(i18n.LANGS), key
    assert all(texts[lang].strip() for lang in i18n.LANGS), key
    assert i18n.placeholders(texts["en"]) == i18n.placeholders(texts["ja"]), key


def test_explicit_lang_beats_env_beats_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv("KPSIM_LANG", raising=False)
    assert i18n.resolve_lang() == "ja"
    monkeypatch.setenv("KPSIM_LANG", "en")
    assert i18n.resolve_lang() == "en"
    assert i18n.resolve_lang("ja") == "ja"


def test_c_locale_speaks_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KPSIM_LANG", raising=False)
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    assert i18n.resolve_lang() == "en"


def test_unknown_language_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as caught:
        i18n.parse_lang("fr")
    assert caught.value.code == "unknown_language"


def test_language_block_sets_and_restores() -> None:
    with i18n.language("ja"):
        assert i18n.t("lang.name") == "日本語"
        with i18n.language("en"):
            assert i18n.t("lang.name") == "English"
        assert i18n.current() == "ja"
