"""Helpers for the robustness tests: run `kpsim` as a real child process, many at once."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "corpus"
AS_OF = "2025-06-01"
"""A date on which every plan exists, so a bad input is the only thing that can fail."""

EXIT_OK, EXIT_USAGE, EXIT_INPUT, EXIT_RULES, EXIT_NOT_APPLICABLE, EXIT_INTERNAL = 0, 2, 3, 4, 5, 70
"""The exit codes the README documents."""

EXIT_SIGINT, EXIT_SIGTERM = 130, 143
"""The exit codes of an interrupted run (tested with real signals in test_signals.py)."""


@dataclass(frozen=True)
class Run:
    """One finished `kpsim` process."""

    args: tuple[str, ...]
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


def child_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "COLUMNS": "250", "PYTHONPATH": str(REPO), **extra}
    env.pop("KPSIM_DEBUG", None)
    return env


def python(*argv: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`python ARGV` in a child process at the repository root, output captured as text."""
    return subprocess.run(
        [sys.executable, *argv],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        cwd=REPO,
        env=child_env(),
        timeout=timeout,
        check=False,
    )


def kpsim(*args: str | Path, debug: bool = False, timeout: float = 120) -> Run:
    """`python -m simulator ARGS` (what the `kpsim` script runs) in a child process."""
    argv = [*(["--debug"] if debug else []), *map(str, args)]
    done = python("-m", "simulator", *argv, timeout=timeout)
    return Run(tuple(argv), done.returncode, done.stdout, done.stderr)


def kpsim_here(*args: str | Path) -> Run:
    """The same command through `simulator.cli.main.run` in this process (no start-up cost)."""
    from simulator.cli.main import run

    out, err = io.StringIO(), io.StringIO()
    os.environ.pop("KPSIM_DEBUG", None)
    code: int | str | None = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            run([str(a) for a in args])
        except SystemExit as stopped:
            code = stopped.code
    return Run(
        tuple(map(str, args)), code if isinstance(code, int) else 1, out.getvalue(), err.getvalue()
    )


def kpsim_many(commands: Sequence[Sequence[str | Path]]) -> list[Run]:
    """Run several `kpsim` processes side by side (start-up dominates each one)."""
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        return list(pool.map(lambda args: kpsim(*args), commands))


def assert_one_line_error(run: Run, file: Path | str, code: int, says: Sequence[str]) -> None:
    """The error contract: one stderr line naming the file, in plain words, with the code."""
    assert "Traceback" not in run.err + run.out, run.err
    assert run.code == code, (run.code, run.err)
    assert len(run.err_lines) == 1, run.err
    line = run.err_lines[0]
    assert line.startswith("kpsim: "), line
    assert Path(file).name in line, line
    for words in says:
        assert words in line, (words, line)
    for jargon in ("Error:", "Exception", "PolarsError", "ComputeError", "pydantic", "errno"):
        assert jargon not in line, line


def load_generator() -> ModuleType:
    """`datasets/generate.py` (a script, not a package) as a module."""
    name = "kpsim_datasets_generate"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "datasets" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def write_list(path: Path, rows: int, *, seed: int = 1, dirty_share: float = 0.3) -> Path:
    """A synthetic recipient list (customer_id, name, phone) from datasets/generate.py."""
    generator = load_generator()
    generator.write(generator.generate(rows, seed=seed, dirty_share=dirty_share), path)
    return path
