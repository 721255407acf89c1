"""The type information installed with the package stays true: py.typed is
there, _core.pyi names exactly what the compiled module has, and every
public function of the Python layer is annotated (what editors complete)."""
import ast
import inspect
import pathlib

import liveformer
from liveformer import _core

PACKAGE = pathlib.Path(liveformer.__file__).parent


def public(names):
    return {n for n in names if not n.startswith("_") or n == "__version__"}


def stub_tree():
    return ast.parse((PACKAGE / "_core.pyi").read_text(encoding="utf-8"))


def stub_names(body):
    names = set()
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_the_package_is_typed():
    assert (PACKAGE / "py.typed").is_file()
    assert (PACKAGE / "_core.pyi").is_file()


def test_core_stub_names_what_the_module_has():
    tree = stub_tree()
    assert public(stub_names(tree.body)) == public(n for n in dir(_core) if not inspect.ismodule(getattr(_core, n)))
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    for name in ("Model", "Stream"):
        runtime = public(dir(getattr(_core, name))) - {"__version__"}
        assert public(stub_names(classes[name].body)) == runtime, name
        for dunder in stub_names(classes[name].body) - public(stub_names(classes[name].body)):
            assert hasattr(getattr(_core, name), dunder), f"{name}.{dunder}"


def test_public_api_is_annotated():
    assert set(liveformer.__all__) == public(n for n in dir(liveformer) if not inspect.ismodule(getattr(liveformer, n)))
    for name, member in inspect.getmembers(liveformer.Model):
        if name.startswith("_") and name not in ("__init__", "__enter__", "__exit__"):
            continue
        if isinstance(member, property):
            assert "return" in member.fget.__annotations__, name
        elif inspect.isfunction(member):
            signature = inspect.signature(member)
            assert signature.return_annotation is not inspect.Signature.empty, name
            for param in list(signature.parameters.values())[1:]:
                if param.kind not in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                    assert param.annotation is not inspect.Parameter.empty, f"{name}({param.name})"
