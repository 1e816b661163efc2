"""The house's layers: import-linter's contracts (pyproject ``[tool.importlinter]``) hold, and
every package of the project sits in a layer."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
CONTRACTS = PYPROJECT["tool"]["importlinter"]["contracts"]


def lint_imports(*args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("lint-imports")
    command = [str(script)] if script.exists() else [
        sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
        "sys.exit(lint_imports_command())"]
    return subprocess.run([*command, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_import_contracts_are_kept():
    run = lint_imports()
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    kept = [line for line in run.stdout.splitlines() if line.endswith(" KEPT")]
    assert len(kept) == len(CONTRACTS), run.stdout


def layer_modules() -> set[str]:
    (layers,) = [c for c in CONTRACTS if c["type"] == "layers"]
    return {name.strip() for layer in layers["layers"] for name in layer.split(":")}


def test_every_package_sits_in_a_layer():
    """A new sub-package of ``archive`` or ``pipelines`` must be given its layer."""
    in_layers = layer_modules()
    for top in ("archive", "pipelines"):
        for init in sorted((ROOT / top).glob("*/__init__.py")):
            assert f"{top}.{init.parent.name}" in in_layers, f"{top}/{init.parent.name}"
    for top in ("crawler", "sites"):
        assert top in in_layers


def test_a_broken_contract_is_seen(tmp_path):
    """The check can fail: a contract the code breaks (the crawler without Scrapy) is reported."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    bad = tmp_path / "pyproject.toml"
    bad.write_text(text + '\n[[tool.importlinter.contracts]]\nname = "no scrapy"\n'
                   'type = "forbidden"\nsource_modules = ["crawler"]\n'
                   'forbidden_modules = ["scrapy"]\n', encoding="utf-8")
    run = lint_imports("--config", str(bad))
    assert run.returncode != 0, run.stdout[-3000:]
    assert "no scrapy BROKEN" in run.stdout, run.stdout[-3000:]


PROJECT = ("archive", "crawler", "pipelines", "sites", "fixtureweb")


def project_files() -> list[Path]:
    return sorted(p for top in (*PROJECT, "bench", "tests") for p in (ROOT / top).rglob("*.py"))


def test_module_docstrings_are_short():
    """At most 15 lines: the longer explanations live in docs/ (docs/modules.md)."""
    long = {}
    for path in project_files():
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")), clean=False)
        if doc and doc.count("\n") + 1 > 15:
            long[str(path.relative_to(ROOT))] = doc.count("\n") + 1
    assert not long


def test_long_modules_say_why():
    """A module of the code (not a test) over 400 lines says why at its top."""
    unexplained = []
    for path in project_files():
        if path.parts[len(ROOT.parts)] == "tests":
            continue
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 400:
            doc = ast.get_docstring(ast.parse(text)) or ""
            if "Over 400 lines on purpose" not in doc:
                unexplained.append(str(path.relative_to(ROOT)))
    assert not unexplained


def test_no_import_hides_inside_a_function():
    """Project modules are imported at the top of a module (so a cycle cannot hide), except in
    the commands (archive/cli), which load their heavy modules when run, and where a comment
    ``# lazy: <why>`` right above says why the import waits."""
    hidden = []
    for path in project_files():
        rel = path.relative_to(ROOT)
        if rel.parts[0] in ("tests", "bench") or rel.parts[:2] == ("archive", "cli"):
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for inner in ast.walk(node):
                names = ([inner.module or ""] if isinstance(inner, ast.ImportFrom) else
                         [a.name for a in inner.names] if isinstance(inner, ast.Import) else [])
                if not any(n.split(".")[0] in PROJECT for n in names):
                    continue
                if not any(line.strip().startswith("# lazy: ") for line in
                           lines[max(0, inner.lineno - 4): inner.lineno - 1]):
                    hidden.append(f"{rel}:{inner.lineno}")
    assert not hidden
