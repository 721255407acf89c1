"""Executes every notebook in this directory top to bottom (nbclient), fails
on a cell that raises, and fails when a cell's text output differs from
the output committed with the notebook. tools/python_test.sh runs it
against the installed wheel.

    python examples/notebooks/run_notebooks.py [--write] [NOTEBOOK.ipynb ...]

The kernel is always the interpreter running this script: nbclient's
"python3" kernel spec is looked up on Jupyter's search path, where Debian's
python3-ipykernel puts one that starts /usr/bin/python3, which cannot import
a module installed in a virtual environment. So a spec for sys.executable is
written to a temporary directory placed first on JUPYTER_PATH.

The notebooks are committed with their outputs, and those outputs must be
what the current module and model print: without --write the file is left
unchanged, every code cell must already hold stored outputs, and each code
cell's text (stdout, stderr and text/plain results, concatenated) must equal
the stored text, else a unified diff per differing cell is printed and the
exit status is 1. After a deliberate change (a new demo model, a changed
cell), regenerate the outputs and commit them with that change:

    build/pyvenv/venv/bin/python examples/notebooks/run_notebooks.py --write

--write saves the fresh outputs into the file (and prints what changed).
"""
import difflib
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


def cell_text(cell) -> str:
    """What a reader sees of a code cell's output, as one string: how the
    kernel split a stream into chunks does not matter, images do not count."""
    parts = []
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            parts.append(out.get("text", ""))
        elif kind in ("execute_result", "display_data"):
            parts.append(out.get("data", {}).get("text/plain", "") + "\n")
        elif kind == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}\n")
    return "".join(parts)


def output_differences(name: str, committed: list, fresh: list) -> list:
    """A unified diff (committed -> fresh) for each code cell whose text changed."""
    diffs = []
    for i, (old, new) in enumerate(zip(committed, fresh)):
        if old != new:
            diffs.append("".join(difflib.unified_diff(
                old.splitlines(keepends=True), new.splitlines(keepends=True),
                fromfile=f"{name} code cell {i} (committed)", tofile=f"{name} code cell {i} (this run)")))
    return diffs


def main() -> int:
    args = sys.argv[1:]
    write = "--write" in args
    args = [a for a in args if a != "--write"]
    here = pathlib.Path(__file__).resolve().parent
    books = [pathlib.Path(p) for p in args] or sorted(here.glob("*.ipynb"))
    failed = False
    with tempfile.TemporaryDirectory(prefix="liveformer_kernel_") as tmp:
        use_this_interpreter_as_kernel(pathlib.Path(tmp))
        for path in books:
            nb = nbformat.read(path, as_version=4)
            missing = [i for i, c in enumerate(code_cells(nb)) if not c.get("outputs")]
            if missing and not write:
                print(f"{path.name}: code cells {missing} have no stored outputs; "
                      f"run {pathlib.Path(__file__).name} --write and commit the notebook", file=sys.stderr)
                return 1
            committed = [cell_text(c) for c in code_cells(nb)]
            client = NotebookClient(nb, timeout=600, kernel_name=KERNEL, record_timing=False,
                                    resources={"metadata": {"path": str(path.parent)}})
            client.execute()
            errors = [o for c in code_cells(nb) for o in c.get("outputs", []) if o.get("output_type") == "error"]
            if errors:
                print(f"{path.name}: {errors[0]['ename']}: {errors[0]['evalue']}", file=sys.stderr)
                return 1
            print(f"{path.name}: {len(code_cells(nb))} code cells ran")
            diffs = output_differences(path.name, committed, [cell_text(c) for c in code_cells(nb)])
            for diff in diffs:
                print(diff if diff.endswith("\n") else diff + "\n", file=sys.stderr)
            if write:
                nbformat.write(nb, path)
                print(f"{path.name}: outputs written ({len(diffs)} code cells changed)")
            elif diffs:
                print(f"{path.name}: {len(diffs)} code cells print something other than their committed output "
                      f"(diffs above). If the change is intended, regenerate with "
                      f"{pathlib.Path(__file__).name} --write and commit the notebook with it", file=sys.stderr)
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
