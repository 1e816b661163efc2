"""The house's layers: import-linter's contracts (pyproject ``[tool.importlinter]``) hold, and
every package of the project sits in a layer."""

from __future__ import annotations

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
