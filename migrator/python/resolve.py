"""Within-file value resolution: which string expression a name, attribute or lookup stands for.

Handles module constants, class attributes (`self.x`, `cls.x`, `Class.x`), `self.x = ...` set once
in a method, properties that return one expression, function parameter defaults, dict literals
used as config (`CONFIG["base"]`, `CONFIG.get("base")`), and `os.getenv` / `os.environ.get`
defaults. A name bound more than once is not resolved: the engine never guesses a value.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class Resolution:
    expr: ast.expr  # the expression the reference stands for
    key: str  # identity of the definition, e.g. "module:BASE", "class:Client.base"
    label: str  # what a person reads, e.g. "BASE (line 3)"
    proof: str  # "proved" or "inferred"
    env: str | None = None  # environment variable that may override the value


@dataclass
class ClassInfo:
    node: ast.ClassDef
    attrs: dict[str, list[ast.expr | None]] = field(default_factory=dict)  # None: bound, value unknown
    props: dict[str, ast.expr | None] = field(default_factory=dict)
    bases: list[str] = field(default_factory=list)


class Resolver:
    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.parents: dict[ast.AST, ast.AST] = {}
        self.imports: dict[str, str] = {}
        self.module_bindings: dict[str, list[ast.expr | None]] = {}
        self.classes: dict[str, ClassInfo] = {}
        self.function_calls: dict[str, list[ast.Call]] = {}
        self.subscript_stores: set[str] = set()
        self.name_loads: dict[str, int] = {}
        self.attribute_loads: dict[str, list[ast.Attribute]] = {}
        self._local_cache: dict[int, dict[str, list[ast.expr | None]]] = {}
        self._store_cache: dict[int, dict[str, int]] = {}
        self._subclasses: dict[str, list[ClassInfo]] | None = None
        self._overridden_cache: dict[tuple[str, str], bool] = {}
        self._attribute_keys: dict[str, dict[str | None, int]] = {}
        self._scan()

    # -- indexing ------------------------------------------------------------------------------
    def inside(self, function: ast.AST) -> list[ast.AST]:
        """Every node below `function`, nested functions included (from the one pass in `_scan`)."""
        found = list(self._owned.get(id(function), ()))
        for nested in self._nested.get(id(function), ()):
            found.append(nested)
            found.extend(self.inside(nested))
        return found

    def children(self, node: ast.AST) -> list[ast.AST]:
        """`children(node)`, from the one pass in `_scan` when `node` is in this tree (an id
        found here is that node: every node of the tree is alive in `self.nodes`)."""
        span = self._kids.get(id(node))
        if span is None:
            return children(node)
        return self.nodes[span[0] : span[1]]

    def _scan(self) -> None:
        self._owned: dict[int, list[ast.AST]] = {}
        self._nested: dict[int, list[ast.AST]] = {}
        self._kids: dict[int, tuple[int, int]] = {}
        self.nodes = all_nodes(self.tree, self.parents, self._owned, self._nested, self._kids)
        for stmt in self.tree.body:
            self._bind_statement(stmt, self.module_bindings)
        # ast node classes are never subclassed: comparing types is exact, and cheaper than a
        # chain of isinstance checks over every node of the tree
        Name, Attribute, Call, Load = ast.Name, ast.Attribute, ast.Call, ast.Load
        name_loads, attribute_loads, function_calls = self.name_loads, self.attribute_loads, self.function_calls
        for node in self.nodes:
            kind = type(node)
            if kind is Name:
                if type(node.ctx) is Load:  # type: ignore[attr-defined]
                    name_loads[node.id] = name_loads.get(node.id, 0) + 1  # type: ignore[attr-defined]
            elif kind is Attribute:
                if type(node.ctx) is Load:  # type: ignore[attr-defined]
                    attribute_loads.setdefault(node.attr, []).append(node)  # type: ignore[attr-defined, arg-type]
            elif kind is Call:
                if type(node.func) is Name:  # type: ignore[attr-defined]
                    function_calls.setdefault(node.func.id, []).append(node)  # type: ignore[attr-defined, arg-type]
            elif kind in _SCANNED:
                self._scan_statement(node)

    def _scan_statement(self, node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self.imports[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            for alias in node.names:
                self.imports[alias.asname or alias.name] = f"{module}.{alias.name}"
        elif isinstance(node, ast.ClassDef):
            self._index_class(node)
        elif isinstance(node, ast.Subscript):
            if isinstance(node.ctx, ast.Store) and isinstance(node.value, ast.Name):
                self.subscript_stores.add(node.value.id)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                self.module_bindings.setdefault(name, []).append(None)
        # names stored anywhere but module level also count as rebindings when declared global
        # above; plain function-local stores are scope-local and handled in `_local_bindings`.

    @staticmethod
    def _bind_statement(stmt: ast.stmt, table: dict[str, list[ast.expr | None]]) -> None:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                for name_node in _target_names(target):
                    value = stmt.value if isinstance(target, ast.Name) and len(stmt.targets) == 1 else None
                    table.setdefault(name_node, []).append(value)
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            table.setdefault(stmt.target.id, []).append(stmt.value)
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
            table.setdefault(stmt.target.id, []).append(None)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            table.setdefault(stmt.name, []).append(None)
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.With, ast.AsyncWith)):
            targets = [stmt.target] if isinstance(stmt, (ast.For, ast.AsyncFor)) else [
                item.optional_vars for item in stmt.items if item.optional_vars is not None
            ]
            for target in targets:
                for name in _target_names(target):
                    table.setdefault(name, []).append(None)
            for inner in stmt.body + getattr(stmt, "orelse", []):
                Resolver._bind_statement(inner, table)
        elif isinstance(stmt, (ast.If, ast.While, ast.Try)):
            blocks = [stmt.body, stmt.orelse]
            if isinstance(stmt, ast.Try):
                blocks += [stmt.finalbody] + [h.body for h in stmt.handlers]
            for block in blocks:
                for inner in block:
                    Resolver._bind_statement(inner, table)
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for alias in stmt.names:
                table.setdefault(alias.asname or alias.name.split(".")[0], []).append(None)

    def _index_class(self, node: ast.ClassDef) -> None:
        info = ClassInfo(node, bases=[b.id for b in node.bases if isinstance(b, ast.Name)])
        for stmt in node.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                info.attrs.setdefault(stmt.targets[0].id, []).append(stmt.value)
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value:
                info.attrs.setdefault(stmt.target.id, []).append(stmt.value)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                decorators = {_dotted(d) for d in stmt.decorator_list}
                if "property" in decorators or "functools.cached_property" in decorators or "cached_property" in decorators:
                    returns = [n for n in self.inside(stmt) if isinstance(n, ast.Return)]
                    info.props[stmt.name] = returns[0].value if len(returns) == 1 else None
                else:
                    info.attrs.setdefault(stmt.name, []).append(None)
                # self.x = value inside methods
                if stmt.args.args:
                    self_name = stmt.args.args[0].arg
                    for inner in self.inside(stmt):
                        targets: list[ast.expr] = []
                        value: ast.expr | None = None
                        if isinstance(inner, ast.Assign):
                            targets, value = inner.targets, inner.value
                            if len(targets) > 1:
                                value = None
                        elif isinstance(inner, (ast.AnnAssign, ast.AugAssign)):
                            targets = [inner.target]
                            value = inner.value if isinstance(inner, ast.AnnAssign) else None
                        for target in targets:
                            if (
                                isinstance(target, ast.Attribute)
                                and isinstance(target.value, ast.Name)
                                and target.value.id == self_name
                            ):
                                info.attrs.setdefault(target.attr, []).append(value)
        self.classes[node.name] = info

    # -- scopes --------------------------------------------------------------------------------
    def enclosing(self, node: ast.AST) -> tuple[FunctionNode | None, ast.ClassDef | None]:
        function: FunctionNode | None = None
        cur = self.parents.get(node)
        while cur is not None:
            if isinstance(cur, (ast.FunctionDef, ast.AsyncFunctionDef)) and function is None:
                function = cur
            elif isinstance(cur, ast.ClassDef):
                return function, cur
            cur = self.parents.get(cur)
        return function, None

    def _local_bindings(self, function: FunctionNode) -> dict[str, list[ast.expr | None]]:
        cached = self._local_cache.get(id(function))
        if cached is not None:
            return cached
        table: dict[str, list[ast.expr | None]] = {}
        stores: dict[str, int] = {}
        for stmt in function.body:
            self._bind_statement(stmt, table)
        for node in self.inside(function):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                table.setdefault(node.id, [])
                stores[node.id] = stores.get(node.id, 0) + 1
            elif isinstance(node, ast.NamedExpr):
                table.setdefault(node.target.id, []).append(None)
        self._local_cache[id(function)] = table
        self._store_cache[id(function)] = stores
        return table

    # -- resolution ----------------------------------------------------------------------------
    def resolve(self, node: ast.expr) -> Resolution | None:
        if isinstance(node, ast.Name):
            return self._resolve_name(node)
        if isinstance(node, ast.Attribute):
            return self._resolve_attribute(node)
        if isinstance(node, ast.Subscript):
            return self._resolve_subscript(node)
        if isinstance(node, ast.Call):
            return self._resolve_call(node)
        return None

    def _resolve_name(self, node: ast.Name) -> Resolution | None:
        function, _ = self.enclosing(node)
        scope_fn = function
        while scope_fn is not None:
            local = self._local_bindings(scope_fn)
            params = _params_with_defaults(scope_fn)
            if node.id in params and node.id not in local:
                default = params[node.id]
                if default is None:
                    return None
                calls = self.function_calls.get(scope_fn.name, [])
                passed = any(_passes(call, scope_fn, node.id) for call in calls)
                return Resolution(
                    default,
                    f"param:{scope_fn.name}.{node.id}",
                    f"{node.id} (default of {scope_fn.name}, line {default.lineno})",
                    "inferred" if passed else "proved",
                )
            if node.id in local or node.id in _all_params(scope_fn):
                values = local.get(node.id, [])
                stores = self._store_cache[id(scope_fn)].get(node.id, 0)
                if len(values) == 1 and values[0] is not None and stores == 1:
                    return Resolution(
                        values[0],
                        f"local:{scope_fn.name}.{node.id}",
                        f"{node.id} (line {values[0].lineno})",
                        "proved",
                    )
                return None
            scope_fn = self.enclosing(scope_fn)[0]
        values = self.module_bindings.get(node.id, [])
        if len(values) == 1 and values[0] is not None:
            return Resolution(values[0], f"module:{node.id}", f"{node.id} (line {values[0].lineno})", "proved")
        return None

    def _class_lookup(self, class_name: str, attr: str, seen: frozenset[str] = frozenset()) -> tuple[str, ast.expr, bool] | None:
        info = self.classes.get(class_name)
        if info is None or class_name in seen:
            return None
        if attr in info.props:
            expr = info.props[attr]
            return (class_name, expr, True) if expr is not None else None
        if attr in info.attrs:
            values = info.attrs[attr]
            if len(values) == 1 and values[0] is not None:
                return class_name, values[0], False
            return None
        for base in info.bases:
            found = self._class_lookup(base, attr, seen | {class_name})
            if found:
                return found
        return None

    def _overridden_below(self, class_name: str, attr: str) -> bool:
        """True when a class derived (directly or not) from `class_name` binds `attr` itself."""
        key = (class_name, attr)
        cached = self._overridden_cache.get(key)
        if cached is not None:
            return cached
        if self._subclasses is None:
            # One index of direct subclasses instead of a pass over every class per question: a
            # module of many client classes asks once per finding.
            self._subclasses = {}
            for info in self.classes.values():
                for base in dict.fromkeys(info.bases):
                    self._subclasses.setdefault(base, []).append(info)
        found = False
        for info in self._subclasses.get(class_name, ()):
            if attr in info.attrs or attr in info.props or self._overridden_below(info.node.name, attr):
                found = True
                break
        self._overridden_cache[key] = found
        return found

    def _resolve_attribute(self, node: ast.Attribute) -> Resolution | None:
        if not isinstance(node.value, ast.Name):
            return None
        owner = node.value.id
        function, cls = self.enclosing(node)
        class_name: str | None = None
        if owner in self.classes:
            class_name = owner
        elif cls is not None and function is not None and function.args.args and function.args.args[0].arg == owner:
            class_name = cls.name
        if class_name is None:
            return None
        found = self._class_lookup(class_name, node.attr)
        if found is None:
            return None
        defining, expr, is_prop = found
        proof = "inferred" if self._overridden_below(class_name, node.attr) else "proved"
        kind = "property" if is_prop else "attribute"
        return Resolution(
            expr,
            f"class:{defining}.{node.attr}",
            f"{defining}.{node.attr} ({kind}, line {expr.lineno})",
            proof,
        )

    def _resolve_subscript(self, node: ast.Subscript) -> Resolution | None:
        key = node.slice
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return None
        return self._dict_entry(node.value, key.value)

    def _dict_entry(self, container: ast.expr, key: str) -> Resolution | None:
        if not isinstance(container, ast.Name) or container.id in self.subscript_stores:
            return None
        resolved = self._resolve_name(container)
        if resolved is None or not isinstance(resolved.expr, ast.Dict):
            return None
        for k, v in zip(resolved.expr.keys, resolved.expr.values):
            if isinstance(k, ast.Constant) and k.value == key:
                return Resolution(v, f"{resolved.key}[{key!r}]", f"{container.id}[{key!r}] (line {v.lineno})", resolved.proof)
        return None

    def _resolve_call(self, node: ast.Call) -> Resolution | None:
        name = _dotted(node.func)
        qualified = self.qualify(name)
        if qualified in ("os.getenv", "os.environ.get") and len(node.args) >= 2:
            first = node.args[0]
            env_name = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
            return Resolution(
                node.args[1],
                f"env:{env_name}@{node.lineno}",
                f"the default of {name}({env_name!r}) (line {node.lineno})",
                "inferred",
                env=str(env_name),
            )
        if isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
            key = node.args[0]
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                return self._dict_entry(node.func.value, key.value)
        return None

    def qualify(self, dotted: str) -> str:
        head, _, rest = dotted.partition(".")
        if head in self.imports:
            return self.imports[head] + ("." + rest if rest else "")
        return dotted

    def reference_sites(self, key: str) -> int:
        """How many loads in the file may refer to the definition `key` (an over-count is safe)."""
        kind, _, name = key.partition(":")
        if kind in ("module", "local", "param"):
            ident = name.rsplit(".", 1)[-1].split("[")[0]
            return self.name_loads.get(ident, 0)
        if kind == "class":
            attr = name.rsplit(".", 1)[-1]
            # Loads of `.attr` that resolve to this definition, plus any the resolver cannot place
            # (they might be it): an over-count only makes a fix less safe, never wrong.
            counts = self._attribute_keys.get(attr)
            if counts is None:
                # Each load of `.attr` is resolved once per file, not once per finding that asks.
                counts = {}
                for node in self.attribute_loads.get(attr, []):
                    resolved = self._resolve_attribute(node)
                    load_key = None if resolved is None else resolved.key
                    counts[load_key] = counts.get(load_key, 0) + 1
                self._attribute_keys[attr] = counts
            return counts.get(None, 0) + counts.get(key, 0)
        return 1


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_FUNCTION_TYPES = frozenset(_FUNCTIONS)
# Fields that never hold a node: names and flags (`ctx` is one shared Load/Store/Del instance per
# kind, never looked up). Skipping them spares a lookup for most nodes of a tree (Name, Constant).
_LEAF_FIELDS = frozenset({"ctx", "id", "attr", "arg", "name", "asname", "module", "level", "kind", "type_comment",
                          "conversion", "is_async"})
_LEAF_VALUES = frozenset({ast.Constant, ast.MatchSingleton})  # their `value` is a constant, never a node
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(kind: type) -> tuple[str, ...]:
    """The fields of an `ast` node type that may hold child nodes (a constant's value never does)."""
    fields: tuple[str, ...] = getattr(kind, "_fields", ())
    return tuple(name for name in fields if name not in _LEAF_FIELDS and not (kind in _LEAF_VALUES and name == "value"))


_SCANNED = frozenset({ast.Import, ast.ImportFrom, ast.ClassDef, ast.Subscript, ast.Global, ast.Nonlocal})


def all_nodes(
    tree: ast.AST,
    parents: dict[ast.AST, ast.AST],
    owned: dict[int, list[ast.AST]] | None = None,
    nested: dict[int, list[ast.AST]] | None = None,
    kids: dict[int, tuple[int, int]] | None = None,
) -> list[ast.AST]:
    """Every node of the tree in one pass (inline: ~2x faster than ast.walk), filling `parents`,
    and optionally `owned` (function id -> nodes whose innermost function it is), `nested`
    (function id -> functions defined directly inside it) and `kids` (node id -> where its
    children, as `children` lists them, stand in the returned list)."""
    nodes: list[ast.AST] = [tree]
    stack: list[tuple[ast.AST, ast.AST | None]] = [(tree, None)]
    AST = ast.AST
    track = owned is not None and nested is not None
    fields_of = _CHILD_FIELDS
    while stack:
        node, owner = stack.pop()
        if kids is not None:
            first = len(nodes)
        kind = type(node)
        inner_owner = node if kind in _FUNCTION_TYPES else owner
        fields = fields_of.get(kind)
        if fields is None:
            fields = fields_of[kind] = _child_fields(kind)
        for name in fields:
            value = getattr(node, name, None)
            if value is None:
                continue
            items = value if type(value) is list else (value,)
            for item in items:
                if not isinstance(item, AST):
                    continue
                parents[item] = node
                nodes.append(item)
                stack.append((item, inner_owner))
                if track and inner_owner is not None:
                    if isinstance(item, _FUNCTIONS):
                        nested.setdefault(id(inner_owner), []).append(item)  # type: ignore[union-attr]
                    else:
                        owned.setdefault(id(inner_owner), []).append(item)  # type: ignore[union-attr]
        if kids is not None:
            kids[id(node)] = (first, len(nodes))
    return nodes


def children(node: ast.AST) -> list[ast.AST]:
    out: list[ast.AST] = []
    for name in node._fields:
        if name == "ctx":
            continue
        value = getattr(node, name, None)
        if isinstance(value, list):
            out.extend(item for item in value if isinstance(item, ast.AST))
        elif isinstance(value, ast.AST):
            out.append(value)
    return out


def _target_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for elt in target.elts for n in _target_names(elt)]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    if isinstance(node, ast.Call):
        return _dotted(node.func)
    return ""


dotted_name = _dotted


def _params_with_defaults(function: FunctionNode) -> dict[str, ast.expr | None]:
    args = function.args
    positional = args.posonlyargs + args.args
    defaults: dict[str, ast.expr | None] = {a.arg: None for a in positional + args.kwonlyargs}
    for arg, default in zip(positional[len(positional) - len(args.defaults) :], args.defaults):
        defaults[arg.arg] = default
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults):
        defaults[arg.arg] = kw_default
    return defaults


def _all_params(function: FunctionNode) -> set[str]:
    args = function.args
    names = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    if args.vararg:
        names.add(args.vararg.arg)
    if args.kwarg:
        names.add(args.kwarg.arg)
    return names


def _passes(call: ast.Call, function: FunctionNode, param: str) -> bool:
    if any(kw.arg == param or kw.arg is None for kw in call.keywords):
        return True
    positional = [a.arg for a in function.args.posonlyargs + function.args.args]
    if param in positional:
        index = positional.index(param)
        if positional and positional[0] in ("self", "cls"):
            index -= 1
        return len(call.args) > index or any(isinstance(a, ast.Starred) for a in call.args)
    return False
