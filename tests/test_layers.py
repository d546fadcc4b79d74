"""The import contract: each layer imports only from itself and the layers below it, with no cycles.

Layers, lowest first: models < board < infra < views < exports < services < (cli, pages, app).
Every import counts, at module level or inside a function, so a late import cannot hide an
upward dependency or a cycle. Modules are wired by ``import`` statements only (no importlib).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"models": 0, "board": 1, "infra": 2, "views": 3, "exports": 4, "services": 5, "cli": 6, "pages": 6, "app": 6}
# The entry point ``python -m board`` must live in the board package, but it only starts the CLI.
ALLOWED = {("board.__main__", "cli.main")}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def app_modules() -> dict[str, Path]:
    files = [ROOT / "app.py"]
    for package in LAYERS:
        if (ROOT / package).is_dir():
            files += sorted((ROOT / package).rglob("*.py"))
    return {module_name(path): path for path in files}


def _absolute(importer: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = importer.split(".") if path.name == "__init__.py" else importer.split(".")[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The app module ``name`` refers to (a module, or the package that holds it), if any."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(name, path, node)
            # ``from package import module`` imports the module; ``from module import name`` the module.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        found |= {target for t in targets if (target := _resolve(t, modules)) and target != name}
    return found


def layer(module: str) -> int:
    return LAYERS[module.split(".")[0]]


def graph() -> dict[str, set[str]]:
    modules = app_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components with more than one module are import cycles."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def test_no_module_imports_from_a_higher_layer():
    upward = {
        (importer, imported)
        for importer, targets in graph().items()
        for imported in targets
        if layer(imported) > layer(importer)
    }
    assert upward - ALLOWED == set()


def test_no_import_cycles():
    assert [c for c in strongly_connected(graph()) if len(c) > 1] == []


def test_modules_are_wired_by_import_statements_only():
    users = []
    for name, path in app_modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            named = isinstance(node, ast.Name) and node.id == "__import__"
            imported = isinstance(node, ast.Import) and any(a.name.split(".")[0] == "importlib" for a in node.names)
            imported |= isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "importlib"
            if named or imported:
                users.append(f"{name}:{node.lineno}")
    assert users == []


def test_the_checks_see_what_they_claim():
    """A cycle and an upward import are found in a made-up graph, so the checks above can fail."""
    edges = {"board.a": {"board.b"}, "board.b": {"board.a", "models.x"}, "models.x": set(), "cli.c": {"board.a"}}
    assert [c for c in strongly_connected(edges) if len(c) > 1] == [["board.a", "board.b"]]
    modules = app_modules()
    assert "cli.main" in imports_of("board.__main__", modules["board.__main__"], modules)
    assert {"cli.common", "cli.zh"} <= graph()["cli.main"]
    assert layer("pages.staff.login") > layer("services.policy") > layer("models")
