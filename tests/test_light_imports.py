"""Every run pays for what `kpsim` imports before it parses its arguments (issue 12's fixed
cost): the libraries only some outputs need load when those outputs are written."""

from __future__ import annotations

import subprocess
import sys

HEAVY_FOR_SOME_OUTPUTS = ("matplotlib", "xlsxwriter", "jinja2", "starlette", "uvicorn")


def test_the_cli_and_the_api_load_no_chart_workbook_html_or_server_library() -> None:
    probe = (
        "import sys, simulator, simulator.cli.main; "
        f"print(','.join(m for m in {HEAVY_FOR_SOME_OUTPUTS!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
