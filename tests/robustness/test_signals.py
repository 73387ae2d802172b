"""Interrupted runs: SIGINT and SIGTERM end a run at once with one line (exit 130 and 143), the
`--out` set as it was and no scratch copy left; what a SIGKILL leaves is swept by the next run.
Real child processes on a large CP932 list (transcoded to a scratch copy holding full numbers)."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from robustness_support import AS_OF, EXIT_SIGINT, EXIT_SIGTERM, REPO, child_env, kpsim

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.name != "posix", reason="POSIX signals"),
]

FORECAST = ["forecast", "--message", "hello", "--as-of", AS_OF, "-q"]


@pytest.fixture(scope="module")
def big_cp932(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "list_cp932.csv"
    done = subprocess.run(
        [
            sys.executable,
            "datasets/generate.py",
            "--rows",
            "300000",
            "--cp932-safe",
            "--encoding",
            "cp932",
            "--seed",
            "7",
            "--out",
            str(path),
        ],
        cwd=REPO,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return path


def start(args: list[str], tmpdir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "simulator", *args],
        cwd=REPO,
        env=child_env(TMPDIR=str(tmpdir), RUST_BACKTRACE="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(found: Callable[[], bool], process: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + 60
    while not found():
        assert process.poll() is None, f"the run ended before {what}"
        assert time.monotonic() < deadline, f"no {what} within 60 s"
        time.sleep(0.005)


def scratch_of(tmpdir: Path) -> Path:
    return tmpdir / f"kpsim-{os.getuid()}"


def transcoded_copies(tmpdir: Path) -> list[Path]:
    """Wherever kpsim keeps them (so the test also runs against an older layout)."""
    return list(tmpdir.rglob("*.utf8.csv"))


def staging_sink_started(parent: Path) -> bool:
    return any(parent.rglob(".recipients.parquet.*.tmp"))


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, EXIT_SIGINT), (signal.SIGTERM, EXIT_SIGTERM)]
)
def test_an_interrupt_during_the_parquet_sink_is_one_line_and_keeps_the_old_set(
    tmp_path: Path, big_cp932: Path, signum: int, code: int
) -> None:
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    out = tmp_path / "out"
    small = tmp_path / "small.csv"
    small.write_text("phone\n090-1234-5678\n")
    assert kpsim(*FORECAST, small, "--out", out).code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    process = start([*FORECAST, str(big_cp932), "--out", str(out)], tmpdir)
    wait_for(lambda: staging_sink_started(tmp_path), process, "Parquet sink")
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=60)

    assert process.returncode == code, stderr
    assert stderr.splitlines() == [
        f"kpsim: interrupted ({signal.Signals(signum).name}); no partial output was left"
    ], stderr
    assert "panic" not in stderr + stdout
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "small.csv", "tmp"]
    assert transcoded_copies(tmpdir) == []
    assert list(scratch_of(tmpdir).iterdir()) == []


def test_sigterm_removes_the_transcoded_copy_of_a_cp932_list(
    tmp_path: Path, big_cp932: Path
) -> None:
    process = start(["recipients", "check", str(big_cp932), "--as-of", AS_OF, "-q"], tmp_path)
    wait_for(lambda: bool(transcoded_copies(tmp_path)), process, "transcoded copy")
    mode = stat.S_IMODE(os.lstat(scratch_of(tmp_path)).st_mode)
    assert mode == 0o700, oct(mode)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    assert process.returncode == EXIT_SIGTERM
    assert transcoded_copies(tmp_path) == []
    assert list(scratch_of(tmp_path).iterdir()) == []


def test_what_a_sigkill_leaves_is_swept_by_the_next_run(tmp_path: Path, big_cp932: Path) -> None:
    process = start(["recipients", "check", str(big_cp932), "--as-of", AS_OF, "-q"], tmp_path)
    wait_for(lambda: bool(transcoded_copies(tmp_path)), process, "transcoded copy")
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    assert transcoded_copies(tmp_path), "SIGKILL cannot be handled: the copy is left"

    later = subprocess.run(
        [sys.executable, "-m", "simulator", "--version"],
        cwd=REPO,
        env=child_env(TMPDIR=str(tmp_path)),
        capture_output=True,
        check=False,
    )
    assert later.returncode == 0
    assert transcoded_copies(tmp_path) == []
    assert list(scratch_of(tmp_path).iterdir()) == []
