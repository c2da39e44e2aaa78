"""The HTTP calls to the Visma ERP API in one Python file, with what VNI020/VNI021 need to know.

For each call: which library sends it (requests, httpx sync/async, aiohttp, urllib), the URL as far
as the file tells (names, class attributes, f-strings, `%`, `.format`, `urljoin` and an httpx
client's `base_url` are followed; unknown parts show as `{}`), the endpoint, the explicit timeout
(on the call or on the client it is sent with) and the paging parameters.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from migrator.python.resolve import Resolver, dotted_name

OPAQUE = "{}"
METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "request", "stream")
_CALL_ATTRIBUTES = frozenset((*METHODS, "urlopen", "Request"))  # what an HTTP call's attribute may be named
# Calls handed to these run concurrently as awaitables: `call_async(...)` (a coroutine) fits in.
_GATHERERS = ("asyncio.gather", "asyncio.create_task", "asyncio.ensure_future", "asyncio.wait_for",
              "asyncio.shield", "asyncio.TaskGroup.create_task")
_CONSTRUCTORS = {
    "requests.Session": "requests",
    "requests.session": "requests",
    "requests.sessions.Session": "requests",
    "httpx.Client": "httpx",
    "httpx.AsyncClient": "httpx-async",
    "aiohttp.ClientSession": "aiohttp",
}
_VISMA = re.compile(r"(?:integration|api\.finance)\.visma\.net|/controller/api/", re.IGNORECASE)
_ENDPOINT = re.compile(  # the ERP API's own resources: after the host, after `{}` or after /controller/api
    r"(?:^|//[^/]+|\{\}|/controller/api)/(?P<version>v\d+)/(?P<resource>[A-Za-z]+)(?:/(?P<key>[^/?#]+))?(?P<tail>/[^?#]*)?",
    re.IGNORECASE,
)


@dataclass
class HttpCall:
    node: ast.Call
    library: str  # requests | httpx | httpx-async | aiohttp | urllib | unknown
    method: str  # get, post, ... (lower case; "request" when the method is an argument)
    url: str  # evaluated URL, OPAQUE for parts the file does not tell
    awaited: bool
    in_async_with: bool
    timeout: float | None  # explicit timeout in seconds (read timeout), on the call or its client
    timeout_on: str  # "call" | "client" | ""
    params: ast.expr | None
    headers: ast.expr | None
    gathered: bool = False  # an argument of asyncio.gather / create_task / ... (not awaited itself)

    @property
    def endpoint(self) -> str | None:
        """`v1/resource` (lower case), or None if the URL names no versioned resource."""
        match = _ENDPOINT.search(self.url.split("?", 1)[0])
        return f"{match['version']}/{match['resource']}".lower() if match else None

    @property
    def is_action(self) -> bool:
        match = _ENDPOINT.search(self.url.split("?", 1)[0])
        return bool(match and match["tail"] and match["tail"].lower().startswith("/action/"))

    @property
    def is_background_api(self) -> bool:
        return "/background/" in self.url.lower() or self.url.lower().rstrip("/").endswith("/background")

    @property
    def is_list_read(self) -> bool:
        match = _ENDPOINT.search(self.url.split("?", 1)[0])
        return bool(self.method in ("get", "request") and match and not match["key"] and not match["tail"])


def literal_number(node: ast.expr | None, resolver: Resolver, depth: int = 0) -> float | None:
    """A number written in the code (followed through names), or None."""
    if node is None or depth > 6:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
        resolved = resolver.resolve(node)
        return literal_number(resolved.expr, resolver, depth + 1) if resolved else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        left, right = literal_number(node.left, resolver, depth + 1), literal_number(node.right, resolver, depth + 1)
        return left * right if left is not None and right is not None else None
    return None


def timeout_seconds(node: ast.expr | None, resolver: Resolver) -> float | None:
    """The read timeout a `timeout=` value sets: a number, `(connect, read)`, or `httpx.Timeout(...)`."""
    if node is None:
        return None
    number = literal_number(node, resolver)
    if number is not None:
        return number
    if isinstance(node, ast.Tuple) and len(node.elts) == 2:
        return literal_number(node.elts[1], resolver)
    if isinstance(node, ast.Call) and resolver.qualify(dotted_name(node.func) or "") == "httpx.Timeout":
        for keyword in node.keywords:
            if keyword.arg == "read":
                return literal_number(keyword.value, resolver)
        return literal_number(node.args[0], resolver) if node.args else None
    if isinstance(node, (ast.Name, ast.Attribute)):
        resolved = resolver.resolve(node)
        return timeout_seconds(resolved.expr, resolver) if resolved else None
    return None


class HttpCallFinder:
    """Finds the HTTP calls of one parsed file (construct once per file)."""

    def __init__(self, tree: ast.Module, resolver: Resolver) -> None:
        self.tree = tree
        self.resolver = resolver
        self.with_bindings: dict[str, ast.expr] = {}
        self.annotations: dict[str, ast.expr] = {}
        self.imported: set[str] = set()
        for node in resolver.nodes:  # the resolver's one pass over the tree
            if isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if isinstance(item.optional_vars, ast.Name):
                        self.with_bindings[item.optional_vars.id] = item.context_expr
            elif isinstance(node, ast.arg) and node.annotation is not None:
                self.annotations[node.arg] = node.annotation
            elif isinstance(node, ast.Import):
                self.imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                self.imported.add(node.module.split(".")[0])

    # -- values --------------------------------------------------------------------------------
    def value(self, node: ast.expr | None, depth: int = 0) -> str:
        """The string an expression builds, with OPAQUE where the file does not tell."""
        if node is None or depth > 10:
            return OPAQUE
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else OPAQUE
        if isinstance(node, ast.JoinedStr):
            out = []
            for part in node.values:
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    out.append(part.value)
                elif isinstance(part, ast.FormattedValue):
                    out.append(self.value(part.value, depth + 1))
            return "".join(out)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.value(node.left, depth + 1) + self.value(node.right, depth + 1)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
            args = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
            values = iter([self.value(a, depth + 1) for a in args])
            return re.sub(r"%[sdr]", lambda _: next(values, OPAQUE), str(node.left.value))
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            return self.value(node.values[-1], depth + 1)  # `os.getenv(...) or DEFAULT`
        if isinstance(node, ast.Call):
            name = self.resolver.qualify(dotted_name(node.func) or "")
            if isinstance(node.func, ast.Attribute) and node.func.attr == "format" and isinstance(node.func.value, ast.Constant):
                positional = iter([self.value(a, depth + 1) for a in node.args])
                named = {k.arg: self.value(k.value, depth + 1) for k in node.keywords if k.arg}
                template = str(node.func.value.value)
                return re.sub(r"\{([^{}]*)\}", lambda m: named.get(m[1], OPAQUE) if m[1] else next(positional, OPAQUE), template)
            if name in ("urllib.parse.urljoin", "urlparse.urljoin") and len(node.args) == 2:
                return urljoin(self.value(node.args[0], depth + 1), self.value(node.args[1], depth + 1))
        if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript, ast.Call)):
            resolved = self.resolver.resolve(node)
            if resolved is not None:
                return self.value(resolved.expr, depth + 1)
        return OPAQUE

    # -- receivers -----------------------------------------------------------------------------
    def _constructor(self, node: ast.expr | None, depth: int = 0) -> ast.Call | None:
        """The client/session constructor call a receiver expression comes from, if the file shows it."""
        if node is None or depth > 6:
            return None
        if isinstance(node, ast.Call):
            if self.resolver.qualify(dotted_name(node.func) or "") in _CONSTRUCTORS:
                return node
            return None
        if isinstance(node, ast.BoolOp):
            for value in node.values:
                found = self._constructor(value, depth + 1)
                if found is not None:
                    return found
            return None
        if isinstance(node, ast.Name) and node.id in self.with_bindings:
            return self._constructor(self.with_bindings[node.id], depth + 1)
        if isinstance(node, (ast.Name, ast.Attribute)):
            resolved = self.resolver.resolve(node)
            if resolved is not None:
                return self._constructor(resolved.expr, depth + 1)
        return None

    def _annotated_library(self, receiver: ast.expr) -> str | None:
        name = receiver.id if isinstance(receiver, ast.Name) else None
        annotation = self.annotations.get(name or "")
        if annotation is None:
            return None
        for node in ast.walk(annotation):
            if isinstance(node, (ast.Name, ast.Attribute)):
                library = _CONSTRUCTORS.get(self.resolver.qualify(dotted_name(node) or ""))
                if library:
                    return library
        return None

    def library(self, func: ast.Attribute) -> tuple[str, ast.Call | None]:
        receiver = func.value
        qualified = self.resolver.qualify(dotted_name(receiver) or "")
        if qualified in ("requests", "httpx"):
            return qualified, None
        constructor = self._constructor(receiver)
        if constructor is not None:
            return _CONSTRUCTORS[self.resolver.qualify(dotted_name(constructor.func) or "")], constructor
        annotated = self._annotated_library(receiver)
        if annotated:
            return annotated, None
        known = [lib for lib in ("requests", "httpx", "aiohttp") if lib in self.imported]
        return (known[0] if len(known) == 1 else "unknown"), None

    # -- calls ---------------------------------------------------------------------------------
    def calls(self) -> list[HttpCall]:
        """Every call in the file that sends an HTTP request to the Visma ERP API."""
        out: list[HttpCall] = []
        parents = self.resolver.parents
        for node in self.resolver.nodes:
            if not isinstance(node, ast.Call) or not isinstance(node.func, (ast.Attribute, ast.Name)):
                continue
            call = self._http_call(node, parents)
            if call is not None and _VISMA.search(call.url):
                out.append(call)
        out.sort(key=lambda c: (c.node.lineno, c.node.col_offset))
        return out

    def _http_call(self, node: ast.Call, parents: dict[ast.AST, ast.AST]) -> HttpCall | None:
        func = node.func
        if type(func) is ast.Attribute and func.attr not in _CALL_ATTRIBUTES:
            return None  # most calls of a file (`.json()`, `.append()`): an attribute name is never an alias
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        parent = parents.get(node)
        awaited = isinstance(parent, ast.Await)
        in_async_with = isinstance(parent, ast.withitem) and isinstance(parents.get(parent), ast.AsyncWith)
        qualified = self.resolver.qualify(dotted_name(node.func) or "")
        if qualified in ("urllib.request.urlopen", "urllib.request.Request"):
            url = self.value(node.args[0] if node.args else keywords.get("url"))
            return HttpCall(node, "urllib", "get", url, awaited, in_async_with,
                            timeout_seconds(keywords.get("timeout"), self.resolver), "call" if "timeout" in keywords else "",
                            None, None)
        if not isinstance(node.func, ast.Attribute) or node.func.attr not in METHODS:
            return None
        method = node.func.attr
        position = 1 if method in ("request", "stream") else 0
        url_node = node.args[position] if len(node.args) > position else keywords.get("url")
        if url_node is None:
            return None
        library, constructor = self.library(node.func)
        url = self.value(url_node)
        client_keywords = {k.arg: k.value for k in constructor.keywords if k.arg} if constructor is not None else {}
        if "base_url" in client_keywords and not re.match(r"^[a-z]+://", url, re.IGNORECASE):
            base = self.value(client_keywords["base_url"])
            url = (base if base.endswith("/") else base + "/") + url.lstrip("/")
        if method == "request" and node.args and isinstance(node.args[0], ast.Constant):
            method = str(node.args[0].value).lower()
        if method == "stream" and library not in ("httpx", "httpx-async"):
            return None
        timeout, timeout_on = timeout_seconds(keywords.get("timeout"), self.resolver), "call" if "timeout" in keywords else ""
        if timeout is None and "timeout" in client_keywords:
            timeout, timeout_on = timeout_seconds(client_keywords["timeout"], self.resolver), "client"
        gathered = self._gathered(node, parents)
        if library == "httpx" and (awaited or gathered):
            library = "httpx-async"
        return HttpCall(node, library, method, url, awaited, in_async_with, timeout, timeout_on,
                        keywords.get("params"), keywords.get("headers"), gathered)

    def _gathered(self, node: ast.Call, parents: dict[ast.AST, ast.AST]) -> bool:
        """Is the call (directly, or as the element of a list / comprehension) given to asyncio.gather & co.?"""
        current: ast.AST = node
        for _ in range(4):
            parent = parents.get(current)
            if isinstance(parent, ast.Call) and current in parent.args:
                return self.resolver.qualify(dotted_name(parent.func) or "") in _GATHERERS or (
                    isinstance(parent.func, ast.Attribute) and parent.func.attr == "create_task")
            if isinstance(parent, (ast.Starred, ast.List, ast.Tuple)) or (
                    isinstance(parent, (ast.ListComp, ast.GeneratorExp)) and parent.elt is current):
                current = parent
                continue
            return False
        return False

    def page_size(self, call: HttpCall) -> tuple[bool, float | None]:
        """(paging known to be absent, the pageSize number if written): for the unpaged/large-page warnings."""
        query = call.url.split("?", 1)[1].lower() if "?" in call.url else ""
        match = re.search(r"pagesize=(\d+)", query)
        if match:
            return False, float(match[1])
        if "pagesize" in query or "pagenumber" in query or OPAQUE in query:
            return False, None
        params = call.params
        if params is None:
            return OPAQUE not in call.url.split("?", 1)[-1] or "?" not in call.url, None
        if isinstance(params, (ast.Name, ast.Attribute)):
            resolved = self.resolver.resolve(params)
            params = resolved.expr if resolved else params
        if not isinstance(params, ast.Dict) or any(k is None for k in params.keys):
            return False, None
        for key, value in zip(params.keys, params.values):
            if isinstance(key, ast.Constant) and str(key.value).lower() == "pagesize":
                return False, literal_number(value, self.resolver)
        return True, None
