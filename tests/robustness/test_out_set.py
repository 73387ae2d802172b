"""An `--out` set never mixes runs: concurrent runs into one folder take turns swapping their
whole set in, so a reader that opens the folder sees one run's set, and the folder ends with
the set of one run, whole."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import polars as pl
import pytest
from robustness_support import AS_OF, REPO, child_env, write_list

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name != "posix", reason="POSIX")]

FORECAST = ["forecast", "--message", "hello", "--as-of", AS_OF, "-q"]
SET = {
    "summary.json",
    "report.html",
    "recipients.parquet",
    "rejects.csv",
    "cost_by_plan_and_carrier.png",
    "lite_vs_full.png",
    "expected_range.png",
    "kpsim.xlsx",
    "too_long.csv",
}


def read_set(out: Path) -> tuple[int, int, int] | None:
    """None for no set yet, else (rows_in from summary.json, rejects.csv rows, recipients.parquet rows) of the set in
    `out`, every file read through one handle on the folder (as a careful reader does)."""
    try:
        folder = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        return None
    try:
        names = set(os.listdir(folder))
        if not names:  # made before a first set is in: no set yet
            return None
        assert names == SET, sorted(names)

        def data(name: str) -> bytes:
            fd = os.open(name, os.O_RDONLY, dir_fd=folder)
            with os.fdopen(fd, "rb") as fh:
                return fh.read()

        try:
            summary = json.loads(data("summary.json"))
            rejects = pl.read_csv(data("rejects.csv"), infer_schema=False).height
            recipients = pl.read_parquet(data("recipients.parquet"))
        except FileNotFoundError:  # the set was swapped out and removed while we read: read again
            return None
        return summary["rows_in"], rejects, recipients["row"].n_unique() + rejects
    finally:
        os.close(folder)


def whole(found: tuple[int, int, int] | None, sizes: set[int]) -> None:
    assert found is not None
    rows_in, _, accounted = found
    assert rows_in in sizes and accounted == rows_in, found


def start(args: list[str | Path]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "simulator", *map(str, args)],
        cwd=REPO,
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def kill_later(run: subprocess.Popen[bytes], out: Path, signum: int, delay: float) -> None:
    """Send `signum` `delay` s after the run has begun its set (kpsim is loaded by then: a
    signal during the interpreter's own start-up gets Python's default handling)."""
    while run.poll() is None and not any(out.parent.glob(f".{out.name}.{run.pid}.*.staging")):
        time.sleep(0.005)
    time.sleep(delay)
    if run.poll() is None:
        run.send_signal(signum)


@pytest.fixture(scope="module")
def lists(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("lists")
    return {n: write_list(folder / f"list{n}.csv", n, seed=n) for n in (300, 3000, 12000)}


def test_two_concurrent_runs_into_one_out_leave_one_whole_set(
    tmp_path: Path, lists: dict[int, Path]
) -> None:
    out = tmp_path / "out"
    seen: list[tuple[int, int, int] | None] = []
    done = threading.Event()

    failures: list[BaseException] = []

    def reader() -> None:
        try:
            while not done.is_set():
                seen.append(read_set(out))
                time.sleep(0.01)
        except BaseException as exc:  # a mixed set seen by the reader must fail the test
            failures.append(exc)

    watcher = threading.Thread(target=reader)
    watcher.start()
    try:
        for _ in range(3):
            runs = [start([*FORECAST, lists[n], "--out", out]) for n in (3000, 12000)]
            for run in runs:
                _, err = run.communicate(timeout=120)
                assert run.returncode == 0, err
            whole(read_set(out), {3000, 12000})
    finally:
        done.set()
        watcher.join()
    assert not failures, failures
    for found in seen:
        if found is not None:
            whole(found, {3000, 12000})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "no staging folder is left"


def test_soak_interleaved_forecasts_killed_at_random_leave_whole_sets(
    tmp_path: Path, lists: dict[int, Path]
) -> None:
    """20 forecasts into two shared and two separate folders, a third of them sent SIGINT,
    SIGTERM or SIGKILL at a random moment: every folder holds a whole set or none, and the
    next run leaves no staging folder behind."""
    rng = random.Random(15)
    sizes = {300, 3000}
    folders = [tmp_path / name for name in ("shared_a", "shared_b", "own_1", "own_2")]
    runs: list[tuple[subprocess.Popen[bytes], int | None]] = []
    started = time.monotonic()
    for i in range(20):
        out = folders[rng.choice([0, 0, 1, 1, 2, 3])]
        size = rng.choice(sorted(sizes))  # small: start-up and kill points dominate
        run = start([*FORECAST, lists[size], "--out", out])
        chosen = rng.choice([None, None, signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
        runs.append((run, chosen))
        if chosen is not None:
            threading.Thread(
                target=kill_later, args=(run, out, chosen, rng.uniform(0, 0.4))
            ).start()
        if i % 10 == 9:
            for waiting, _ in runs:
                waiting.wait(timeout=120)
    expected = {None: 0, signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGKILL: -9}
    for run, chosen in runs:
        run.wait(timeout=120)
        _, err = run.communicate()
        assert run.returncode in (0, expected[chosen]), (chosen, run.returncode, err)
        assert b"Traceback" not in err and b"panic" not in err, err
    print(f"soak: 20 runs in {time.monotonic() - started:.1f} s")
    for out in folders:
        found = read_set(out)
        if found is not None:
            whole(found, sizes)
    small = lists[300]
    finals = [start([*FORECAST, small, "--out", out]) for out in folders]
    assert [final.wait(timeout=120) for final in finals] == [0] * len(folders)
    for out in folders:
        whole(read_set(out), {300})
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f.name for f in folders)
