"""Words every report surface shares, in the language in force: warnings by code."""

from __future__ import annotations

from simulator.i18n import current, has, t
from simulator.result.forecast import Forecast


def warning_texts(summary: Forecast) -> list[str]:
    """Each warning in the language in force: by its code and fields where the catalogue has
    it (`warning.<code>`), else its English text (and for documents without codes)."""
    if current() == "en" or len(summary.notices) != len(summary.warnings):
        return list(summary.warnings)
    return [
        t(f"warning.{n.code}", current(), **n.fields) if has(f"warning.{n.code}") else n.text
        for n in summary.notices
    ]
