"""Executes every notebook in this directory top to bottom (nbclient, the
python3 kernel of the running interpreter) and fails on the first cell that
raises. tools/python_test.sh runs it against the installed wheel.

    python examples/notebooks/run_notebooks.py [NOTEBOOK.ipynb ...]
"""
import pathlib
import sys

import nbformat
from nbclient import NotebookClient


def main() -> int:
    here = pathlib.Path(__file__).resolve().parent
    books = [pathlib.Path(p) for p in sys.argv[1:]] or sorted(here.glob("*.ipynb"))
    for path in books:
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            print(f"{path.name}: {errors[0]['ename']}: {errors[0]['evalue']}", file=sys.stderr)
            return 1
        print(f"{path.name}: {sum(c.cell_type == 'code' for c in nb.cells)} code cells ran")
    return 0


if __name__ == "__main__":
    sys.exit(main())
