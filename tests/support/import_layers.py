"""An import-linter contract for layers that cut across packages: `lint-imports` checks RunBase with it.

import-linter's own `layers` contract takes whole packages, but RunBase's layers do not follow package
lines: every app keeps Django's `admin.py` and `management/commands/` (presentation and entry points,
on top) beside its services, and a few low-level modules (the records contract, locks, the raw store)
live inside `ingest`. So a layer here is a list of module patterns, highest layer first:

- `ingest.records` names one module; `review.**` a package and everything in it; `*.admin` the
  `admin` module of any top-level package.
- A module belongs to the layer of its most specific pattern: the most literal (non-wildcard) parts
  wins, and on a tie the higher layer. So `ingest.records` is low-level although `ingest.**` is a
  service layer, and `ingest.admin` is presentation.
- An import may point down or stay in its layer; one that points up is a violation, unless listed in
  `ignore_imports` (`importer -> imported`, exact module names: each one is a documented exception).
- Every module of the root packages must belong to a layer, and no two modules may import each
  other, directly or through others (an import cycle): both are violations too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output


@dataclass(frozen=True)
class _Pattern:
    text: str
    layer: int
    regex: re.Pattern

    @property
    def literal_parts(self) -> int:
        return sum(part not in ("*", "**") for part in self.text.split("."))


def _compile(text: str, layer: int) -> _Pattern:
    """`*` is one name, `**` any number of names (none included): `review.**` is review and below."""
    regex = ""
    for position, part in enumerate(text.split(".")):
        dot = r"\." if position else ""
        if part == "**":
            regex += rf"(?:{dot}[^.]+)*"
        elif part == "*":
            regex += dot + r"[^.]+"
        else:
            regex += dot + re.escape(part)
    return _Pattern(text=text, layer=layer, regex=re.compile(rf"^{regex}$"))


class PatternLayersContract(Contract):
    """Layers given as module patterns; see the module docstring."""

    layers = fields.ListField(subfield=fields.StringField())
    ignore_imports = fields.ListField(subfield=fields.StringField(), required=False)

    def _patterns(self) -> list[_Pattern]:
        return [
            _compile(text, index)
            for index, layer in enumerate(self.layers)
            for text in re.split(r"[\s,]+", layer.strip())
            if text
        ]

    def layer_of(self, module: str) -> int | None:
        matches = [p for p in self._patterns() if p.regex.match(module)]
        if not matches:
            return None
        best = max(matches, key=lambda p: (p.literal_parts, -p.layer))
        return best.layer

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        roots = tuple(self.session_options.get("root_packages") or [self.session_options["root_package"]])
        modules = sorted(m for m in graph.modules if m.split(".")[0] in roots)
        layer = {m: self.layer_of(m) for m in modules}
        ignored = {tuple(s.strip() for s in line.split("->")) for line in (self.ignore_imports or [])}
        unplaced = [m for m in modules if layer[m] is None]
        upward, used_ignores = [], set()
        for importer in modules:
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if imported not in layer or layer[importer] is None or layer[imported] is None:
                    continue
                if layer[imported] < layer[importer]:
                    if (importer, imported) in ignored:
                        used_ignores.add((importer, imported))
                        continue
                    upward.append((importer, imported))
        cycles = _cycles({m: set(graph.find_modules_directly_imported_by(m)) & set(modules) for m in modules})
        unused = sorted(ignored - used_ignores)
        kept = not (unplaced or upward or cycles or unused)
        return ContractCheck(
            kept=kept,
            metadata={"unplaced": unplaced, "upward": upward, "cycles": cycles, "unused": unused},
            ignored_import_count=len(used_ignores),
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        for module in check.metadata["unplaced"]:
            output.print_error(f"{module} is in no layer: add a pattern for it.")
            output.new_line()
        for importer, imported in check.metadata["upward"]:
            output.print_error(
                f"{importer} (layer {self.layer_of(importer) + 1}) imports {imported} "
                f"(layer {self.layer_of(imported) + 1}), a layer above it."
            )
            output.new_line()
        for cycle in check.metadata["cycles"]:
            output.print_error(f"Import cycle: {' -> '.join([*cycle, cycle[0]])}")
            output.new_line()
        for importer, imported in check.metadata["unused"]:
            output.print_error(f"ignore_imports lists {importer} -> {imported}, which no longer happens.")
            output.new_line()


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
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
                if len(component) > 1:
                    found.append(sorted(component))
    return found
