"""LibCST transformer: structural requests of one file -> ordinary edits on its findings.

The file is parsed once; positions come from `PositionProvider` and name bindings from
`ScopeProvider`. A call is wrapped only when the helper's name is free at the call site (or bound
by the very import the fix adds); a name bound to anything else refuses the fix. Imports are
added with `AddImportsVisitor`, which skips an import that is already there. The new text of
each changed node is diffed against the old one, so the edits never cover text another rule
edits (the URL literal inside a wrapped call stays VNI001's).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodeRange, MetadataWrapper, ParentNodeProvider, PositionProvider, ScopeProvider
from libcst.metadata.scope_provider import Assignment, BuiltinAssignment, Scope

from migrator.findings import Edit, Finding, FixSafety
from migrator.structural.requests import AddImport, RemoveParameters, WrapCall
from migrator.structural.text_diff import char_edits, line_edits


class Refused(Exception):
    """The request cannot be carried out safely; the message says why and what to do."""


class _Positions:
    def __init__(self, text: str, ranges: dict[cst.CSTNode, CodeRange]) -> None:
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
        self.ranges = ranges

    def offset(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column

    def span(self, node: cst.CSTNode) -> tuple[int, int]:
        rng = self.ranges[node]
        return self.offset(rng.start.line, rng.start.column), self.offset(rng.end.line, rng.end.column)


class StructuralPlan:
    """One parsed file and the lookups the requests need."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.module = cst.parse_module(text)
        wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
        self.positions = _Positions(text, dict(wrapper.resolve(PositionProvider)))
        self.scopes = wrapper.resolve(ScopeProvider)
        self.parents = wrapper.resolve(ParentNodeProvider)
        self._nodes: dict[tuple[int, int], list[cst.CSTNode]] = {}
        for node in self.positions.ranges:
            if isinstance(node, (cst.Call, cst.FunctionDef)):
                self._nodes.setdefault(self.positions.span(node), []).append(node)

    def node(self, start: int, end: int, kind: type) -> cst.CSTNode:
        for node in self._nodes.get((start, end), []):
            if isinstance(node, kind):
                return node
        if kind is cst.FunctionDef:  # ast spans a def from `def` (or its first decorator) on
            for (s, e), nodes in self._nodes.items():
                for node in nodes:
                    if isinstance(node, cst.FunctionDef) and e == end and s <= start:
                        return node
        raise Refused("LibCST could not locate this code; change it by hand")

    def indent_tokens(self, node: cst.CSTNode) -> list[str]:
        """The indentation of the blocks around `node`, outermost first."""
        tokens: list[str] = []
        current = self.parents.get(node)
        while current is not None:
            if isinstance(current, cst.IndentedBlock):
                tokens.insert(0, self.module.default_indent if current.indent is None else current.indent)
            current = self.parents.get(current)
        return tokens

    def code(self, node: cst.CSTNode, indent: list[str]) -> str:
        """The text of `node` as it stands in the file (continuation lines carry the block indent,
        which `Module.code_for_node` leaves out)."""
        state = CodegenState(default_indent=self.module.default_indent, default_newline=self.module.default_newline,
                             indent_tokens=list(indent))
        node._codegen(state)
        return "".join(state.tokens)

    def line(self, node: cst.CSTNode) -> int:
        return self.positions.ranges[node].start.line

    # -- requests ---------------------------------------------------------------------------
    def wrap_call(self, request: WrapCall, adds: AddImport | None) -> list[Edit]:
        call = self.node(request.start, request.end, cst.Call)
        assert isinstance(call, cst.Call)
        self.check_binding(call, request.helper, adds)
        indent = self.indent_tokens(call)
        new = wrapped_call(call, request.helper, request.function, self.positions.ranges[call].start.column,
                           len("".join(indent)))
        old_code = self.code(call, indent)
        start, end = self.positions.span(call)
        if self.text[start:end] != old_code:
            raise Refused("LibCST could not locate this call exactly; change it by hand")
        return char_edits(old_code, self.code(new, indent), start)

    def remove_parameters(self, request: RemoveParameters) -> list[Edit]:
        node = self.node(request.start, request.end, cst.FunctionDef)
        assert isinstance(node, cst.FunctionDef)
        new_params = without_parameters(node.params, set(request.names))
        new = node.with_changes(params=new_params)
        if not new_params.children:  # nothing left: no line break or comma inside the parentheses
            new = new.with_changes(whitespace_before_params=cst.SimpleWhitespace(""))
        indent = self.indent_tokens(node)
        old_code = self.code(node, indent)
        start, end = self.positions.span(node)
        if self.text[start:end] != old_code:
            raise Refused("LibCST could not locate this function exactly; change it by hand")
        return char_edits(old_code, self.code(new, indent), start)

    def import_edits(self, imports: Sequence[AddImport]) -> list[Edit]:
        context = CodemodContext()
        for request in dict.fromkeys(imports):
            if request.name:
                AddImportsVisitor.add_needed_import(context, request.module, request.name)
            else:
                AddImportsVisitor.add_needed_import(context, request.module)
        new = AddImportsVisitor(context).transform_module(self.module)
        return line_edits(self.text, new.code)

    def check_binding(self, node: cst.CSTNode, name: str, adds: AddImport | None) -> None:
        """Refuse when `name`, as seen from `node`, is bound to anything but the import we add."""
        scope = self.scopes.get(node)
        if scope is None:
            return
        for assignment in _visible(scope, name):
            if isinstance(assignment, BuiltinAssignment):
                continue
            bound = assignment.node
            if adds is not None and _is_same_import(bound, adds):
                continue
            where = f" (line {self.line(bound)})" if bound in self.positions.ranges else ""
            raise Refused(
                f"`{name}` is already bound in this code{where} to something other than the helper; "
                f"rename that binding, or route the call through the helper yourself"
            )


def _visible(scope: Scope, name: str) -> list[Assignment | BuiltinAssignment]:
    found = list(scope[name])
    return [a for a in found if isinstance(a, (Assignment, BuiltinAssignment))]


def _is_same_import(node: cst.CSTNode, adds: AddImport) -> bool:
    if isinstance(node, cst.Import) and adds.name is None:
        return any(cst.helpers.get_full_name_for_node(a.name) == adds.module and a.asname is None for a in node.names)
    if isinstance(node, cst.ImportFrom) and adds.name is not None and node.relative == ():
        module = cst.helpers.get_full_name_for_node(node.module) if node.module is not None else None
        names = node.names
        return module == adds.module and not isinstance(names, cst.ImportStar) and any(
            cst.helpers.get_full_name_for_node(a.name) == adds.name and a.asname is None for a in names
        )
    return False


def wrapped_call(call: cst.Call, helper: str, function: str, column: int, block_indent: int = 0) -> cst.Call:
    """`send(args)` -> `helper.function(send, args)`. Arguments aligned under the old opening
    parenthesis move right with it; a hanging indent stays as it is."""
    before_args = call.whitespace_before_args
    hanging = isinstance(before_args, cst.ParenthesizedWhitespace)
    args = list(call.args)
    if not hanging and args:
        module = cst.Module(body=[])
        old_prefix = module.code_for_node(call.func) + module.code_for_node(call.whitespace_after_func) + "("
        new_prefix = f"{helper}.{function}(" + module.code_for_node(call.func) + ", "
        if "\n" not in old_prefix and "\r" not in old_prefix:
            first = column + len(old_prefix) + len(module.code_for_node(before_args))
            shift = len(new_prefix) - len(old_prefix)
            realign = _Realign(first, shift, block_indent)
            args = [arg.visit(realign) for arg in args]  # type: ignore[misc]
    callee = cst.Arg(
        value=call.func,
        comma=cst.Comma(whitespace_after=before_args if hanging else cst.SimpleWhitespace(" ")),
    )
    if not args:
        callee = cst.Arg(value=call.func)
    return call.with_changes(
        func=cst.Attribute(value=cst.Name(helper), attr=cst.Name(function)),
        whitespace_after_func=cst.SimpleWhitespace(""),
        whitespace_before_args=cst.SimpleWhitespace("") if hanging or args else before_args,
        args=[callee, *args],
    )


class _Realign(cst.CSTTransformer):
    """Shift continuation lines that sit at or right of `first` (visual indent) by `shift` spaces."""

    def __init__(self, first: int, shift: int, block_indent: int) -> None:
        super().__init__()
        self.first, self.shift, self.block_indent = first, shift, block_indent

    def _moved(self, value: str, indented: bool) -> str:
        width = len(value) + (self.block_indent if indented else 0)
        if "\t" in value or width < self.first:
            return value
        return value + " " * self.shift

    def leave_ParenthesizedWhitespace(
        self, original_node: cst.ParenthesizedWhitespace, updated_node: cst.ParenthesizedWhitespace
    ) -> cst.ParenthesizedWhitespace:
        lines = [line.with_changes(whitespace=cst.SimpleWhitespace(self._moved(line.whitespace.value, line.indent)))
                 if line.comment is not None else line for line in updated_node.empty_lines]
        return updated_node.with_changes(
            empty_lines=lines,
            last_line=cst.SimpleWhitespace(self._moved(updated_node.last_line.value, updated_node.indent)),
        )


def without_parameters(params: cst.Parameters, names: set[str]) -> cst.Parameters:
    """`params` without the named ones; the comma of the last remaining parameter follows what
    the removed last one had (a trailing comma stays only if something is left to trail)."""
    fields = ("posonly_params", "params", "kwonly_params")
    changes: dict[str, object] = {}
    for field_name in fields:
        kept = [p for p in getattr(params, field_name) if p.name.value not in names]
        changes[field_name] = kept
    new = params.with_changes(**changes)
    remaining = [p for f in fields for p in getattr(new, f)]
    if new.star_arg is cst.MaybeSentinel.DEFAULT and new.star_kwarg is None and remaining:
        last = remaining[-1]
        had_trailing = any(
            isinstance(p.comma, cst.Comma) for p in [*getattr(params, fields[0]), *params.params, *params.kwonly_params][-1:]
        )
        if not had_trailing and isinstance(last.comma, cst.Comma):
            new = _replace_param(new, last, last.with_changes(comma=cst.MaybeSentinel.DEFAULT))
    if not remaining and new.star_arg is cst.MaybeSentinel.DEFAULT and new.star_kwarg is None:
        new = cst.Parameters()
    return new


def _replace_param(params: cst.Parameters, old: cst.Param, new: cst.Param) -> cst.Parameters:
    for field_name in ("kwonly_params", "params", "posonly_params"):
        values = list(getattr(params, field_name))
        if old in values:
            values[values.index(old)] = new
            return params.with_changes(**{field_name: values})
    return params


def plan_edits(text: str, findings: list[Finding]) -> None:
    """Fill each finding's edits from its structural requests; refuse (manual, with the reason)
    the ones that cannot be done safely."""
    try:
        plan = StructuralPlan(text)
    except (cst.ParserSyntaxError, RecursionError, ValueError) as exc:
        for finding in findings:
            _refuse(finding, f"LibCST cannot parse the file ({str(exc).splitlines()[0]})")
        return
    importers: list[tuple[Finding, AddImport]] = []
    for finding in findings:
        adds = next((r for r in finding.structural if isinstance(r, AddImport)), None)
        edits: list[Edit] = list(finding.edits)
        try:
            for request in finding.structural:
                if isinstance(request, WrapCall):
                    edits.extend(plan.wrap_call(request, adds))
                elif isinstance(request, RemoveParameters):
                    edits.extend(plan.remove_parameters(request))
        except Refused as exc:
            _refuse(finding, str(exc))
            continue
        finding.edits = tuple(edits)
        finding.structural = tuple(r for r in finding.structural if isinstance(r, AddImport))
        if adds is not None:
            importers.append((finding, adds))
    if importers:
        # Every finding that needs the import carries the same insertion: one all-or-nothing group.
        shared = tuple(plan.import_edits([adds for _, adds in importers]))
        for finding, _ in importers:
            finding.edits = finding.edits + shared
    for finding in findings:
        finding.structural = ()


def _refuse(finding: Finding, reason: str) -> None:
    finding.edits = ()
    finding.structural = ()
    finding.fix = FixSafety.MANUAL
    finding.extra["refused"] = reason
    finding.message = f"{finding.message}; NOT rewritten: {reason}"
