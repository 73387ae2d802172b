"""A plan's message fit in words: all / partly (N of M) / none, the limit and what to cut."""

from __future__ import annotations

from simulator.i18n import t
from simulator.report.words import words
from simulator.result.forecast import MessageFit


def span_words(span: tuple[int, int]) -> str:
    """`65–75`, or `75` when every message has the same length."""
    low, high = span
    return str(low) if low == high else t("fit.span", low=low, high=high)


def limit_short(fit: MessageFit) -> str:
    """The most characters a message may have per encoding, e.g. `140 ascii / 70 non_ascii`."""
    return " / ".join(f"{n} {words(encoding)}" for encoding, n in fit.longest_allowed.items())


def lengths_words(fit: MessageFit | None) -> str:
    """The rendered messages' length range against the limit, or `–`."""
    if fit is None or fit.units_range is None:
        return "–"
    return t("fit.range", span=span_words(fit.units_range), limit=limit_short(fit))


def fit_words(fit: MessageFit) -> str:
    """Whether the messages fit: all, partly (N of M) or none, and what to cut when not."""
    if fit.sends == "all":
        return t("fit.all", checked=f"{fit.recipients_checked:,}")
    key = "fit.partly" if fit.sends == "partly" else "fit.none"
    text = t(key, fit=f"{fit.recipients_fit:,}", checked=f"{fit.recipients_checked:,}")
    if fit.too_long_units_range is None or fit.cut_characters is None:
        return text
    cut = t("fit.cut", span=span_words(fit.too_long_units_range), cut=fit.cut_characters)
    return t("fit.and", first=text, then=cut)
