"""Fixtures that run `kpsim` (see cli_runner.py)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest
from cli_runner import Kpsim, run_process


@pytest.fixture
def kpsim(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Kpsim:
    return Kpsim(capsys, monkeypatch)


@pytest.fixture
def kpsim_process() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_process
