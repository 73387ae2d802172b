"""A plan's message fit in words: all / partly (N of M) / none, the limit and what to cut."""

from __future__ import annotations

from simulator.i18n import t
from simulator.result.forecast import MessageFit


def limit_short(fit: MessageFit) -> str:
    """The most characters a message may have per encoding, e.g. `140 ascii / 70 non_ascii`."""
    return " / ".join(f"{n} {encoding}" for encoding, n in fit.longest_allowed.items())


def lengths_words(fit: MessageFit | None) -> str:
    """The rendered messages' length range against the limit, or `–`."""
    if fit is None or fit.units_range is None:
        return "–"
    low, high = fit.units_range
    return t("fit.range", low=low, high=high, limit=limit_short(fit))


def fit_words(fit: MessageFit) -> str:
    """Whether the messages fit: all, partly (N of M) or none, and what to cut when not."""
    if fit.sends == "all":
        return t("fit.all", checked=f"{fit.recipients_checked:,}")
    key = "fit.partly" if fit.sends == "partly" else "fit.none"
    text = t(key, fit=f"{fit.recipients_fit:,}", checked=f"{fit.recipients_checked:,}")
    if fit.too_long_units_range is None or fit.cut_characters is None:
        return text
    low, high = fit.too_long_units_range
    cut = t("fit.cut", low=low, high=high, cut=fit.cut_characters)
    return f"{text}; {cut}"
