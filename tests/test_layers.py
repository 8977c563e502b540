"""The layers import in one direction only, read from the source with `ast` (imports inside
functions included: a late import is still a dependency)."""
from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "bot"

# Each layer and the layers it must never import.
FORBIDDEN = {
    "core": {"services", "features", "channels", "delivery", "app", "web"},
    "retrieval": {"core", "services", "features", "channels", "delivery", "app", "web"},
    "db": {"services", "features", "channels", "delivery", "app", "retrieval", "web"},
    "ingestion": {"core", "services", "features", "channels", "delivery", "app", "web"},
    "facts": {"core", "services", "features", "channels", "delivery", "app", "web"},
    "services": {"features", "channels", "app", "web"},  # and of the core only its clock: see below
    "delivery": {"services", "features", "channels", "app", "web"},
    "features": {"channels", "app", "web"},
    "channels": {"features", "web"},
    # The dashboard is the secretariat's channel: it calls the services, as the chat and the
    # command line do, never the chat's features.
    "web": {"features", "channels", "delivery"},
}


def layer(module: str) -> str:
    """"bot.core.access" -> "core"; "bot.app" -> "app"."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(ROOT).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts.pop()
        yield ".".join(parts), path


def imports(module: str, path: Path) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(imported module, names taken from it) for every import of a `bot` module."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("bot."):
                    yield alias.name, ()
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            if base == "bot":  # "from bot import app": each name is a module
                for alias in node.names:
                    yield f"bot.{alias.name}", ()
            elif base.startswith("bot."):
                yield base, tuple(a.name for a in node.names)


GRAPH = {module: sorted({target for target, _ in imports(module, path)}) for module, path in modules()}


def test_every_module_is_in_a_layer() -> None:
    known = set(FORBIDDEN) | {"app", "config", "__main__", "ingestion", "facts"}
    assert {layer(m) for m in GRAPH if m != "bot"} <= known


@pytest.mark.parametrize("source", sorted(FORBIDDEN))
def test_layers_import_in_the_allowed_direction(source: str) -> None:
    wrong = [f"{module} imports {target}" for module, targets in GRAPH.items() if layer(module) == source
             for target in targets if layer(target) in FORBIDDEN[source]]
    assert not wrong, "\n".join(wrong)


def test_services_know_no_chat() -> None:
    """Services are what the chat, the command line and the web call: of the core they may
    use Vietnam time, nothing of messages, replies, access or the router."""
    wrong = [f"{module} imports {target}" for module, targets in GRAPH.items() if layer(module) == "services"
             for target in targets if layer(target) == "core" and target != "bot.core.clock"]
    assert not wrong, "\n".join(wrong)


def test_no_import_cycle() -> None:
    """Module-level cycles, counting late imports too: none."""
    state: dict[str, int] = {}  # 1 = on the path, 2 = done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in GRAPH.get(module, []):
            target = target if target in GRAPH else target.rpartition(".")[0]  # "bot.x.name" → "bot.x"
            if target not in GRAPH or target == module:
                continue
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if state.get(target) is None and (cycle := visit(target)):
                return cycle
        path.pop()
        state[module] = 2
        return None

    for module in GRAPH:
        if module not in state and (cycle := visit(module)):
            pytest.fail("import cycle: " + " -> ".join(cycle))


def _dotted(node: ast.expr) -> str:
    """"self.core.people" for that expression; "" for anything but names and attributes."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    return ".".join([node.id, *reversed(parts)])


def engines_reached(source: str, name: str) -> list[str]:
    """`<…>.people.engine` and `core.<…>.engine` read in this source: a store's engine reached
    through the people store or the core, to build something of one's own over it."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "engine":
            owner = _dotted(node.value).split(".")
            if owner[-1] == "people" or "core" in owner:
                found.append((node.lineno, node.col_offset, f"{name}:{node.lineno} reads {'.'.join(owner)}.engine"))
    return [line for *_, line in sorted(found)]


def test_features_reach_no_engine_through_the_core() -> None:
    """What a feature uses (the outbox, the register, the reminder plan…) is built once in the
    composition root (`bot/app.py`) and passed in: no feature builds its own over
    `core.people.engine`."""
    wrong = [line for module, path in modules() if layer(module) == "features"
             for line in engines_reached(path.read_text(encoding="utf-8"), module)]
    assert not wrong, "\n".join(wrong)


def test_the_engine_check_sees_each_way_in() -> None:
    source = ("def f(self, core, people):\n"
              "    return (self.core.people.engine, core.people.engine, people.engine,\n"
              "            self.core.tasks.engine, self.outbox.engine, self.engine)\n")
    assert [line.split(" reads ")[1] for line in engines_reached(source, "x")] == [
        "self.core.people.engine", "core.people.engine", "people.engine", "self.core.tasks.engine"]
