"""VNI005: project-wide value flow, so VNI002 fixes bases and paths that live in different modules.

Per-file analysis stops at the file's edge: a path joined to `from .config import BASE_URL` is a
manual finding there, and a base whose local joins are all proved is rewritten even when another
module imports it. This kind follows the per-file leads across the tree (`module_index.py`):

- paths joined to imported names (aliases, relative imports, `import settings` then
  `settings.URL`, settings objects, re-exports) are re-analysed with a resolver that reaches into
  the defining module, so the base literal and the path literal are rewritten together;
- classes that inherit a base from a class in another module (a `url_base` property, a `path`
  attribute) have the base class's joins analysed for each subclass, and frameworks that join
  them implicitly (Singer SDK's `RESTStream`: `url_base + path`) are declared in the rule's
  `class_joins`;
- every module that may use a rewritten definition is found (a byte check for its name, then
  resolution), and a definition used anywhere the tool cannot follow makes all of its edits a
  review fix.

Findings are reported as VNI002 (the same problem, the same fix), one per file touched; the edits
on a shared literal put them in one group with the per-file findings on it, and the fix safety
of everything joined that way is made uniform, so no file is migrated without its partner.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from migrator.findings import Edit, Finding, FixSafety
from migrator.python.context import PythonContext, render_message
from migrator.python.module_index import ModuleInfo, ProjectIndex
from migrator.python.urlflow import FileAnalysis, ForeignEdit, UrlSite, analyse
from migrator.rulefile import Rule
from migrator.suppression import apply_suppressions, find_suppressions

KIND = "project-flow"
LANGUAGE = "project"
SPLIT_RULE = "VNI002"
_IDENT = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
_RANK = {FixSafety.SAFE: 0, FixSafety.REVIEW: 1, FixSafety.MANUAL: 2}


def validate_parameters(parameters: dict[str, Any]) -> str | None:
    unknown = set(parameters) - {"class_joins"}
    if unknown:
        return f"unknown parameter(s) {', '.join(sorted(unknown))} (allowed: class_joins)"
    for i, join in enumerate(parameters.get("class_joins") or []):
        if not isinstance(join, dict) or not isinstance(join.get("base_classes"), list):
            return f"class_joins[{i}] needs 'base_classes' (qualified names, e.g. singer_sdk.RESTStream)"
        if not isinstance(join.get("base", "url_base"), str) or not isinstance(join.get("path", "path"), str):
            return f"class_joins[{i}]: 'base' and 'path' are attribute names"
    return None


def project_findings(ctx, rule: Rule) -> list[Finding]:  # type: ignore[no-untyped-def]
    split = next((r for r in ctx.rules if r.id == SPLIT_RULE), None)
    if split is None:  # the cross-module fixes are VNI002 fixes: nothing to do when it is off
        return []
    return ProjectFlow(ctx, rule, split).run()


class ProjectFlow:
    def __init__(self, ctx: Any, rule: Rule, split: Rule) -> None:
        self.ctx = ctx
        self.rule = rule
        self.split = split
        self.python = [(p, d) for p, d in ctx.files if p.suffix in (".py", ".pyi")]
        self._index: ProjectIndex | None = None
        self.analyses: dict[str, FileAnalysis] = {}
        self.contexts: dict[str, PythonContext] = {}
        # canonical key -> display -> ids of references used by fixable joins
        self.consumed: dict[str, dict[str, set[int]]] = {}
        self.sites: list[tuple[ModuleInfo, UrlSite, str]] = []  # (analysed module, site, note)
        self._seen_sites: set[tuple[str, int, tuple[Edit, ...]]] = set()

    @property
    def index(self) -> ProjectIndex:
        """Built on first use: a run with no cross-module lead never names its modules."""
        if self._index is None:
            self._index = ProjectIndex(self.python, list(self.ctx.roots), self._read)
        return self._index

    def _read(self, display: str, path: Path) -> str | None:
        source = self.ctx.source(display, path)
        return source.text if source is not None else None

    # -- the run --------------------------------------------------------------------------------
    def run(self) -> list[Finding]:
        users, wanted = self._seeds()
        self.risky: dict[str, set[str]] = {}
        if not users and not wanted:
            return []
        importers = self._importers(wanted)
        # only definitions some other module mentions can be used across modules
        self.risky = {name: definers for name, definers in wanted.items() if name in self.used_names}
        for display in sorted(set(users) | importers):
            module = self._module(display)
            if module is None:
                continue
            self._collect(module, self._analysis(module))
            self._instantiate(module)
        self._analyse_definers()
        findings = self._findings()
        findings += self._at_risk_only(findings)
        self._apply_suppressions(findings)
        self._make_uniform(findings)
        self._supersede(findings)
        return findings

    def _module(self, display: str) -> ModuleInfo | None:
        path = next((p for p, d in self.python if d == display), Path(display))
        return self.index.load(path, display)

    def _seeds(self) -> tuple[set[str], dict[str, set[str]]]:
        """Files with paths joined to names defined elsewhere; names of definitions other modules may use."""
        users: set[str] = set()
        wanted: dict[str, set[str]] = {}  # identifier -> files defining it
        for display, result in self.ctx.results.items():
            for finding in result.findings:
                if finding.rule != self.split.id:
                    continue
                if "base_name" in finding.extra:
                    users.add(display)
                for key in finding.extra.get("bases", ()):
                    kind, _, name = key.partition(":")
                    if kind == "module":
                        wanted.setdefault(name.split("[")[0], set()).add(display)
                    elif kind == "class":
                        wanted.setdefault(name.split(".")[0], set()).add(display)
                if "partial_base" in finding.extra:
                    for name in self._definition_names(display, finding):
                        wanted.setdefault(name, set()).add(display)
        return users, wanted

    def _definition_names(self, display: str, finding: Finding) -> list[str]:
        """The module-level name or class a partial base literal is the value of."""
        module = self._module(display)
        if module is None or module.tree is None or module.index is None:
            return []
        names: list[str] = []
        for stmt in module.tree.body:
            start, end = module.index.node_span(stmt)
            line_start = module.index.position(start)[0]
            line_end = module.index.position(end)[0]
            if not line_start <= finding.line <= line_end:
                continue
            if isinstance(stmt, ast.ClassDef):
                names.append(stmt.name)
            elif isinstance(stmt, ast.Assign):
                names.extend(t.id for t in stmt.targets if isinstance(t, ast.Name))
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                names.append(stmt.target.id)
        return names

    def _importers(self, wanted: dict[str, set[str]]) -> set[str]:
        """Files (other than the definer) that mention a wanted name: a cheap superset of its users."""
        if not wanted:
            return set()
        needles = {name.encode() for name in wanted}
        out: set[str] = set()
        self.used_names: set[str] = set()
        for path, display in self.python:
            try:
                raw = path.read_bytes()
            except OSError:
                continue
            # One identifier scan per file: with many exported names, testing each name as a
            # substring was the slow part (500 names x 500 files).
            hits = needles.intersection(_IDENT.findall(raw))
            for name in hits:
                if display not in wanted[name.decode()]:
                    out.add(display)
                    self.used_names.add(name.decode())
        return out

    def _analyse_definers(self) -> None:
        """Analyse the modules that define what the joins use, for their own uses of it."""
        done: set[str] = set()
        while True:
            keys = {_canonical(r.key, m) for m, site, _ in self.sites for r, _ in site.remote_refs}
            for names in self.risky.values():
                for display in names:
                    module = self._module(display)
                    if module is not None:
                        keys.add(f"export:{module.name}:")
            todo = {k.split(":", 2)[1] for k in keys if k.startswith("export:")} - done
            if not todo:
                return
            for name in sorted(todo):
                done.add(name)
                module = self.index.module(name)
                if module is not None and module.display not in self.analyses:
                    self._collect(module, self._analysis(module))

    def _analysis(self, module: ModuleInfo) -> FileAnalysis:
        if module.display not in self.analyses:
            assert module.tree is not None
            self.analyses[module.display] = analyse(
                module.text, module.tree, self._config(module), module.resolver, self.index.origins
            )
        return self.analyses[module.display]

    def _config(self, module: ModuleInfo) -> Any:
        if module.display not in self.contexts:
            assert module.tree is not None
            self.contexts[module.display] = PythonContext(module.display, module.text, module.tree, self.ctx.rules)
        return self.contexts[module.display].flow_config

    # -- sites ----------------------------------------------------------------------------------
    def _collect(self, module: ModuleInfo, analysis: FileAnalysis, note: str = "", instantiated: bool = False) -> None:
        for site in analysis.sites:
            if site.rule != "VNI002" and not any(isinstance(e, ForeignEdit) for e in site.edits):
                self._consume(module, site)
                continue
            files = {_file_of(e, module.display) for e in site.edits}
            crosses = any(f != module.display for f in files) or any(r.key.startswith("export:") for r, _ in site.remote_refs)
            self._consume(module, site)
            if not crosses or (instantiated and files <= {module.display}):
                continue
            key = (module.display, id(site.node), tuple(sorted(site.edits, key=lambda e: (e.start, e.end))))
            if key in self._seen_sites:
                continue
            self._seen_sites.add(key)
            self.sites.append((module, site, note))

    def _consume(self, module: ModuleInfo, site: UrlSite) -> None:
        if not site.edits or site.problem:
            return
        for resolution, ref in site.remote_refs:
            canonical = _canonical(resolution.key, module)
            owner = self.index.owner.get(id(ref))
            where = owner.display if owner is not None else module.display
            self.consumed.setdefault(canonical, {}).setdefault(where, set()).add(id(ref))

    def _instantiate(self, module: ModuleInfo) -> None:
        """Joins a class inherits from a class in another module, analysed with `self` of that class."""
        resolver = module.resolver
        assert resolver is not None and module.tree is not None
        joins = self.rule.parameters.get("class_joins") or []
        for name, info in resolver.classes.items():
            chain = self.index.class_chain((module, name))
            for ancestor, ancestor_name in chain[1:]:
                if ancestor is module:
                    continue
                self._inherited_joins(ancestor, ancestor_name, (module, name))
            if joins:
                bases = self.index.qualified_bases((module, name))
                for join in joins:
                    if bases & set(join["base_classes"]):
                        self._framework_join(module, name, info.node, join)

    def _inherited_joins(self, base_module: ModuleInfo, base_class: str, receiver: tuple[ModuleInfo, str]) -> None:
        resolver = base_module.resolver
        assert resolver is not None and base_module.tree is not None
        info = resolver.classes.get(base_class)
        if info is None:
            return
        roots: list[tuple[ast.expr, ast.AST]] = []
        for stmt in info.node.body:
            if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) or not stmt.args.args:
                continue
            me = stmt.args.args[0].arg
            for expr in _maximal_string_roots(stmt):
                if any(isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == me for n in ast.walk(expr)):
                    roots.append((expr, expr))
        if not roots:
            return
        resolver.receivers = {base_class: receiver}
        try:
            analysis = analyse(
                base_module.text, base_module.tree, self._config(base_module), resolver, self.index.origins, tuple(roots), traverse=False
            )
        finally:
            resolver.receivers = {}
        self._collect(base_module, analysis, f"for {receiver[1]} ({receiver[0].display})", instantiated=True)

    def _framework_join(self, module: ModuleInfo, name: str, node: ast.ClassDef, join: dict[str, Any]) -> None:
        resolver = module.resolver
        assert resolver is not None and module.tree is not None
        base_attr, path_attr = join.get("base", "url_base"), join.get("path", "path")
        path_hit = self.index.class_attribute((module, name), path_attr)
        if path_hit is None:
            return  # an abstract stream class: no path of its own
        anchor: ast.AST = path_hit[0].expr if path_hit[1] is module else node
        left = ast.Attribute(value=ast.Name(id="self", ctx=ast.Load()), attr=base_attr, ctx=ast.Load())
        right = ast.Attribute(value=ast.Name(id="self", ctx=ast.Load()), attr=path_attr, ctx=ast.Load())
        synthetic = ast.BinOp(left=left, op=ast.Add(), right=right)
        resolver.receiver_nodes = {id(left): (module, name), id(right): (module, name)}
        try:
            analysis = analyse(
                module.text, module.tree, self._config(module), resolver, self.index.origins, ((synthetic, anchor),), traverse=False
            )
        finally:
            resolver.receiver_nodes = {}
        self._collect(module, analysis, f"joined by {join['base_classes'][0]} for {name}", instantiated=True)

    # -- proof ----------------------------------------------------------------------------------
    def _unfollowed_use(self, canonical: str) -> str | None:
        """Where a definition is used other than in a join the fix rewrites, or None."""
        _, modname, qual = canonical.split(":", 2)
        definer = self.index.module(modname)
        if definer is None:
            return "its module"
        local_key = ("class:" if "." in qual else "module:") + qual
        files: list[tuple[ModuleInfo, str]] = [(definer, local_key)]
        files += [(m, canonical) for d, m in sorted(self.index.by_display.items()) if m is not definer and d in self.analyses]
        for module, key in files:
            resolver = module.resolver
            assert resolver is not None
            used = self.consumed.get(canonical, {}).get(module.display, set())
            if resolver.reference_sites(key) > len(used):
                node = _first_unconsumed(resolver, key, used)
                return f"{module.display}:{node.lineno}" if node is not None else module.display
        return None

    # -- findings -------------------------------------------------------------------------------
    def _findings(self) -> list[Finding]:
        out: list[Finding] = []
        for group_id, (module, site, note) in enumerate(self.sites):
            reasons: list[str] = []
            if site.proof != "proved":
                reasons.append("a value on the way may be replaced at run time")
            for env in site.env:
                reasons.append(f"the environment variable {env} may hold the old base in deployments (see VNI006)")
            analysis = self.analyses.get(module.display)
            for resolution, _ in site.remote_refs:
                if resolution.key.startswith("export:") or resolution.key.startswith("class:"):
                    where = self._unfollowed_use(_canonical(resolution.key, module))
                    if where:
                        reasons.append(f"{resolution.label} is also used in {where}, where the tool cannot follow it")
                elif analysis is not None and not analysis.fully_consumed(resolution.key):
                    reasons.append(f"{resolution.label} is also used where the tool cannot follow it")
            bases = sorted({r.label for r, _ in site.remote_refs})
            message = render_message(self.split, old=site.old, new=site.new, base=", ".join(bases) or "a literal")
            fix = self.split.fix
            if site.problem:
                message += f" (not fixed automatically: {site.problem})"
                fix = FixSafety.MANUAL
            elif reasons:
                fix = FixSafety.REVIEW if fix is FixSafety.SAFE else fix
                message += " (review: " + "; ".join(dict.fromkeys(reasons)) + ")"
            by_file: dict[str, list[Edit]] = {}
            for edit in site.edits:
                by_file.setdefault(_file_of(edit, module.display), []).append(Edit(edit.start, edit.end, edit.replacement))
            files = sorted(set(by_file) | {module.display})
            extra: dict[str, Any] = {
                "url": site.new, "old_url": site.old, "join": site.kind, "proved": not reasons and not site.problem,
                "cross_module": True, "files": files, "bases": sorted({r.key for r, _ in site.remote_refs}),
                "project_group": group_id,
            }
            if note:
                extra["receiver"] = note
            if site.env:
                extra["environment"] = site.env
            ctx = self.contexts.get(module.display) or PythonContext(module.display, module.text, module.tree, self.ctx.rules)  # type: ignore[arg-type]
            primary = ctx.finding(self.split, site.node, message + (f" [{note}]" if note else ""), by_file.get(module.display, []),
                                  fix=fix, replacement=site.new, extra=extra)
            out.append(primary)
            for other in files:
                if other == module.display:
                    continue
                target = self._module(other)
                if target is None:
                    continue
                edits = by_file[other]
                span = (min(e.start for e in edits), max(e.end for e in edits))
                tctx = self.contexts.get(other) or PythonContext(other, target.text, target.tree, self.ctx.rules)  # type: ignore[arg-type]
                self.contexts.setdefault(other, tctx)
                companion = tctx.finding(
                    self.split, span,
                    f"Part of the cross-module join at {module.display}:{primary.line}: " + message, edits,
                    fix=fix, replacement=site.new, extra=dict(extra),
                )
                out.append(companion)
        return out

    def _at_risk_only(self, made: list[Finding]) -> list[Finding]:
        """Per-file fixes of a definition another module uses where the tool cannot follow it: review."""
        out: list[Finding] = []
        done = {(f.path, e.start, e.end) for f in made for e in f.edits}
        definers = {d for names in self.risky.values() for d in names}
        for display in sorted(definers):
            result = self.ctx.results.get(display)
            definer = self._module(display)
            if definer is None or result is None:
                continue
            for finding in result.findings:
                if finding.rule != self.split.id or not finding.edits or finding.suppressed:
                    continue
                for key in finding.extra.get("bases", ()):
                    if not key.startswith(("module:", "class:")):
                        continue
                    canonical = _canonical(key, definer)
                    name = key.split(":", 1)[1].split(".")[0].split("[")[0]
                    if name not in self.risky:
                        continue
                    where = self._unfollowed_use(canonical)
                    if where is None or where.startswith(display + ":"):
                        continue
                    edits = self._definition_edits(definer, canonical, finding)
                    if not edits or all((display, e.start, e.end) in done for e in edits):
                        continue
                    ctx = self.contexts.get(display) or PythonContext(display, definer.text, definer.tree, self.ctx.rules)  # type: ignore[arg-type]
                    label = key.split(":", 1)[1]
                    out.append(ctx.finding(
                        self.split, (min(e.start for e in edits), max(e.end for e in edits)),
                        f"{label} is rewritten here, but it is also used in {where}, where the tool cannot follow it: "
                        "review this fix together with that module",
                        edits, fix=FixSafety.REVIEW, extra={"cross_module": True, "bases": [key], "used_in": where, "proved": False},
                    ))
                    done.update((display, e.start, e.end) for e in edits)
        return out

    def _definition_edits(self, definer: ModuleInfo, canonical: str, finding: Finding) -> list[Edit]:
        """The edits of `finding` that fall inside the definition's value."""
        _, _, qual = canonical.split(":", 2)
        resolver = definer.resolver
        assert resolver is not None and definer.index is not None
        expr: ast.expr | None = None
        if "." in qual:
            cls, attr = qual.split(".", 1)
            hit = self.index.class_attribute((definer, cls), attr)
            expr = hit[0].expr if hit and hit[1] is definer else None
        else:
            values = resolver.module_bindings.get(qual, [])
            expr = values[0] if len(values) == 1 else None
        if expr is None:
            return []
        start, end = definer.index.node_span(expr)
        return [e for e in finding.edits if start <= e.start and e.end <= end]

    # -- consistency ----------------------------------------------------------------------------
    def _apply_suppressions(self, findings: list[Finding]) -> None:
        by_file: dict[str, list[Finding]] = {}
        for finding in findings:
            by_file.setdefault(finding.path, []).append(finding)
        for display, group in by_file.items():
            module = self._module(display)
            if module is not None:
                apply_suppressions(group, find_suppressions(module.text, module.tree))

    def _make_uniform(self, findings: list[Finding]) -> None:
        """Findings joined by a shared edit or a cross-module join get the weakest fix safety of all."""
        members: list[Finding] = list(findings)
        mine = {id(f) for f in findings}
        for path in {f.path for f in findings}:
            result = self.ctx.results.get(path)
            if result is not None:
                members.extend(f for f in result.findings if f.edits and id(f) not in mine)
        parent = list(range(len(members)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        owner: dict[tuple[str, int, int], int] = {}
        groups: dict[int, int] = {}
        for i, finding in enumerate(members):
            for edit in finding.edits:
                key = (finding.path, edit.start, edit.end)
                if key in owner:
                    parent[find(i)] = find(owner[key])
                else:
                    owner[key] = i
            group = finding.extra.get("project_group") if id(finding) in mine else None
            if group is not None:
                if group in groups:
                    parent[find(i)] = find(groups[group])
                else:
                    groups[group] = i
        components: dict[int, list[Finding]] = {}
        for i, finding in enumerate(members):
            components.setdefault(find(i), []).append(finding)
        for component in components.values():
            ours = [f for f in component if id(f) in mine]
            if not ours:
                continue
            worst = max(component, key=lambda f: _RANK[f.fix] + (3 if f.suppressed else 0))
            if worst.suppressed or worst.fix is FixSafety.MANUAL:
                why = "suppressed" if worst.suppressed else "not fixable automatically"
                for finding in ours:
                    if finding is not worst and finding.edits:
                        finding.fix = FixSafety.MANUAL
                        finding.extra["proved"] = False
                        finding.extra["skipped"] = f"part of a cross-module fix whose edit at {worst.path}:{worst.line} is {why}"
            elif worst.fix is FixSafety.REVIEW:
                for finding in component:  # per-file fixes on the shared literal too: they are applied together
                    if finding.fix is FixSafety.SAFE:
                        finding.fix = FixSafety.REVIEW
                        finding.extra["proved"] = False
                        finding.message += f" (review: applied together with {worst.path}:{worst.line}, which needs review)"

    def _supersede(self, findings: list[Finding]) -> None:
        """Drop the per-file 'defined elsewhere' findings this analysis answered."""
        answered = {(f.path, f.line, f.column) for f in findings if f.extra.get("files")}
        edited = {(f.path, e.start) for f in findings for e in f.edits}
        for display, result in self.ctx.results.items():
            module = self.index.by_display.get(display)
            keep: list[Finding] = []
            for finding in result.findings:
                if finding.rule == self.split.id and "base_name" in finding.extra and (display, finding.line, finding.column) in answered:
                    continue
                if finding.rule == self.split.id and "partial_base" in finding.extra and module is not None:
                    assert module.index is not None
                    start = module.index.offset(finding.line, 0) + finding.column - 1
                    end = module.index.offset(finding.end_line, 0) + finding.end_column - 1
                    if any(path == display and start <= pos < end for path, pos in edited):
                        continue
                keep.append(finding)
            result.findings[:] = keep


def _file_of(edit: Edit, default: str) -> str:
    return edit.file if isinstance(edit, ForeignEdit) and edit.file else default


def _canonical(key: str, module: ModuleInfo) -> str:
    """One name for a definition in every file: `export:<module>:<name>`."""
    kind, _, name = key.partition(":")
    if kind in ("module", "class"):
        return f"export:{module.name}:{name}"
    return key


def _first_unconsumed(resolver: Any, key: str, used: set[int]) -> ast.Name | ast.Attribute | None:
    attr = key.rsplit(":", 1)[-1].rsplit(".", 1)[-1].split("[")[0]
    for node in resolver.nodes:
        if isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load) and id(node) not in used:
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name == attr or (isinstance(node, ast.Name) and node.id in resolver.targets):
                resolved = resolver.resolve(node)
                if resolved is not None and _canonical(resolved.key, resolver.module) == _canonical(key, resolver.module):
                    return node
    return None


def _maximal_string_roots(function: ast.AST) -> list[ast.expr]:
    """The outermost string-building expressions and join calls inside a function."""
    out: list[ast.expr] = []
    stack: list[ast.AST] = [function]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.expr) and _string_root(node):
            out.append(node)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return out


def _string_root(node: ast.expr) -> bool:
    if isinstance(node, ast.JoinedStr) or (isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod))):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name)):
        name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
        return name in ("format", "urljoin")
    return False
