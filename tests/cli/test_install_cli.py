"""What a fresh install relies on: the version, the shipped rules inside the package, one-line usage errors."""

from __future__ import annotations

import json
import subprocess
import tomllib
from collections.abc import Callable
from fnmatch import fnmatch
from pathlib import Path

from cli_runner import REPO, Kpsim

import simulator
from simulator.rules.ruleset import DEFAULT_RULES_DIR

EXIT_USAGE = 2


def test_version_prints_the_package_version(kpsim: Kpsim) -> None:
    assert kpsim("--version") == (0, f"kpsim {simulator.__version__}\n", "")


def test_python_dash_m_simulator_prints_the_version_too(
    kpsim_process: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    done = kpsim_process("--version")
    assert (done.returncode, done.stdout) == (0, f"kpsim {simulator.__version__}\n")


def test_the_project_version_is_read_from_the_package() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in project["project"]["dynamic"]
    attr = project["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "simulator._version.__version__"


def test_the_shipped_rules_are_the_repository_rules_folder() -> None:
    assert (REPO / "rules").resolve() == DEFAULT_RULES_DIR
    assert (REPO / "simulator" / "rules" / "shipped").is_symlink()


def test_every_rule_file_is_declared_as_package_data() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    globs = project["tool"]["setuptools"]["package-data"]["simulator.rules"]
    files = sorted(p.relative_to(REPO / "rules") for p in (REPO / "rules").rglob("*.yaml"))
    assert files
    for rel in files:
        shipped = str(Path("shipped") / rel)
        assert any(fnmatch(shipped, g) for g in globs), shipped


def test_an_unknown_option_is_one_line_and_a_json_error_with_json(kpsim: Kpsim) -> None:
    code, out, err = kpsim("forecast", "--no-such-option", "--json")
    assert code == EXIT_USAGE
    assert len(err.splitlines()) == 1 and err.startswith("kpsim: ")
    error = json.loads(out)
    assert (error["kind"], error["exit_code"]) == ("usage", EXIT_USAGE)
