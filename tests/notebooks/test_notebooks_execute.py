"""Every analyst notebook takes its list, day and message from one tagged parameters cell, runs
top to bottom on the shipped sample list and on another list it has never seen, shows a figure in
every chart cell and leaves no temporary folder behind."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import nbformat
import polars as pl
import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
KERNEL = "python3"
CELL_TIMEOUT_S = 120
PARAMETERS = {"LIST", "AS_OF", "MESSAGE"}
DRAWS = re.compile(r"plt\.subplots\(|simulator\.charts\(|cost_by_plan_and_carrier\(|lite_vs_full\(|expected_range\(")
"""A code cell that builds a figure: it must show it."""


@pytest.fixture(scope="module")
def kernel() -> str:
    """The python3 kernel, registered for this user when no kernelspec provides it."""
    try:
        KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        from ipykernel.kernelspec import install

        install(user=True)
    return KERNEL


@pytest.fixture(scope="module")
def other_list(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A list the notebooks do not know: a third of the sample's rows in another order, outside
    the repository, with its own name."""
    sample = pl.read_csv(ROOT / "datasets" / "sample_recipients.csv", infer_schema=False)
    picked = sample.gather_every(3, offset=1).reverse()
    path = tmp_path_factory.mktemp("hidden") / "another_campaign.csv"
    picked.write_csv(path)
    return path


def code_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in notebook.cells if c.cell_type == "code"]


def test_the_four_notebooks_are_shipped() -> None:
    assert [p.name for p in NOTEBOOKS] == [
        "01_campaign_forecast.ipynb",
        "02_lite_vs_full.ipynb",
        "03_rules_history.ipynb",
        "04_uncertainty_and_assumptions.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    code = code_cells(notebook)
    assert code
    assert all(c.outputs == [] and c.execution_count is None for c in code)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_starts_with_one_cell_tagged_parameters(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert tagged == [notebook.cells[0]]
    assigned = set(re.findall(r"^([A-Z_]+) = ", tagged[0].source, re.M))
    assert assigned >= PARAMETERS


def test_the_lite_vs_full_threshold_is_a_parameter_with_its_reason() -> None:
    notebook = nbformat.read(NOTEBOOKS_DIR / "02_lite_vs_full.ipynb", as_version=4)
    parameters = notebook.cells[0].source
    assert re.search(r"^PREMIUM_THRESHOLD = ", parameters, re.M)
    before = parameters.split("PREMIUM_THRESHOLD = ")[0].splitlines()
    assert before[-1].startswith("#"), "the threshold's reason is the comment above it"
    assert not any("PREMIUM_THRESHOLD = " in c.source for c in code_cells(notebook)[1:])


def test_the_rules_history_includes_the_2025_price_cut_and_long_sms() -> None:
    notebook = nbformat.read(NOTEBOOKS_DIR / "03_rules_history.ipynb", as_version=4)
    source = "\n".join(c.source for c in code_cells(notebook))
    assert "dt.date(2025, 3, 1)" in source
    assert "dt.date(2025, 4, 1)" in source
    assert "dt.date.today()" in source


def run(path: Path, kernel: str, tmp: Path, **parameters: str) -> nbformat.NotebookNode:
    """Execute a notebook with `parameters` injected after its parameters cell (as papermill
    does) and its temporary files in `tmp`."""
    notebook = nbformat.read(path, as_version=4)
    if parameters:
        injected = nbformat.v4.new_code_cell(
            "\n".join(f"{name} = {value!r}" for name, value in parameters.items())
        )
        injected.metadata["tags"] = ["injected-parameters"]
        notebook.cells.insert(1, injected)
    client = NotebookClient(
        notebook,
        kernel_name=kernel,
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": str(NOTEBOOKS_DIR)}},
    )
    saved = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(tmp)  # the kernel inherits it: its temporary files go there
    try:
        client.execute()
    finally:
        if saved is None:
            del os.environ["TMPDIR"]
        else:
            os.environ["TMPDIR"] = saved
        tempfile.tempdir = None
    return notebook


def check_ran_and_drew(notebook: nbformat.NotebookNode) -> None:
    outputs = [o for c in code_cells(notebook) for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    for cell in code_cells(notebook):
        if DRAWS.search(cell.source):
            figures = [o for o in cell.outputs if "image/png" in o.get("data", {})]
            assert figures, f"a chart cell shows no figure:\n{cell.source[:200]}"


def left_behind(tmp: Path) -> list[str]:
    """Everything in `tmp` but kpsim's shared (empty) scratch root."""
    return sorted(
        str(p.relative_to(tmp))
        for p in tmp.rglob("*")
        if not (
            p.is_dir() and p.parent == tmp and p.name.startswith("kpsim-") and not any(p.iterdir())
        )
    )


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_the_shipped_list_and_draws_every_chart(
    path: Path, kernel: str, tmp_path: Path
) -> None:
    notebook = run(path, kernel, tmp_path)
    check_ran_and_drew(notebook)
    assert left_behind(tmp_path) == []


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_another_list_given_as_parameters(
    path: Path, kernel: str, tmp_path: Path, other_list: Path
) -> None:
    notebook = run(
        path,
        kernel,
        tmp_path,
        LIST=str(other_list),
        AS_OF="2026-06-01",
        MESSAGE="【テスト】ご予約の確認コードは 4821 です。",
    )
    check_ran_and_drew(notebook)
    assert left_behind(tmp_path) == []
    text = "".join(
        o.get("text", "")
        for c in code_cells(notebook)
        for o in c.outputs
        if o.output_type == "stream"
    )
    assert "another_campaign.csv" in text and "2026-06-01" in text
