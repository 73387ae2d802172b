"""Lower layers never import higher ones: the typed results sit above the analysis, and the
surfaces (report, cli, api) above the results."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "simulator"

ABOVE = {
    "rules": {"result", "report", "cli", "api", "analysis", "engine"},
    "numbers": {"result", "report", "cli", "api", "analysis", "engine"},
    "message": {"result", "report", "cli", "api", "analysis", "engine"},
    "pricing": {"result", "report", "cli", "api", "analysis", "engine"},
    "engine": {"result", "report", "cli", "api", "analysis"},
    "analysis": {"result", "report", "cli", "api"},
    "result": {"report", "cli", "api"},
    "report": {"cli", "api"},
}


def imported_layers(path: Path) -> set[str]:
    """The `simulator.<layer>` packages a module imports (at any depth of the file)."""
    layers = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else []
        )
        for name in names:
            parts = name.split(".")
            if parts[0] == "simulator" and len(parts) > 1:
                layers.add(parts[1])
    return layers


@pytest.mark.parametrize("layer", list(ABOVE))
def test_a_layer_imports_no_layer_above_it(layer: str) -> None:
    offending = {
        str(path.relative_to(PACKAGE)): sorted(imported_layers(path) & ABOVE[layer])
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        if imported_layers(path) & ABOVE[layer]
    }
    assert offending == {}


def test_money_formatting_lives_in_pricing() -> None:
    assert (PACKAGE / "pricing" / "money.py").is_file()
    assert not (PACKAGE / "report" / "money.py").exists()
