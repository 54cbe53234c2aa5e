"""The package's import graph, read from the source (no import is executed).

    python scripts/import_graph.py            # edges, cycles, back edges, module sizes
    python scripts/import_graph.py --packages # the same, one node per top-level folder
    python scripts/import_graph.py --dot      # Graphviz, one node per module

The package is layered so that the folder names tell the data flow: text -> tokens -> model ->
resolved policy (``language``) -> findings (``lint``) -> outputs (``outputs``), with the questions
asked of a policy (``query``), other tools' formats (``interop``), the Python API and the command
line above. ``LAYERS`` lists them from the bottom; a module may import only from its own layer or
below. An import from a higher layer is a *back edge*.

Every ``import`` counts, also those inside functions and under ``TYPE_CHECKING``: a deferred import
is still a dependency, and the layering test (tests/test_layout.py) reads the same graph.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = "privacy_dsl"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path = ROOT) -> dict[str, Path]:
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def _resolve(current: str, is_package: bool, level: int, target: str | None) -> str:
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, *([target] if target else [])])


def imports_of(name: str, path: Path, known: set[str]) -> Iterator[str]:
    """The package modules that ``name`` imports (a ``from x import y`` of a submodule ``y`` counts
    as importing ``x.y``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE):
                    yield _longest_known(alias.name, known)
        elif isinstance(node, ast.ImportFrom):
            target = (_resolve(name, is_package, node.level, node.module) if node.level
                      else node.module or "")
            if not target.startswith(PACKAGE):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                yield sub if sub in known else _longest_known(target, known)


def _longest_known(dotted: str, known: set[str]) -> str:
    parts = dotted.split(".")
    while parts and ".".join(parts) not in known:
        parts.pop()
    return ".".join(parts) or PACKAGE


def graph(root: Path = ROOT) -> dict[str, set[str]]:
    mods = modules(root)
    known = set(mods)
    return {name: {t for t in imports_of(name, path, known) if t != name} for name, path in mods.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        component.append(top)
                        if top == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(edges.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


#: The layers, bottom first: each entry is the top-level folders or root modules of one layer. The
#: foundation (positions, versions, bounded reads, atomic writes, the codes' types, diagnostics and
#: the content cache, the list of the notice's message catalogues) imports nothing above it.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"records", "span", "version", "bounded", "atomic", "configfile", "codes", "diagnostics", "cache",
               "locale"}),
    frozenset({"language"}),
    frozenset({"lint"}),
    frozenset({"outputs"}),
    frozenset({"query"}),
    frozenset({"interop"}),
    frozenset({"api"}),
    frozenset({"cli"}),
    frozenset({"pytest_plugin", "__main__", ""}),
)


def layer_of(module: str) -> int:
    """The index in ``LAYERS`` of a module's top-level folder (or root module); ValueError if none."""
    top = _package_of(module) if module.count(".") else ""
    for i, layer in enumerate(LAYERS):
        if top in layer:
            return i
    raise ValueError(f"{module} is in no layer of scripts/import_graph.py's LAYERS")


def back_edges(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Imports from a module to one of a higher layer: against the flow."""
    return sorted((src, dst) for src, targets in edges.items() for dst in targets if layer_of(dst) > layer_of(src))


def root_modules(root: Path = ROOT) -> list[str]:
    """The ``.py`` files directly in the package folder."""
    return sorted(p.name for p in root.glob("*.py"))


def _package_of(module: str) -> str:
    """``privacy_dsl.language.parser`` -> ``language``; a root module is its own package."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dot", action="store_true", help="print Graphviz instead of text")
    ap.add_argument("--packages", action="store_true", help="collapse modules to their top-level folder")
    args = ap.parse_args(argv)
    edges = graph()
    if args.packages:
        collapsed: dict[str, set[str]] = {}
        for src, targets in edges.items():
            collapsed.setdefault(_package_of(src) or src, set()).update(
                _package_of(t) or t for t in targets)
        edges = {k: v - {k} for k, v in collapsed.items()}
    if args.dot:
        print("digraph imports {")
        for src in sorted(edges):
            for dst in sorted(edges[src]):
                print(f'  "{src}" -> "{dst}";')
        print("}")
        return 0
    for src in sorted(edges):
        print(f"{src} -> {', '.join(sorted(edges[src])) or '-'}")
    found = cycles(edges)
    print(f"\n{len(found)} cycle(s)")
    for component in found:
        print("  " + " <-> ".join(component))
    if not args.packages:
        against = back_edges(edges)
        print(f"\n{len(against)} back edge(s)")
        for src, dst in against:
            print(f"  {src} -> {dst}")
    sizes = sorted(((sum(1 for _ in p.open(encoding="utf-8")), n) for n, p in modules().items()), reverse=True)
    print(f"\n{len(sizes)} modules; .py files at the root: {len(root_modules())}; largest:")
    for lines, name in sizes[:10]:
        print(f"  {lines:5d}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
