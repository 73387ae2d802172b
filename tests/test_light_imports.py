"""Every run pays for what `kpsim` imports before it parses its arguments (issue 12's fixed
cost): the libraries only some outputs need load when those outputs are written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEAVY_FOR_SOME_OUTPUTS = ("matplotlib", "xlsxwriter", "jinja2", "starlette", "uvicorn")


def test_the_cli_and_the_api_load_no_chart_workbook_html_or_server_library() -> None:
    probe = (
        "import sys, simulator, simulator.cli.main; "
        f"print(','.join(m for m in {HEAVY_FOR_SOME_OUTPUTS!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_checking_a_list_without_quotes_never_loads_numpy(tmp_path: Path) -> None:
    """numpy (about 0.1 s to import) is for quoted cells and a forecast's draws only."""
    listed = tmp_path / "list.csv"
    listed.write_text("phone\n090-1234-5678\n03-1234-5678\n", encoding="utf-8")
    probe = (
        "import runpy, sys; "
        f"sys.argv = ['kpsim', 'recipients', 'check', {str(listed)!r}, '--json']\n"
        "try:\n    runpy.run_module('simulator', run_name='__main__')\n"
        "except SystemExit as exit:\n    assert exit.code == 0, exit.code\n"
        "print('numpy' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stderr.strip().splitlines()[-1] == "False"
