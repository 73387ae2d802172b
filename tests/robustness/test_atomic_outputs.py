"""Outputs under --out are written into a staging folder beside it (`.<out>.<pid>.<random>.staging`,
each file under a temporary name, then renamed) that replaces the set as a whole: a run killed
at any moment leaves the previous complete set (or none), never a partial file. A staging
folder or temporary file a killed run leaves behind is never read as an output, and the next
run into the same --out (or writing the same file) removes it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl
import pytest
from robustness_support import AS_OF, REPO, child_env, kpsim, write_list

from simulator import atomic

pytestmark = pytest.mark.slow

FORECAST = ["forecast", "--message", "hello", "--as-of", AS_OF]


def temporary_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def assert_complete(path: Path) -> None:
    """A whole file of its kind: Parquet and CSV read, JSON parses, HTML and PNG are closed."""
    data = path.read_bytes()
    if path.suffix == ".parquet":
        pl.read_parquet(path)
    elif path.suffix == ".csv":
        pl.read_csv(path, infer_schema=False)
    elif path.suffix == ".json":
        json.loads(data)
    elif path.suffix == ".html":
        assert data.rstrip().endswith(b"</html>"), path
    elif path.suffix == ".png":
        assert data.startswith(b"\x89PNG") and data[-8:-4] == b"IEND", path
    elif path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as workbook:
            assert workbook.testzip() is None, path
    else:
        raise AssertionError(f"unexpected output {path.name}")


def staging_folders(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.*.staging"))


def outputs(directory: Path) -> dict[str, Path]:
    return {p.name: p for p in directory.iterdir() if not p.name.endswith(".tmp")}


def files_being_written(out: Path, before: dict[str, tuple[int, int]]) -> set[str]:
    """Outputs whose writing has begun: a temporary for them exists, or they changed on disk."""
    touched = set()
    staged = [e for folder in staging_folders(out) for e in entries_if_there(folder)]
    for entry in [*os.scandir(out), *staged]:
        if entry.name.endswith(".tmp"):
            touched.add(entry.name[1:].rsplit(".", 3)[0])
            continue
        try:
            stat = entry.stat()
        except FileNotFoundError:  # renamed into place since it was listed
            touched.add(entry.name)
            continue
        if before.get(entry.name) != (stat.st_ino, stat.st_mtime_ns):
            touched.add(entry.name)
    return touched


def entries_if_there(folder: Path) -> list[os.DirEntry[str]]:
    """The entries of a staging folder, none if the run has just renamed it into place."""
    try:
        return list(os.scandir(folder))
    except FileNotFoundError:
        return []


def kill_when_writing(command: list[str], out: Path, nth_file: int, delay: float) -> int:
    """Start kpsim, SIGKILL it `delay` s after it begins writing its `nth_file`-th output."""
    before = {e.name: (e.stat().st_ino, e.stat().st_mtime_ns) for e in os.scandir(out)}
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", *command],
        cwd=REPO,
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while process.poll() is None and len(files_being_written(out, before)) < nth_file:
        time.sleep(0.002)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    return process.wait(timeout=60)


@pytest.fixture(scope="module")
def big_list(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Large enough that writing recipients.parquet takes a noticeable moment."""
    return write_list(tmp_path_factory.mktemp("big") / "list.csv", 100_000, seed=5)


@pytest.fixture(scope="module")
def previous_run(tmp_path_factory: pytest.TempPathFactory, big_list: Path) -> Path:
    out = tmp_path_factory.mktemp("previous") / "out"
    run = kpsim(*FORECAST, big_list, "--out", out)
    assert run.code == 0, run.err
    assert temporary_files(out) == []
    return out


KILL_POINTS = [(1, 0.0), (1, 0.1), (2, 0.0), (4, 0.0), (7, 0.0)]
"""(n, delay): kill `delay` s after the n-th output file starts being written."""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_a_run_killed_mid_write_leaves_only_complete_outputs_and_the_next_run_cleans_up(
    tmp_path: Path, big_list: Path, previous_run: Path
) -> None:
    before = outputs(previous_run)
    assert len(before) >= 7

    def trial(i: int) -> tuple[Path, int]:
        nth, delay = KILL_POINTS[i]
        out = tmp_path / f"trial{i}" / "out"
        shutil.copytree(previous_run, out)
        return out, kill_when_writing(
            [*FORECAST, str(big_list), "--out", str(out)], out, nth, delay
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        trials = list(pool.map(trial, range(len(KILL_POINTS))))
    for out, _ in trials:
        after = outputs(out)
        assert after.keys() == before.keys(), (out.name, sorted(after))
        for path in after.values():
            assert_complete(path)
    killed = sum(code == -signal.SIGKILL for _, code in trials)
    assert killed >= len(KILL_POINTS) - 1, "the runs finished before they could be killed"

    left_behind = [out for out, _ in trials if staging_folders(out)]
    assert left_behind, "no kill happened mid-write"
    assert all(temporary_files(out) == [] for out, _ in trials), "no temporary inside --out"
    rerun = kpsim(*FORECAST, write_list(tmp_path / "small.csv", 50), "--out", left_behind[0])
    assert rerun.code == 0, rerun.err
    assert staging_folders(left_behind[0]) == []
    assert temporary_files(left_behind[0]) == []
    for path in outputs(left_behind[0]).values():
        assert_complete(path)


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "summary.json"
    atomic.write_text(target, '{"old": true}\n')

    def half_then_fail(path: Path) -> None:
        path.write_text('{"new": ')
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic.write_with(target, half_then_fail)
    assert json.loads(target.read_text()) == {"old": True}
    assert temporary_files(tmp_path) == []


def test_a_temporary_of_a_dead_writer_is_removed_and_a_live_writers_is_kept(
    tmp_path: Path,
) -> None:
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(finished.stdout)
    dead = tmp_path / f".report.html.{dead_pid}.abcd1234.tmp"
    live = tmp_path / f".report.html.{os.getpid()}.efgh5678.tmp"
    other = tmp_path / f".summary.json.{dead_pid}.ijkl9012.tmp"
    for path in (dead, live, other):
        path.write_text("<html><body>half")
    atomic.write_text(tmp_path / "report.html", "<html></html>\n")
    assert not dead.exists()
    assert live.exists(), "a writer still running keeps its temporary file"
    assert other.exists(), "only temporaries of the file being written are touched"
    assert (tmp_path / "report.html").read_text() == "<html></html>\n"
