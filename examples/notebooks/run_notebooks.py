"""Executes every notebook in this directory top to bottom (nbclient) and
fails on the first cell that raises. tools/python_test.sh runs it against
the installed wheel.

    python examples/notebooks/run_notebooks.py [--write] [NOTEBOOK.ipynb ...]

The kernel is always the interpreter running this script: nbclient's
"python3" kernel spec is looked up on Jupyter's search path, where Debian's
python3-ipykernel puts one that starts /usr/bin/python3, which cannot import
a module installed in a virtual environment. So a spec for sys.executable is
written to a temporary directory placed first on JUPYTER_PATH.

The notebooks are committed with their outputs. Without --write the file is
left unchanged and every code cell must already hold stored outputs; with
--write the fresh outputs (from this run) are saved into the file.
"""
import json
import os
import pathlib
import sys
import tempfile

import nbformat
from nbclient import NotebookClient

KERNEL = "python3"


def use_this_interpreter_as_kernel(tmp: pathlib.Path) -> None:
    spec_dir = tmp / "kernels" / KERNEL
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    # Quiets the kernel's debugpy warning about Python 3.11's frozen modules (no debugger is used).
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(tmp), os.environ.get("JUPYTER_PATH")) if p)


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def main() -> int:
    args = sys.argv[1:]
    write = "--write" in args
    args = [a for a in args if a != "--write"]
    here = pathlib.Path(__file__).resolve().parent
    books = [pathlib.Path(p) for p in args] or sorted(here.glob("*.ipynb"))
    with tempfile.TemporaryDirectory(prefix="liveformer_kernel_") as tmp:
        use_this_interpreter_as_kernel(pathlib.Path(tmp))
        for path in books:
            nb = nbformat.read(path, as_version=4)
            missing = [i for i, c in enumerate(code_cells(nb)) if not c.get("outputs")]
            if missing and not write:
                print(f"{path.name}: code cells {missing} have no stored outputs; "
                      f"run {pathlib.Path(__file__).name} --write and commit the notebook", file=sys.stderr)
                return 1
            client = NotebookClient(nb, timeout=600, kernel_name=KERNEL, record_timing=False,
                                    resources={"metadata": {"path": str(path.parent)}})
            client.execute()
            errors = [o for c in code_cells(nb) for o in c.get("outputs", []) if o.get("output_type") == "error"]
            if errors:
                print(f"{path.name}: {errors[0]['ename']}: {errors[0]['evalue']}", file=sys.stderr)
                return 1
            print(f"{path.name}: {len(code_cells(nb))} code cells ran")
            if write:
                nbformat.write(nb, path)
                print(f"{path.name}: outputs written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
