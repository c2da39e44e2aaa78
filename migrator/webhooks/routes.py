"""The framework-neutral route model, matching a sender URL to a route, and the listener plan.

Each framework module (`flask.py`, `fastapi.py`, `django.py`) turns a parsed module into `Route`s
(the route literal, any static prefix from blueprints, routers or includes, the handler) and plans
the listener edits for the values that move from the URL into headers.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from migrator.findings import Edit
from migrator.python.bindings import first_binding_anywhere
from migrator.python.literals import Text, literal_pieces
from migrator.python.resolve import Resolver, all_nodes
from migrator.python.urlflow import LineIndex
from migrator.structural.requests import AddImport, RemoveParameters, StructuralRequest
from migrator.webhooks.sender import Expr, Lit, Rendering, SenderSite

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass
class Module:
    """One parsed Python file of the project."""

    path: Path
    display: str
    text: str
    tree: ast.Module
    index: LineIndex = field(init=False)
    resolver: Resolver = field(init=False)

    def __post_init__(self) -> None:
        self.index = LineIndex(self.text)
        self.resolver = Resolver(self.tree)

    @property
    def dotted(self) -> str:
        """The module's dotted name guessed from its path (`pkg/hooks.py` -> `pkg.hooks`)."""
        parts = list(self.path.with_suffix("").parts)
        if parts and parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts)

    def span(self, node: ast.AST) -> tuple[int, int]:
        return self.index.node_span(node)

    def source(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.text[start:end]


@dataclass
class Segment:
    text: str  # the segment as written (`jobs`, `<int:batch>`, `{batch}`, `(?P<batch>\d+)`)
    param: str | None = None  # the parameter name, for a parameter segment
    converter: str | None = None  # `int`, `float`, `path`, ... (None: a plain string)
    in_literal: bool = True  # False: the segment comes from a prefix (blueprint, router, include)


@dataclass
class Route:
    framework: str
    module: Module  # where the route literal is
    literal: ast.Constant  # the route path literal
    segments: list[Segment]
    handler: FunctionNode | None
    handler_module: Module | None
    join: str  # how the route literal is joined to its prefix: "flask-blueprint" | "plain" | "django"
    prefix: str = ""
    regex: bool = False  # Django re_path
    problems: list[str] = field(default_factory=list)

    @property
    def template(self) -> str:
        return "/" + "/".join(s.text for s in self.segments)

    def where(self) -> str:
        line = self.literal.lineno
        name = self.handler.name if self.handler else "?"
        return f"{self.module.display}:{line} ({name})"


@dataclass
class ListenerPlan:
    """Edits per file that make the listener read the moved values from headers."""

    edits: dict[str, list[Edit]] = field(default_factory=dict)  # display -> edits
    modules: dict[str, Module] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    listener_path: str = "/"
    anchors: dict[str, ast.AST] = field(default_factory=dict)  # display -> node the finding points at
    # helper modules the rewritten listener imports: real path -> (display, source text)
    helpers: dict[str, tuple[str, str]] = field(default_factory=dict)
    signature: str = ""  # "checked": the handler verifies the signature; else the framework (manual recipe)

    # display -> requests for the LibCST stage (imports, parameter removal), resolved only when fixed
    requests: dict[str, list[StructuralRequest]] = field(default_factory=dict)

    def add(self, module: Module, edit: Edit, anchor: ast.AST | None = None) -> None:
        self.edits.setdefault(module.display, []).append(edit)
        self._touch(module, anchor)

    def ask(self, module: Module, request: StructuralRequest, anchor: ast.AST | None = None) -> None:
        """Add a structural request; imports are added in the order they are asked for."""
        self.requests.setdefault(module.display, []).append(request)
        self._touch(module, anchor)

    def _touch(self, module: Module, anchor: ast.AST | None) -> None:
        self.modules[module.display] = module
        if anchor is not None:
            self.anchors.setdefault(module.display, anchor)


# -- matching -----------------------------------------------------------------------------------


def match(site: SenderSite, route: Route) -> int | None:
    """How well the sender's path fits the route (higher is better), or None when it does not.

    The route must match the whole path or a suffix of it (a proxy may add a static prefix);
    a static route segment must equal the sender's; a parameter takes any value.
    """
    path = site.path
    segments = route.segments
    if len(path) < len(segments):
        return None
    offset = len(path) - len(segments)
    for extra in path[:offset]:
        if any(isinstance(p, Expr) for p in extra):
            return None
    score = 0
    for sent, seg in zip(path[offset:], segments):
        if seg.param is not None:
            continue
        if len(sent) != 1 or not isinstance(sent[0], Lit) or sent[0].text != seg.text:
            return None
        score += 1
    return score * 10 - offset


def best_route(site: SenderSite, routes: list[Route]) -> tuple[Route | None, str | None]:
    """The route serving the sender's URL, or (None, why) when none or several fit equally."""
    scored = [(s, r) for r in routes if (s := match(site, r)) is not None]
    if not scored:
        return None, None
    scored.sort(key=lambda item: -item[0])
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        where = ", ".join(r.where() for _, r in scored[:3])
        return None, f"several listener routes fit this URL ({where})"
    return scored[0][1], None


def moved_segments(site: SenderSite, route: Route) -> dict[int, Segment]:
    """Sender path index -> route parameter segment, for every parameter the route loses."""
    offset = len(site.path) - len(route.segments)
    return {offset + i: seg for i, seg in enumerate(route.segments) if seg.param is not None}


# -- route literal edits ------------------------------------------------------------------------


def literal_text(module: Module, node: ast.Constant) -> Text | None:
    start, end = module.span(node)
    pieces = literal_pieces(module.text, start, end)
    if pieces is None or len(pieces) != 1 or not isinstance(pieces[0], Text) or pieces[0].value != node.value:
        return None
    return pieces[0]


def start_plan(route: Route, rendering: Rendering, prefix_kind: str) -> tuple[ListenerPlan, dict[str, Any], dict[str, Segment], str | None]:
    """Begin a listener plan: drop the moved path segments from the route literal.

    Returns the plan, the moved path parameters, the route's segments by parameter, and the
    route's new path (None when the plan already records why the listener cannot be moved)."""
    result = ListenerPlan()
    path_params = {p.key: p for p in rendering.pairs if p.origin == "path"}
    segments = {s.param: s for s in route.segments if s.param}
    if any(not segments[name].in_literal for name in path_params):
        result.problems.append(f"a moved parameter is part of the {prefix_kind} prefix {route.prefix!r}")
        return result, path_params, segments, None
    edit, new_path, problem = drop_segments(route.module, route.literal, set(path_params), "" if route.prefix else "/")
    if problem:
        result.problems.append(problem)
        return result, path_params, segments, None
    if edit is not None and route.handler is not None:
        result.add(route.module, edit, route.handler)
    return result, path_params, segments, new_path


def drop_segments(module: Module, node: ast.Constant, params: set[str], empty: str) -> tuple[Edit | None, str, str | None]:
    """Remove the parameter segments named `params` from a route literal.

    Returns (edit, new value, problem). `empty` is what an emptied route becomes ("/" or "")."""
    text = literal_text(module, node)
    if text is None:
        return None, cast(str, node.value), "the route is written with escapes or implicit concatenation"
    value = text.value
    pieces = value.split("/")
    keep: list[str] = []
    dropped = 0
    for piece in pieces:
        name = segment_param(piece)
        if name is not None and name in params:
            dropped += 1
            continue
        keep.append(piece)
    if dropped != len(params):
        return None, value, "a moved parameter is not a whole segment of the route literal"
    new = re.sub(r"//+", "/", "/".join(keep))
    if not new.strip("^$").strip("/"):
        new = ("^" if value.startswith("^") else "") + empty + ("$" if value.endswith("$") else "")
    if new == value:
        return None, value, None
    start, end = text.offsets[0], text.offsets[len(value)]
    return Edit(start, end, new), new, None


_FLASK_PARAM = re.compile(r"^<(?:(?P<conv>[A-Za-z_]\w*)(?:\([^)]*\))?:)?(?P<name>[A-Za-z_]\w*)>$")
_BRACE_PARAM = re.compile(r"^\{(?P<name>[A-Za-z_]\w*)(?::(?P<conv>\w+))?\}$")
_REGEX_PARAM = re.compile(r"^\(\?P<(?P<name>[A-Za-z_]\w*)>[^()]*\)$")


def segment_param(piece: str) -> str | None:
    for pattern in (_FLASK_PARAM, _BRACE_PARAM, _REGEX_PARAM):
        found = pattern.match(piece.strip("^$"))
        if found:
            return found["name"]
    return None


def parse_segments(value: str, style: str, in_literal: bool = True) -> list[Segment]:
    """Segments of a route path; `style`: "flask" (`<conv:name>`), "brace" (`{name:conv}`), "regex"."""
    out: list[Segment] = []
    for piece in value.strip("^$").strip("/").split("/"):
        if not piece:
            continue
        pattern = {"flask": _FLASK_PARAM, "brace": _BRACE_PARAM, "regex": _REGEX_PARAM}[style]
        found = pattern.match(piece)
        if found:
            conv = found.groupdict().get("conv")
            out.append(Segment(piece, found["name"], conv, in_literal))
        else:
            out.append(Segment(piece, None, None, in_literal))
    return out


# -- handler edits ------------------------------------------------------------------------------


def body_insert(module: Module, function: FunctionNode, lines: list[str]) -> tuple[Edit | None, str | None]:
    """Insert statements at the top of a function body (after its docstring)."""
    body = function.body
    first = body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str) and len(body) > 1:
        first = body[1]
    if first.lineno == function.lineno or (function.decorator_list and first.lineno <= function.decorator_list[-1].end_lineno):  # type: ignore[operator]
        return None, "the handler's body is on the line of its def"
    line_start = module.index.offset(first.lineno, 0)
    indent = module.text[line_start : module.index.offset(first.lineno, first.col_offset)]
    if indent.strip():
        return None, "the handler's first statement does not start its line"
    newline = "\r\n" if "\r\n" in module.text else "\n"
    return Edit(line_start, line_start, "".join(f"{indent}{line}{newline}" for line in lines)), None


def drop_parameters(module: Module, function: FunctionNode, names: set[str]) -> tuple[RemoveParameters | None, str | None]:
    """The request removing the parameters `names` (with annotations and defaults) from the def,
    or why it cannot be made. A structural edit: the LibCST stage removes them when the fix
    is applied, so commas (a trailing one included) and line breaks come out right."""
    found = {a.arg for a in function.args.posonlyargs + function.args.args + function.args.kwonlyargs} & names
    if found != names:
        return None, f"the handler has no parameter {', '.join(sorted(names - found))}"
    start, end = module.span(function)
    return RemoveParameters(start, end, tuple(sorted(names))), None


def add_import(module: Module, package: str, name: str) -> tuple[AddImport | None, str, str | None]:
    """How `name` from `package` is spelled in `module`, the request importing it when needed, and
    the reason it cannot be imported (the name is already bound to something else)."""
    for node in module.tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == package and node.level == 0:
            for alias in node.names:
                if alias.name == name:
                    return None, alias.asname or name, None
    for node in module.tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == package:
                    return None, f"{alias.asname or package}.{name}", None
    if not any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in module.tree.body):
        return None, "", None
    request = AddImport(package, name, module_wide=True)
    problem = module_binding_problem(module, request)
    if problem:
        return None, "", problem
    return request, name, None


def add_module_import(module: Module, line: str) -> tuple[AddImport | None, str | None]:
    """The request adding `import x` / `from p import x` (the LibCST stage skips one already
    there), or why it cannot be added."""
    request = AddImport.from_line(line, module_wide=True)
    problem = module_binding_problem(module, request)
    return (None, problem) if problem else (request, None)


def module_binding_problem(module: Module, request: AddImport) -> str | None:
    """Why `request` would change what the module's own code uses (it binds the name to something
    else somewhere), from `ast`, so that scan says what fix will do; the LibCST stage checks again."""

    def same_import(node: ast.AST) -> bool:
        if isinstance(node, ast.Import) and request.name is None:
            return any(a.name == request.module and a.asname is None for a in node.names)
        if isinstance(node, ast.ImportFrom) and request.name is not None and node.level == 0:
            return node.module == request.module and any(a.name == request.name and a.asname is None for a in node.names)
        return False

    line = first_binding_anywhere(module.tree, request.binds, same_import)
    return None if line is None else request.bound_in_module(line)


def joins_existing_import(module: Module, request: AddImport) -> bool:
    """Whether the LibCST stage adds `request` to an existing module-level `from module import ...`
    (anything else is a new line after the imports)."""
    return request.name is not None and any(
        isinstance(n, ast.ImportFrom) and n.level == 0 and n.module == request.module
        and not any(a.name == "*" for a in n.names) for n in module.tree.body)


def converted(read: str, converter: str | None) -> tuple[str, str | None]:
    """`read` wrapped so the value keeps the type the route converter gave it."""
    if converter in (None, "str", "string", "path", "slug", "default"):
        return read, None
    if converter in ("int", "float"):
        return f"{converter}({read})", None
    return read, f"the route converter {converter!r} no longer applies; {read} is a string"


def attribute_name_span(module: Module, node: ast.Attribute) -> tuple[int, int] | None:
    """Source span of the attribute name in `x.name` (None if written unusually)."""
    end = module.span(node)[1]
    if module.text[end - len(node.attr) : end] != node.attr:
        return None
    return end - len(node.attr), end


def rewrite_reads(
    module: Module,
    function: FunctionNode,
    is_request: Callable[[ast.expr], bool],
    sources: dict[str, str],
    moved: Mapping[str, tuple[str, str | None]],
    plan: ListenerPlan,
) -> None:
    """`request.<source>.get("key")` / `request.<source>["key"]` -> `request.headers...` for moved keys.

    `sources`: attribute -> replacement attribute (`args` -> `headers`); `moved`: key -> (header name,
    converter to keep or None). Any other use of a source that may involve a moved key is a problem."""
    parents: dict[ast.AST, ast.AST] = {}
    nodes = all_nodes(function, parents)
    for node in nodes:
        if not (isinstance(node, ast.Attribute) and node.attr in sources and is_request(node.value)):
            continue
        parent = parents.get(node)
        key_node: ast.expr | None = None
        whole: ast.expr = node
        if isinstance(parent, ast.Subscript) and parent.value is node:
            key_node, whole = parent.slice, parent
        elif isinstance(parent, ast.Attribute) and parent.attr == "get" and isinstance(parents.get(parent), ast.Call):
            call = parents[parent]
            assert isinstance(call, ast.Call)
            if call.func is parent and call.args:
                key_node, whole = call.args[0], call
        if isinstance(parent, ast.Attribute) and parent.attr == "getlist":
            plan.problems.append(
                f"{module.display}:{node.lineno}: {module.source(parents.get(parent, parent))} reads every value of a "
                "repeated query key, and a subscription header carries one value: in the sender join the values "
                "into one (e.g. separated by '|', never ',' or '='), and in the listener split "
                f"the header (`{module.source(node.value)}.headers[...].split('|')`)")
            continue
        if key_node is None or not (isinstance(key_node, ast.Constant) and isinstance(key_node.value, str)):
            plan.problems.append(f"{module.display}:{node.lineno}: {module.source(whole)} reads the "
                                 f"{'query' if node.attr != 'path_params' else 'path'} as a whole; the tool can only move single keys")
            continue
        if key_node.value not in moved:
            plan.notes.append(f"{module.display}:{node.lineno}: {module.source(whole)} is not sent by this sender and stays")
            continue
        header, converter = moved[key_node.value]
        span = attribute_name_span(module, node)
        if span is None:
            plan.problems.append(f"{module.display}:{node.lineno}: unusual spelling of {module.source(node)}")
            continue
        plan.add(module, Edit(span[0], span[1], sources[node.attr]))
        if header != key_node.value:
            start, end = module.span(key_node)
            quote = module.text[start]
            if quote not in "\'\"":
                plan.problems.append(f"{module.display}:{node.lineno}: the key {key_node.value!r} is written unusually")
                continue
            plan.add(module, Edit(start, end, f"{quote}{header}{quote}"))
        if converter in ("int", "float"):
            start, end = module.span(whole)
            plan.add(module, Edit(start, start, f"{converter}("))
            plan.add(module, Edit(end, end, ")"))
