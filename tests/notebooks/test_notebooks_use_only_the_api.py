"""The notebooks use kpsim only through its public API: `import simulator` and the names in
`simulator.__all__` — no `simulator.<module>` import, no attribute of the package outside it.
Checked on the code cells' syntax trees, so it needs no kernel."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

import simulator

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PUBLIC = set(simulator.__all__)


def code_tree(path: Path) -> ast.Module:
    """Every code cell of the notebook as one module, IPython magics (`%...`, `!...`) left out."""
    notebook = nbformat.read(path, as_version=4)
    lines = [
        line
        for cell in notebook.cells
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if not line.lstrip().startswith(("%", "!"))
    ]
    return ast.parse("\n".join(lines), filename=path.name)


def uses_beyond_the_api(tree: ast.Module) -> list[str]:
    """What the code takes from kpsim that is not public, one line each."""
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [
                f"line {node.lineno}: import {a.name}"
                for a in node.names
                if a.name.startswith("simulator.")
            ]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "simulator":
            if node.module != "simulator":
                found.append(f"line {node.lineno}: from {node.module} import ...")
            else:
                found += [
                    f"line {node.lineno}: from simulator import {a.name}"
                    for a in node.names
                    if a.name not in PUBLIC
                ]
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "simulator"
            and node.attr not in PUBLIC
        ):
            found.append(f"line {node.lineno}: simulator.{node.attr}")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_uses_only_the_public_api(path: Path) -> None:
    tree = code_tree(path)
    assert uses_beyond_the_api(tree) == []
    assert any(
        isinstance(n, ast.Import) and any(a.name == "simulator" for a in n.names)
        for n in ast.walk(tree)
    )


@pytest.mark.parametrize(
    "code",
    [
        "from simulator.pricing.money import fmt_jpy",
        "import simulator.analysis.sweep",
        "from simulator import ForecastOptions",
        "import simulator\nsimulator.analysis.sweep.sweep()",
    ],
)
def test_the_check_catches_internal_uses(code: str) -> None:
    assert uses_beyond_the_api(ast.parse(code))
