"""Ways to run `kpsim` in tests: in this process through `run()`, or as a real child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from simulator.cli import common
from simulator.cli.main import run

REPO = Path(__file__).resolve().parents[2]


class Kpsim:
    """Runs `kpsim ARGS` in this process through `run()`, the entry point that maps exit codes."""

    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
        self.capsys = capsys
        monkeypatch.delenv("KPSIM_DEBUG", raising=False)
        monkeypatch.setenv("COLUMNS", "250")
        monkeypatch.setattr(common.stdout, "_width", None)

    def __call__(self, *args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as stopped:
            run(list(args))
        out, err = self.capsys.readouterr()
        code = stopped.value.code
        return (code if isinstance(code, int) else 1), out, err

    def json(self, *args: str) -> tuple[int, Any]:
        code, out, _ = self(*args, "--json")
        return code, json.loads(out)


def run_process(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The real command in a child process (the installed `kpsim` script runs the same `run`)."""
    env = {**os.environ, "COLUMNS": "250", "PYTHONPATH": str(REPO)}
    env.pop("KPSIM_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "simulator", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=180,
        check=False,
    )
