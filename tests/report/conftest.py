"""The report tests read English labels unless a test asks for Japanese (`i18n.language`),
whatever the machine's locale."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def english_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPSIM_LANG", "en")
