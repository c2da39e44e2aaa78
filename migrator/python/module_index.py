"""The Python modules of a scanned tree, by import name, and value resolution across them.

`ProjectIndex` names every Python file the way `import` would (packages are found through their
`__init__.py`; a folder without one is a namespace package named from the scanned root), parses a
module only when a resolution needs it, and hands out one `ProjectResolver` per module.

`ProjectResolver` is the per-file `Resolver` plus what lies outside the file: names bound by
`from .config import BASE as B` / `import settings` / `from pkg import config` (relative and
absolute, `as` aliases, re-exports through `__init__.py`, `from m import *`), attributes of
imported modules (`settings.VISMA_URL`, `pkg.config.BASE`), attributes of module-level settings
objects (`settings = Settings()`), and class attributes and properties inherited from classes in
other modules. A node it brings in from another module is registered in `ProjectIndex.origins`,
so the URL flow analysis reads that literal from its own file and edits it there; resolutions
made in another module are delegated to that module's resolver and get project-wide keys
(`export:<module>:<name>`), so a definition is identified the same way in every file.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Callable
from pathlib import Path

from migrator.python.resolve import Resolution, Resolver, all_nodes, dotted_name
from migrator.python.urlflow import LineIndex, Origin

MAX_DEPTH = 8  # re-export and inheritance chains followed before giving up


@dataclasses.dataclass
class ModuleInfo:
    name: str
    path: Path
    display: str
    is_package: bool
    text: str = ""
    tree: ast.Module | None = None
    index: LineIndex | None = None
    resolver: ProjectResolver | None = None


def module_names(path: Path, roots: list[Path]) -> list[str]:
    """Import names of a Python file: through its packages' `__init__.py`, and relative to a root."""
    names: list[str] = []
    stem = [] if path.stem == "__init__" else [path.stem]
    packages: list[str] = []
    folder = path.parent
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        packages.insert(0, folder.name)
        folder = folder.parent
    if packages or stem:
        names.append(".".join(packages + stem))
    resolved = path.resolve()
    for root in roots:
        base = root.resolve() if root.is_dir() else root.resolve().parent
        try:
            rel = resolved.relative_to(base)
        except ValueError:
            continue
        parts = list(rel.parts[:-1]) + stem
        if parts and all(p.isidentifier() for p in parts):
            dotted = ".".join(parts)
            if dotted not in names:
                names.append(dotted)
    return names


class ProjectIndex:
    """Every Python module of the run by import name; parsed lazily, one resolver each."""

    def __init__(self, files: list[tuple[Path, str]], roots: list[Path], read: Callable[[str, Path], str | None]) -> None:
        self._read = read
        self.by_name: dict[str, tuple[Path, str]] = {}
        self.by_display: dict[str, ModuleInfo] = {}
        self.origins: dict[int, Origin] = {}  # id(node) -> the other module it belongs to
        self.owner: dict[int, ModuleInfo] = {}
        self._parsed: dict[str, ModuleInfo | None] = {}
        self._names_of: dict[str, list[str]] = {}
        for path, display in files:
            if path.suffix not in (".py", ".pyi"):
                continue
            names = module_names(path, roots)
            self._names_of[display] = names
            for name in names:
                # A .py beside a .pyi of the same name: the .py holds the values.
                if name not in self.by_name or path.suffix == ".py":
                    self.by_name[name] = (path, display)

    def module(self, name: str) -> ModuleInfo | None:
        if name not in self.by_name:
            return None
        path, display = self.by_name[name]
        return self.load(path, display)

    def load(self, path: Path, display: str) -> ModuleInfo | None:
        """The parsed module of one file (None if it cannot be read or parsed)."""
        if display in self._parsed:
            return self._parsed[display]
        self._parsed[display] = None
        text = self._read(display, path)
        if text is None:
            return None
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError):
            return None
        names = self._names_of.get(display) or [path.stem]
        info = ModuleInfo(names[0], path, display, path.stem == "__init__", text, tree, LineIndex(text))
        info.resolver = ProjectResolver(tree, info, self)
        self._parsed[display] = info
        self.by_display[display] = info
        return info

    def register(self, module: ModuleInfo, expr: ast.AST) -> None:
        """Mark `expr` and everything below it as belonging to `module`."""
        assert module.index is not None
        origin = Origin(module.display, module.text, module.index)
        for node in all_nodes(expr, {}):
            self.origins[id(node)] = origin
            self.owner[id(node)] = module

    # -- lookups across modules -----------------------------------------------------------------
    def split(self, qualified: str) -> tuple[ModuleInfo, list[str]] | None:
        """The longest module prefix of a dotted name, and the attribute path after it."""
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = self.module(".".join(parts[:cut]))
            if module is not None:
                return module, parts[cut:]
        return None

    def lookup(self, qualified: str, depth: int = 0) -> tuple[Resolution, ModuleInfo] | None:
        """What a dotted name (`pkg.config.BASE`, `pkg.config.settings.url`) stands for."""
        if depth > MAX_DEPTH:
            return None
        found = self.split(qualified)
        if found is None:
            return None
        module, rest = found
        resolver = module.resolver
        assert resolver is not None
        first = rest[0]
        values = resolver.module_bindings.get(first, [])
        if len(values) == 1 and values[0] is None and first in resolver.targets:  # re-export
            return self.lookup(".".join([resolver.targets[first], *rest[1:]]), depth + 1)
        if not values and resolver.star_imports:
            for star in resolver.star_imports:
                hit = self.lookup(".".join([star, *rest]), depth + 1)
                if hit is not None:
                    return hit
            return None
        if first in resolver.classes and len(values) == 1 and len(rest) == 2:
            return self.class_attribute((module, first), rest[1], depth + 1)
        if len(values) != 1 or values[0] is None:
            return None
        expr = values[0]
        if len(rest) == 1:
            self.register(module, expr)
            line = getattr(expr, "lineno", 0)
            return Resolution(expr, f"export:{module.name}:{first}", f"{first} ({module.display}:{line})", "proved"), module
        if len(rest) == 2 and isinstance(expr, ast.Call):  # settings = Settings(); settings.url
            owner = resolver.class_of(expr.func, depth + 1)
            if owner is not None:
                return self.class_attribute(owner, rest[1], depth + 1)
        return None

    def find_class(self, module: ModuleInfo, name: str, depth: int = 0) -> tuple[ModuleInfo, str] | None:
        resolver = module.resolver
        assert resolver is not None
        if name in resolver.classes:
            return module, name
        return resolver.class_of(ast.Name(id=name, ctx=ast.Load()), depth + 1)

    def class_chain(self, start: tuple[ModuleInfo, str], depth: int = 0) -> list[tuple[ModuleInfo, str]]:
        """The class and its bases, depth first as Python's MRO does for single inheritance."""
        chain: list[tuple[ModuleInfo, str]] = []
        todo = [start]
        while todo and len(chain) < 32:
            module, name = todo.pop(0)
            if any(m is module and n == name for m, n in chain):
                continue
            chain.append((module, name))
            resolver = module.resolver
            assert resolver is not None
            info = resolver.classes.get(name)
            if info is None:
                continue
            bases: list[tuple[ModuleInfo, str]] = []
            for base in info.node.bases:
                owner = resolver.class_of(base, depth + 1)
                if owner is not None:
                    bases.append(owner)
            todo = bases + todo
        return chain

    def qualified_bases(self, start: tuple[ModuleInfo, str]) -> set[str]:
        """Qualified names of every base class in the chain, including ones outside the tree."""
        out: set[str] = set()
        for module, name in self.class_chain(start):
            resolver = module.resolver
            assert resolver is not None
            info = resolver.classes.get(name)
            if info is None:
                continue
            for base in info.node.bases:
                dotted = dotted_name(base)
                if dotted:
                    out.add(resolver.qualified(dotted))
        return out

    def class_attribute(self, start: tuple[ModuleInfo, str], attr: str, depth: int = 0) -> tuple[Resolution, ModuleInfo] | None:
        """A class attribute or property as seen from class `start` (inherited across modules)."""
        for module, name in self.class_chain(start, depth):
            resolver = module.resolver
            assert resolver is not None
            info = resolver.classes.get(name)
            if info is None:
                continue
            if attr in info.props:
                expr = info.props[attr]
                kind = "property"
            elif attr in info.attrs:
                values = info.attrs[attr]
                expr = values[0] if len(values) == 1 else None
                kind = "attribute"
            else:
                continue
            if expr is None:
                return None
            self.register(module, expr)
            proof = "inferred" if resolver._overridden_below(name, attr) else "proved"
            resolution = Resolution(
                expr, f"export:{module.name}:{name}.{attr}", f"{name}.{attr} ({kind}, {module.display}:{expr.lineno})", proof
            )
            return resolution, module
        return None


class ProjectResolver(Resolver):
    """`Resolver` for one module of a project: follows imports and inheritance into other modules."""

    def __init__(self, tree: ast.Module, module: ModuleInfo, project: ProjectIndex) -> None:
        self.module = module
        self.project = project
        self.star_imports: list[str] = []
        # class name in this module -> (module, class) whose attributes `self` has (instantiation)
        self.receivers: dict[str, tuple[ModuleInfo, str]] = {}
        self.receiver_nodes: dict[int, tuple[ModuleInfo, str]] = {}  # synthetic `self.x` nodes
        self.targets: dict[str, str] = {}  # imported name -> absolute dotted target
        super().__init__(tree)
        for node in self.nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    self.targets[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom):
                source = self.absolute("." * node.level + (node.module or ""))
                for alias in node.names:
                    if alias.name == "*":
                        self.star_imports.append(source)
                    else:
                        self.targets[alias.asname or alias.name] = f"{source}.{alias.name}" if source else alias.name

    def qualified(self, dotted: str) -> str:
        """`dotted` with its first name replaced by the absolute import it stands for."""
        head, _, rest = dotted.partition(".")
        if head in self.targets:
            return self.targets[head] + ("." + rest if rest else "")
        return dotted

    def absolute(self, dotted: str) -> str:
        """An import target with leading dots made absolute against this module's package."""
        level = len(dotted) - len(dotted.lstrip("."))
        if not level:
            return dotted
        package = self.module.name.split(".")
        if not self.module.is_package:
            package = package[:-1]
        if level > 1:
            package = package[: len(package) - (level - 1)]
        rest = dotted[level:]
        return ".".join(package + ([rest] if rest else []))

    def class_of(self, node: ast.expr, depth: int = 0) -> tuple[ModuleInfo, str] | None:
        """The project class a base-class or constructor expression names, if it is in the tree."""
        if depth > MAX_DEPTH:
            return None
        dotted = dotted_name(node)
        if not dotted:
            return None
        if dotted in self.classes:
            return self.module, dotted
        qualified = self.qualified(dotted)
        if qualified == dotted and "." not in dotted:
            return None
        found = self.project.split(qualified)
        if found is None:
            return None
        module, rest = found
        resolver = module.resolver
        assert resolver is not None
        if len(rest) != 1:
            return None
        name = rest[0]
        if name in resolver.classes:
            return module, name
        values = resolver.module_bindings.get(name, [])
        if len(values) == 1 and values[0] is None and name in resolver.targets:
            return resolver.class_of(ast.Name(id=name, ctx=ast.Load()), depth + 1)
        return None

    # -- resolution -----------------------------------------------------------------------------
    def resolve(self, node: ast.expr) -> Resolution | None:
        owner = self.project.owner.get(id(node))
        if owner is not None and owner is not self.module and owner.resolver is not None:
            return _exported(owner.resolver.resolve(node), owner)
        if isinstance(node, ast.Attribute):
            found = self._receiver_attribute(node)
            if found is not None:
                return found
        resolved = super().resolve(node)
        if resolved is not None:
            return resolved
        if isinstance(node, ast.Name) and self._imported_here(node):
            hit = self.project.lookup(self.qualified(node.id))
            return _exported(hit[0], hit[1], keep=True) if hit else None
        if isinstance(node, ast.Attribute):
            return self._project_attribute(node)
        return None

    def _imported_here(self, node: ast.Name) -> bool:
        """`node` is a module-level name bound only by an import (not shadowed in a function)."""
        if node.id not in self.targets:
            return False
        values = self.module_bindings.get(node.id, [])
        if len(values) != 1 or values[0] is not None:
            return False
        function, _ = self.enclosing(node)
        while function is not None:
            if node.id in self._local_bindings(function) or any(a.arg == node.id for a in function.args.args):
                return False
            function = self.enclosing(function)[0]
        return True

    def _receiver_attribute(self, node: ast.Attribute) -> Resolution | None:
        if not isinstance(node.value, ast.Name):
            return None
        start = self.receiver_nodes.get(id(node))
        if start is None and self.receivers:
            function, cls = self.enclosing(node)
            if (
                cls is not None and cls.name in self.receivers and function is not None and function.args.args
                and function.args.args[0].arg == node.value.id
            ):
                start = self.receivers[cls.name]
        if start is None:
            return None
        hit = self.project.class_attribute(start, node.attr)
        return _exported(hit[0], hit[1], keep=True, local=self.module) if hit else None

    def _project_attribute(self, node: ast.Attribute) -> Resolution | None:
        dotted = dotted_name(node)
        if not dotted or not isinstance(node.value, (ast.Name, ast.Attribute)):
            return None
        head = dotted.split(".")[0]
        values = self.module_bindings.get(head, [])
        function, cls = self.enclosing(node)
        if head in self.targets and len(values) == 1 and values[0] is None:
            hit = self.project.lookup(self.qualified(dotted))
            return _exported(hit[0], hit[1], keep=True, local=self.module) if hit else None
        if isinstance(node.value, ast.Name):
            start: tuple[ModuleInfo, str] | None = None
            if head in self.classes:
                start = (self.module, head)
            elif cls is not None and function is not None and function.args.args and function.args.args[0].arg == head:
                start = (self.module, cls.name)  # inherited from a class in another module
            elif len(values) == 1 and isinstance(values[0], ast.Call):  # settings = Settings()
                start = self.class_of(values[0].func)
            if start is not None:
                hit = self.project.class_attribute(start, node.attr)
                return _exported(hit[0], hit[1], keep=True, local=self.module) if hit else None
        return None

    def reference_sites(self, key: str) -> int:
        """Loads in this file that may stand for `key`; for `export:` keys, resolved one by one."""
        if not key.startswith("export:"):
            return super().reference_sites(key)
        attr = key.rsplit(":", 1)[-1].rsplit(".", 1)[-1]
        count = 0
        for node in self.nodes:
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in self.targets:
                resolved = self.resolve(node)
                count += resolved is not None and resolved.key == key
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) and node.attr == attr:
                owner = node.value
                outside = isinstance(owner, ast.Name) and self._imported_here(owner)
                if outside and self.project.split(self.qualified(dotted_name(node))) is None:
                    continue  # an attribute of a module outside the tree
                resolved = self.resolve(node)
                count += resolved is None or resolved.key == key
        return count


def _exported(
    resolution: Resolution | None, module: ModuleInfo, keep: bool = False, local: ModuleInfo | None = None
) -> Resolution | None:
    """A resolution made in `module`, keyed so every file names the definition the same way."""
    if resolution is None:
        return None
    key = resolution.key
    if local is not None and module is local and key.startswith("export:"):
        # A definition of this very module (an inherited attribute found from here): local key.
        key = "class:" + key.split(":", 2)[2] if "." in key.split(":", 2)[2] else "module:" + key.split(":", 2)[2]
        return dataclasses.replace(resolution, key=key)
    if keep or key.startswith("export:"):
        return resolution
    kind, _, name = key.partition(":")
    label = resolution.label if module.display in resolution.label else f"{resolution.label} in {module.display}"
    if kind in ("module", "class"):
        return dataclasses.replace(resolution, key=f"export:{module.name}:{name}", label=label)
    return dataclasses.replace(resolution, key=f"{kind}:{module.name}:{name}", label=label)
