"""The progress bar: on stderr when it is a terminal (or KPSIM_PROGRESS=1 forces it), never into
a pipe by default, never with --quiet, and never on stdout."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from simulator import progress

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "datasets" / "sample_recipients.csv"
AS_OF = "2025-06-01"
COMMANDS = {
    "recipients check": ["recipients", "check", str(SAMPLE), "--as-of", AS_OF],
    "forecast": ["forecast", str(SAMPLE), "--message", "テスト", "--as-of", AS_OF],
    "diff": ["diff", str(SAMPLE), "--from", "2019-01-01", "--to", AS_OF],
}
BAR = "2,000/2,000 rows"
"""What the bar shows once the sample list (2,000 rows) is checked."""


def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("KPSIM_")}
    return {**base, "PYTHONPATH": str(REPO), "TERM": "xterm", "COLUMNS": "160", **extra}


def kpsim_piped(args: list[str], **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        env=env(**extra),
        timeout=120,
        check=False,
    )


def kpsim_on_a_terminal(args: list[str], **extra: str) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal; returns (exit code, stdout, what the terminal got)."""
    leader, follower = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "simulator", *args],
        stdout=subprocess.PIPE,
        stderr=follower,
        cwd=REPO,
        env=env(**extra),
    )
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 0.1)
        if not ready and child.poll() is not None:
            ready, _, _ = select.select([leader], [], [], 0)
            if not ready:
                break
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    assert child.stdout is not None
    out = child.stdout.read().decode("utf-8")
    code = child.wait(timeout=120)
    os.close(leader)
    return code, out, seen.decode("utf-8", errors="replace")


def test_a_terminal_sees_rows_done_and_the_rate() -> None:
    code, out, terminal = kpsim_on_a_terminal(
        COMMANDS["recipients check"], KPSIM_PROGRESS_AFTER="0"
    )
    assert code == 0, terminal
    assert "checking" in terminal and BAR in terminal and "rows/s" in terminal
    assert BAR not in out


def test_quiet_keeps_the_terminal_free_of_progress() -> None:
    code, _, terminal = kpsim_on_a_terminal(
        [*COMMANDS["recipients check"], "--quiet"], KPSIM_PROGRESS_AFTER="0"
    )
    assert code == 0, terminal
    assert BAR not in terminal


@pytest.mark.parametrize("command", ["recipients check", "forecast"])
def test_a_pipe_gets_no_progress_unless_forced(command: str) -> None:
    quiet = kpsim_piped([*COMMANDS[command], "--json"], KPSIM_PROGRESS_AFTER="0")
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == ""
    forced = kpsim_piped([*COMMANDS[command], "--json"], KPSIM_PROGRESS="1")
    assert forced.returncode == 0, forced.stderr
    assert BAR in forced.stderr
    assert json.loads(forced.stdout) == json.loads(quiet.stdout)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_quiet_wins_over_kpsim_progress(command: str) -> None:
    done = kpsim_piped([*COMMANDS[command], "--json", "--quiet"], KPSIM_PROGRESS="1")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


@pytest.mark.parametrize(
    ("setting", "terminal", "quiet", "shown"),
    [
        (None, True, False, True),
        (None, False, False, False),
        (None, True, True, False),
        ("1", False, False, True),
        ("1", True, True, False),
        ("0", True, False, False),
    ],
)
def test_progress_is_wanted_on_a_terminal_or_when_forced_and_never_when_quiet(
    monkeypatch: pytest.MonkeyPatch, setting: str | None, terminal: bool, quiet: bool, shown: bool
) -> None:
    if setting is None:
        monkeypatch.delenv(progress.ENV, raising=False)
    else:
        monkeypatch.setenv(progress.ENV, setting)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: terminal)
    assert progress.wanted(quiet) is shown


def test_a_disabled_meter_only_counts() -> None:
    with progress.Meter(enabled=False) as meter:
        meter.step("checking", total=10)
        meter.advance(4)
        meter.advance(6)
    assert meter.done == 10
