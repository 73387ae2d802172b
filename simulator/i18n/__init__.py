"""One message catalogue for every surface: `t(key)` in the language in force (en or ja).

The catalogue is YAML under `catalogue/`, one file per area (cli, report, reasons, …), each key
mapping to `{en: …, ja: …}` with the same `{placeholders}` in both. JSON keys and error codes
stay English; only words meant for people are translated.

>>> from simulator.i18n import language, t
>>> with language("ja"):
...     t("lang.name")
'日本語'
>>> t("lang.name", lang="en")
'English'
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import locale
import os
import string
from collections.abc import Iterator
from importlib import resources
from typing import Final, Literal, cast, get_args

import yaml

from simulator.errors import UsageError

Lang = Literal["en", "ja"]
LANGS: Final[tuple[Lang, ...]] = get_args(Lang)
ENV_VAR: Final = "KPSIM_LANG"

_current: contextvars.ContextVar[Lang | None] = contextvars.ContextVar("kpsim_lang", default=None)


def parse_lang(value: str, *, option: str = "--lang") -> Lang:
    """`ja`, `ja_JP.UTF-8`, `EN` … as a catalogue language; anything else is a usage error."""
    code = value.strip().lower().replace("-", "_").split(".")[0].split("_")[0]
    if code not in LANGS:
        raise UsageError(
            f"{option} {value!r} is not a language kpsim speaks",
            hint=f"choose from {', '.join(LANGS)}",
            code="unknown_language",
        )
    return code


def locale_lang() -> Lang:
    """The language the locale asks for: Japanese for a `ja*` locale, English otherwise."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    with contextlib.suppress(ValueError):
        tag = locale.getlocale()[0]
        if tag and tag.lower().startswith("ja"):
            return "ja"
    return "en"


def resolve_lang(explicit: str | None = None) -> Lang:
    """`--lang` if given, else `KPSIM_LANG`, else the locale."""
    if explicit:
        return parse_lang(explicit)
    env = os.environ.get(ENV_VAR)
    if env:
        return parse_lang(env, option=ENV_VAR)
    return locale_lang()


def current() -> Lang:
    """The language in force: the innermost `language()` block, else `resolve_lang()`."""
    return _current.get() or resolve_lang()


@contextlib.contextmanager
def language(lang: Lang | str | None) -> Iterator[Lang]:
    """Render in `lang` inside the block (None: resolve from `KPSIM_LANG` or the locale)."""
    chosen = resolve_lang(lang)
    token = _current.set(chosen)
    try:
        yield chosen
    finally:
        _current.reset(token)


_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML has it (7x faster: the catalogue is read by every run)."""


@functools.cache
def catalogue() -> dict[str, dict[Lang, str]]:
    """Every key of every catalogue file; a key defined twice is a packaging bug."""
    merged: dict[str, dict[Lang, str]] = {}
    folder = resources.files(__package__).joinpath("catalogue")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = yaml.load(entry.read_text(encoding="utf-8"), Loader=_LOADER) or {}
        for key, texts in data.items():
            if key in merged:
                raise RuntimeError(f"catalogue key {key!r} is defined twice ({entry.name})")
            merged[str(key)] = {cast(Lang, k): str(v) for k, v in texts.items()}
    return merged


def placeholders(text: str) -> set[str]:
    """The `{name}` fields a catalogue text expects."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def t(key: str, /, lang: Lang | None = None, **fields: object) -> str:
    """The catalogue text for `key` in `lang` (default: the language in force), filled in."""
    texts = catalogue()[key]
    text = texts[lang or current()]
    return text.format(**fields) if fields else text


def has(key: str) -> bool:
    """Whether the catalogue defines `key` (for codes that may have no translation yet)."""
    return key in catalogue()
