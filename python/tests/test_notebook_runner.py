"""examples/notebooks/run_notebooks.py fails when a cell prints something other
than its committed output; here its comparison, without a kernel."""
import importlib.util

import nbformat
import pytest

from testdata import REPO

spec = importlib.util.spec_from_file_location("run_notebooks", REPO / "examples" / "notebooks" / "run_notebooks.py")
run_notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_notebooks)


def cell(*outputs):
    return nbformat.v4.new_code_cell(source="", outputs=[nbformat.from_dict(o) for o in outputs])


def stream(text):
    return {"output_type": "stream", "name": "stdout", "text": text}


def test_a_cells_text_ignores_how_the_stream_was_split():
    one = cell(stream("Q: a\nA: b\n"))
    two = cell(stream("Q: a\n"), stream("A: b\n"))
    assert run_notebooks.cell_text(one) == run_notebooks.cell_text(two) == "Q: a\nA: b\n"
    result = cell({"output_type": "execute_result", "execution_count": 1, "metadata": {},
                   "data": {"text/plain": "42", "image/png": "..."}})
    assert run_notebooks.cell_text(result) == "42\n"


@pytest.mark.parametrize("fresh, n_diffs", [(["x\n", "y\n"], 0), (["x\n", "z\n"], 1), (["w\n", "z\n"], 2)])
def test_differences_are_reported_per_cell_as_a_diff(fresh, n_diffs):
    diffs = run_notebooks.output_differences("nb.ipynb", ["x\n", "y\n"], fresh)
    assert len(diffs) == n_diffs
    if n_diffs == 1:
        assert "nb.ipynb code cell 1 (committed)" in diffs[0] and "-y\n" in diffs[0] and "+z\n" in diffs[0]
