"""LibCST transformer: structural requests of one file -> ordinary edits on its findings.

The file is parsed once; positions come from `PositionProvider` and name bindings from
`ScopeProvider`. A call is wrapped only when the helper's name is free at the call site (or bound
by the very import the fix adds); a name bound to anything else refuses the fix. A keyword the
wrapped call gets (`refresh_auth=new_token`) names a function: it is added only when that name,
seen from the call, is bound by the one statement the analysis found, else the call is wrapped
without it and the finding says why. Imports are added with `AddImportsVisitor`, which skips an
import that is already there; a name joins an existing `from module import ...` (found with
matchers) at the end of its list. The new text of each changed node is diffed against the old
one, so the edits never cover text another rule edits (the URL literal inside a wrapped call
stays VNI001's).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import libcst as cst
import libcst.matchers as m
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import CodeRange, MetadataWrapper, ParentNodeProvider, PositionProvider, ScopeProvider
from libcst.metadata.scope_provider import Assignment, BuiltinAssignment, Scope

from migrator.findings import Edit, Finding, FixSafety
from migrator.structural.requests import AddImport, BoundKeyword, RemoveParameters, WrapCall
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
            if isinstance(node, cst.Call):
                self._nodes.setdefault(self.positions.span(node), []).append(node)

    def node(self, start: int, end: int, kind: type) -> cst.CSTNode:
        for node in self._nodes.get((start, end), []):
            if isinstance(node, kind):
                return node
        raise Refused("LibCST could not locate this code; change it by hand")

    def function(self, start: int) -> cst.FunctionDef:
        """The def whose `def` keyword (ast's position for a function) is on the line of `start`."""
        line = next(i for i in range(len(self.positions.starts), 0, -1) if self.positions.starts[i - 1] <= start)
        for node in self.positions.ranges:
            if isinstance(node, cst.FunctionDef) and self.positions.ranges[node.name].start.line == line:
                return node
        raise Refused("LibCST could not locate this function; change it by hand")

    def indent_tokens(self, node: cst.CSTNode) -> list[str]:
        """The indentation of the blocks around `node`, outermost first."""
        tokens: list[str] = []
        current = self.parents.get(node)
        while current is not None:
            if isinstance(current, cst.IndentedBlock):
                tokens.insert(0, self.module.default_indent if current.indent is None else current.indent)
            current = self.parents.get(current)
        return tokens

    def replaced(self, old: cst.CSTNode, new: cst.CSTNode) -> list[Edit]:
        """The edits that put `new` where `old` is: the module is regenerated with the node swapped
        and diffed against the file (everything else comes out byte for byte)."""
        module = self.module.deep_replace(old, new)
        assert isinstance(module, cst.Module)
        return char_edits(self.text, module.code, 0)

    def line(self, node: cst.CSTNode) -> int:
        return self.positions.ranges[node].start.line

    # -- requests ---------------------------------------------------------------------------
    def wrap_call(self, request: WrapCall, adds: AddImport | None) -> tuple[list[Edit], list[tuple[BoundKeyword, str]]]:
        """The edits wrapping the call, and the keywords left out with the reason for each."""
        call = self.node(request.start, request.end, cst.Call)
        assert isinstance(call, cst.Call)
        self.check_binding(call, request.helper, adds)
        indent = self.indent_tokens(call)
        new = wrapped_call(call, request.helper, request.function, self.positions.ranges[call].start.column,
                           len("".join(indent)))
        left_out: list[tuple[BoundKeyword, str]] = []
        for keyword in request.keywords:
            reason = self.keyword_problem(call, keyword)
            if reason is None:
                new = with_keyword(new, keyword.keyword, keyword.name)
            else:
                left_out.append((keyword, reason))
        return self._within(self.replaced(call, new), call), left_out

    def keyword_problem(self, call: cst.Call, keyword: BoundKeyword) -> str | None:
        """Why `keyword.name`, as seen from `call`, is not (only) the binding on `keyword.line`; None if it is."""
        scope = self.scopes.get(call)
        if scope is None:
            return "LibCST found no scope for the call"
        bindings = [a for a in _visible(scope, keyword.name) if isinstance(a, Assignment)]
        others = [a.node for a in bindings if self._binding_line(a.node) != keyword.line]
        if others:
            return keyword.bound_elsewhere(self._binding_line(others[0]))
        if not bindings:
            return f"`{keyword.name}` is not bound where the call is"
        if not self._inside_function(call) and keyword.line > self.line(call):
            return keyword.bound_after()
        return None

    def _binding_line(self, node: cst.CSTNode) -> int:
        """The line ast gives the binding statement (a def's `def` line, not its decorators)."""
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            return self.line(node.name)
        return self.line(node) if node in self.positions.ranges else 0

    def _inside_function(self, node: cst.CSTNode) -> bool:
        current = self.parents.get(node)
        while current is not None:
            if isinstance(current, (cst.FunctionDef, cst.Lambda)):
                return True
            current = self.parents.get(current)
        return False

    def remove_parameters(self, request: RemoveParameters) -> list[Edit]:
        node = self.function(request.start)
        new_params = without_parameters(node.params, set(request.names))
        before = node.whitespace_before_params
        new_before = cst.SimpleWhitespace("") if not _elements(new_params) else before
        new = node.with_changes(params=new_params, whitespace_before_params=new_before)
        return self._within(self.replaced(node, new), node)

    def _within(self, edits: list[Edit], node: cst.CSTNode) -> list[Edit]:
        """`edits`, checked to lie inside `node` (anything else means the tree and the text disagree)."""
        start, end = self.positions.span(node)
        if not edits or any(e.start < start or e.end > end for e in edits):
            raise Refused("LibCST could not rewrite this code exactly; change it by hand")
        return edits

    def import_edits(self, imports: Sequence[AddImport]) -> list[Edit]:
        """Edits adding the imports: a name joins the end of an existing `from module import ...`
        (the names keep their order); anything else is a new line placed by `AddImportsVisitor`."""
        pending = list(dict.fromkeys(imports))
        edits: list[Edit] = []
        for request in list(pending):
            joined = self._join_existing(request)
            if joined is not None:
                edits.append(joined)
                pending.remove(request)
        if not pending:
            return edits
        return edits + self._visitor_edits(pending)

    def ordered_import_edits(self, imports: Sequence[AddImport]) -> list[Edit]:
        """Edits adding the imports in the order given: each is placed as `import_edits` places it
        alone, and new lines that land on the same spot follow one another in that order."""
        merged: dict[tuple[int, int], Edit] = {}
        for request in dict.fromkeys(imports):
            for edit in self.import_edits([request]):
                key = (edit.start, edit.end)
                previous = merged.get(key)
                if previous is not None and edit.start == edit.end:
                    merged[key] = Edit(edit.start, edit.end, previous.replacement + edit.replacement)
                else:
                    merged.setdefault(key, edit)
        return list(merged.values())

    def _join_existing(self, request: AddImport) -> Edit | None:
        if request.name is None:
            return None
        for statement in self.module.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if m.matches(small, _plain_from_import(request.module)):
                    assert isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar)
                    names = list(small.names)
                    last = names[-1]
                    comma = last.comma if isinstance(last.comma, cst.Comma) else cst.Comma(
                        whitespace_after=cst.SimpleWhitespace(" "))
                    trailing = last.comma if isinstance(last.comma, cst.Comma) else cst.MaybeSentinel.DEFAULT
                    if isinstance(trailing, cst.Comma):  # `(a, b,\n)`: the new name goes before the `)`
                        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                        trailing = last.comma
                    names[-1] = last.with_changes(comma=comma)
                    names.append(cst.ImportAlias(name=cst.Name(request.name), comma=trailing))
                    new = small.with_changes(names=names)
                    return _single(self.replaced(small, new))
        return None

    def _visitor_edits(self, pending: list[AddImport]) -> list[Edit]:
        context = CodemodContext()
        for request in pending:
            if request.name:
                AddImportsVisitor.add_needed_import(context, request.module, request.name)
            else:
                AddImportsVisitor.add_needed_import(context, request.module)
        new = AddImportsVisitor(context).transform_module(self.module)
        return line_edits(self.text, new.code)

    def check_module_binding(self, adds: AddImport) -> None:
        """Refuse when the name the import binds is bound anywhere in the module to something else
        (a later `request = ...` would silently replace the imported object)."""
        for scope in set(self.scopes.values()):
            if scope is None:
                continue
            for assignment in scope.assignments[adds.binds]:
                if isinstance(assignment, Assignment) and not _is_same_import(assignment.node, adds):
                    bound = assignment.node
                    raise Refused(adds.bound_in_module(self.line(bound) if bound in self.positions.ranges else None))

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


def _plain_from_import(module: str) -> m.ImportFrom:
    """`from module import a, b` (absolute, no star): where a new name can join the list."""
    return m.ImportFrom(
        relative=[],
        module=m.MatchIfTrue(lambda node: node is not None and cst.helpers.get_full_name_for_node(node) == module),
        names=m.DoesNotMatch(m.ImportStar()),
    )


def _single(edits: list[Edit]) -> Edit:
    start, end = min(e.start for e in edits), max(e.end for e in edits)
    if len(edits) == 1:
        return edits[0]
    raise Refused(f"the import could not be joined as one edit ({start}-{end})")


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


def with_keyword(call: cst.Call, keyword: str, name: str) -> cst.Call:
    """`call` with `keyword=name` after its last argument, in the call's layout: the separator is
    the one between its last two arguments (a space, or a new line when they are one per line), and
    a trailing comma and the space before `)` stay at the end."""
    args = list(call.args)
    last = args[-1]
    separator: cst.BaseParenthesizableWhitespace = cst.SimpleWhitespace(" ")
    if len(args) >= 2 and isinstance(args[-2].comma, cst.Comma):
        separator = _without_comments(args[-2].comma.whitespace_after)
    added = cst.Arg(value=cst.Name(name), keyword=cst.Name(keyword),
                    equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                          whitespace_after=cst.SimpleWhitespace("")),
                    whitespace_after_arg=last.whitespace_after_arg)
    if isinstance(last.comma, cst.Comma):  # `(..., last,\n)`: the new argument takes the trailing comma
        added = added.with_changes(comma=last.comma)
        comma = cst.Comma(whitespace_before=last.comma.whitespace_before, whitespace_after=separator)
    else:
        comma = cst.Comma(whitespace_after=separator)
    last = last.with_changes(comma=comma, whitespace_after_arg=cst.SimpleWhitespace(""))
    return call.with_changes(args=[*args[:-1], last, added])


def _without_comments(whitespace: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    """The same line break and indent, without the comment lines it carries (they stay where they are)."""
    if isinstance(whitespace, cst.ParenthesizedWhitespace):
        return whitespace.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
    return whitespace


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


_PARAM_FIELDS = ("posonly_params", "posonly_ind", "params", "star_arg", "kwonly_params", "star_kwarg")


def _elements(params: cst.Parameters) -> list[tuple[str, cst.CSTNode]]:
    """The parameters' elements in source order, each with the field that holds it."""
    out: list[tuple[str, cst.CSTNode]] = []
    for name in _PARAM_FIELDS:
        value = getattr(params, name)
        if isinstance(value, (list, tuple)):
            out.extend((name, v) for v in value)
        elif isinstance(value, cst.CSTNode):
            out.append((name, value))
    return out


def _replace_element(params: cst.Parameters, field_name: str, old: cst.CSTNode, new: cst.CSTNode) -> cst.Parameters:
    value = getattr(params, field_name)
    if isinstance(value, (list, tuple)):
        return params.with_changes(**{field_name: [new if v is old else v for v in value]})
    return params.with_changes(**{field_name: new})


def without_parameters(params: cst.Parameters, names: set[str]) -> cst.Parameters:
    """`params` without the named ones. The element that becomes last takes over the removed last
    element's comma and spacing (a trailing comma stays only if something is left to trail), and a
    bare `*` or `/` with nothing left to mark goes too."""
    before = _elements(params)
    changes: dict[str, object] = {
        "posonly_params": [p for p in params.posonly_params if p.name.value not in names],
        "params": [p for p in params.params if p.name.value not in names],
        "kwonly_params": [p for p in params.kwonly_params if p.name.value not in names],
    }
    if not changes["posonly_params"] and isinstance(params.posonly_ind, cst.ParamSlash):
        changes["posonly_ind"] = cst.MaybeSentinel.DEFAULT
    if not changes["kwonly_params"] and isinstance(params.star_arg, cst.ParamStar):
        changes["star_arg"] = cst.MaybeSentinel.DEFAULT
    new = params.with_changes(**changes)
    after = _elements(new)
    if not after:
        return cst.Parameters()
    old_last, (field_name, new_last) = before[-1][1], after[-1]
    if new_last is not old_last and isinstance(new_last, (cst.Param, cst.ParamStar, cst.ParamSlash)):
        old_comma = getattr(old_last, "comma", cst.MaybeSentinel.DEFAULT)
        if isinstance(old_comma, cst.Comma):
            comma = new_last.comma if isinstance(new_last.comma, cst.Comma) else cst.Comma()
            replaced = new_last.with_changes(comma=comma.with_changes(whitespace_after=old_comma.whitespace_after))
        else:
            replaced = new_last.with_changes(comma=cst.MaybeSentinel.DEFAULT)
            if isinstance(new_last, cst.Param) and isinstance(old_last, cst.Param):
                replaced = replaced.with_changes(whitespace_after_param=old_last.whitespace_after_param)
        new = _replace_element(new, field_name, new_last, replaced)
    return new


def plan_edits(text: str, findings: list[Finding]) -> None:
    """Fill each finding's edits from its structural requests; refuse (manual, with the reason)
    the ones that cannot be done safely."""
    try:
        plan = StructuralPlan(text)
    except (cst.ParserSyntaxError, RecursionError, ValueError) as exc:
        for finding in findings:
            _refuse(finding, f"LibCST cannot parse the file ({str(exc).splitlines()[0]})")
        return
    importers: list[tuple[Finding, tuple[AddImport, ...]]] = []
    for finding in findings:
        imports = tuple(r for r in finding.structural if isinstance(r, AddImport))
        adds = imports[0] if imports else None  # a wrapped call's helper import comes first
        edits: list[Edit] = list(finding.edits)
        left_out: list[tuple[BoundKeyword, str]] = []
        try:
            for request in imports:
                if request.module_wide:
                    plan.check_module_binding(request)
            for request in finding.structural:
                if isinstance(request, WrapCall):
                    wrapped, skipped = plan.wrap_call(request, adds)
                    edits.extend(wrapped)
                    left_out.extend(skipped)
                elif isinstance(request, RemoveParameters):
                    edits.extend(plan.remove_parameters(request))
        except Refused as exc:
            _refuse(finding, str(exc))
            continue
        for keyword, reason in left_out:
            _leave_out(finding, keyword, reason)
        finding.edits = tuple(edits)
        finding.structural = imports
        if imports:
            importers.append((finding, imports))
    placed: dict[tuple[AddImport, ...], tuple[Edit, ...]] = {}
    for finding, imports in importers:
        # Findings that need the same imports carry the same insertion: one all-or-nothing group.
        if imports not in placed:
            placed[imports] = tuple(plan.ordered_import_edits(imports))
        finding.edits = finding.edits + placed[imports]
    for finding in findings:
        finding.structural = ()


def _leave_out(finding: Finding, keyword: BoundKeyword, reason: str) -> None:
    """The call is wrapped without `keyword`: the finding says why, instead of what was planned."""
    finding.extra.pop(keyword.keyword, None)
    finding.extra[f"{keyword.keyword}_left_out"] = reason
    said = keyword.left_out(reason)
    if keyword.planned and keyword.planned in finding.message:
        finding.message = finding.message.replace(keyword.planned, said, 1)
    else:
        finding.message += said


def _refuse(finding: Finding, reason: str) -> None:
    finding.edits = ()
    finding.structural = ()
    finding.fix = FixSafety.MANUAL
    finding.extra["refused"] = reason
    finding.message = f"{finding.message}; NOT rewritten: {reason}"
