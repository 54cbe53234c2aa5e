"""The package layout shows the data flow: every folder is in a layer, no module imports against
the flow (a back edge) and there is no import cycle, at module or at folder level. The graph is
read from the source by scripts/import_graph.py, the same tool a reviewer runs."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from conftest import ROOT


def _load_import_graph() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_graph", ROOT / "scripts" / "import_graph.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("import_graph", module)
    spec.loader.exec_module(module)
    return module


ig = _load_import_graph()
EDGES: dict[str, set[str]] = ig.graph()


def _collapsed(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for src, targets in edges.items():
        out.setdefault(ig._package_of(src) or src, set()).update(ig._package_of(t) or t for t in targets)
    return {k: v - {k} for k, v in out.items()}


def test_no_import_goes_against_the_flow() -> None:
    assert ig.back_edges(EDGES) == []


def test_no_import_cycle_between_modules_or_folders() -> None:
    assert ig.cycles(EDGES) == []
    assert ig.cycles(_collapsed(EDGES)) == []


def test_every_folder_and_root_module_is_in_a_layer() -> None:
    for name in EDGES:
        ig.layer_of(name)  # ValueError names the module that is in no layer


def test_the_root_holds_about_a_dozen_modules() -> None:
    assert len(ig.root_modules()) <= 13, ig.root_modules()


def test_the_checks_fail_on_a_tree_that_breaks_them(tmp_path: Path) -> None:
    """A planted package with a back edge (language -> lint), a cycle and a folder in no layer."""
    pkg = tmp_path / "privacy_dsl"
    for folder in ("language", "lint", "stray"):
        (pkg / folder).mkdir(parents=True)
        (pkg / folder / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "language" / "parser.py").write_text("from ..lint import engine\n")
    (pkg / "lint" / "engine.py").write_text("from ..language import parser\n")
    (pkg / "stray" / "x.py").write_text("")
    edges = ig.graph(pkg)
    assert ig.back_edges(edges) == [("privacy_dsl.language.parser", "privacy_dsl.lint.engine")]
    assert ig.cycles(edges) == [["privacy_dsl.language.parser", "privacy_dsl.lint.engine"]]
    try:
        ig.layer_of("privacy_dsl.stray.x")
    except ValueError as exc:
        assert "privacy_dsl.stray.x" in str(exc)
    else:
        raise AssertionError("a folder in no layer was accepted")
