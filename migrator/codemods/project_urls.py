"""VNI007: the project's Visma URLs as one model, migrated whole or not at all.

Runs after every other project-wide kind. It reads every code and configuration file that names a
piece of the old gateway (`migrator.urlmodel.pieces`): bases that end inside the old prefix, the old
host alone, paths that start with the rest of the prefix, `/API/` segments beside a Visma host,
retired endpoints written as relative paths. Pieces that another rule already rewrites exactly
(a join proved in one file) join the model with that rule's edit; every other piece gets its own
rewrite. Because each piece's rewrite drops exactly its own share of the prefix, the pieces join to
the mapped URL wherever the code cut it, so the closed world holds: when the project's bases move,
every path with a share of the old prefix moves in the same change, and nothing moves otherwise.

One project is one group: its edits share a link (applied together or not at all, across files),
and they need review, since the joins between files are not proved one by one; the safe edits of
other rules that touch the same pieces wait for the group, so a safe-only run never leaves a URL
that mixes old and new pieces.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from migrator.findings import Edit, Finding, FixSafety
from migrator.retired_endpoints import retired_advice
from migrator.rulefile import Rule
from migrator.spans import SpanText
from migrator.urlmodel import files as model_files
from migrator.urlmodel import screening
from migrator.urlmodel.extract import file_pieces
from migrator.urlmodel.pieces import NEW_ORIGIN, SEGMENT_NEEDLES, Piece, Role, has_controller_base

KIND = "project-urls"
LANGUAGE = "project"
PHASE = 1  # after the other project-wide kinds: it takes their edits into the model
LINK = "VNI007:project"
# The pieces that say where a URL goes (the rest are paths below them); an `/API/` segment sits
# with the host of its url.URL or OpenAPI document.
_BASE_SIDE = (Role.BASE, Role.HOST, Role.API_SEGMENT)
_NEW_PATH = re.compile(rb"[\"'`]/?v[12]/[a-z]")
# Rules whose finding on a piece, without an edit, only said "the rest is elsewhere": the model answers it.
_ANSWERED = ("VNI002", "VNI005", "VNI050", "VNI051")
_ENV_READ = re.compile(
    r"(?:getenv|GetEnvironmentVariable|System\.getenv|os\.Getenv|os\.environ(?:\.get)?|process\.env|env|config|"
    r"getProperty|GetValue<string>|Configuration)\s*[\[(.]\s*[\"']?(?P<name>[A-Za-z_][A-Za-z0-9_.:]*)",
)


def validate_parameters(parameters: dict[str, Any]) -> str | None:
    return f"unknown parameter(s) {', '.join(sorted(parameters))}" if parameters else None


def screens(path: Path) -> bool:
    return model_files.screens(path)


SCREEN_NEEDLES = model_files.NEEDLES  # `prefilter` tags no file without one


def prefilter(path: Path, lowered: bytes) -> tuple[str, ...]:
    return screening.tag(path, lowered)


class _Intervals:
    """Which of many (lo, hi, index) intervals overlap a query: sorted once, so one file's pieces
    against its findings costs a lookup each, not a pass over every finding."""

    def __init__(self, items: list[tuple[int, int, int]]) -> None:
        self.items = sorted(items)
        self.los = [lo for lo, _, _ in self.items]
        self.reach: list[int] = []  # the largest `hi` among items[:k + 1]
        for _, hi, _ in self.items:
            self.reach.append(max(hi, self.reach[-1]) if self.reach else hi)

    def overlapping(self, start: int, end: int) -> list[int]:
        """Indices (ascending, once each) of the intervals with lo < end and start < hi."""
        found: set[int] = set()
        k = bisect.bisect_left(self.los, end) - 1
        while k >= 0 and self.reach[k] > start:
            lo, hi, index = self.items[k]
            if hi > start:
                found.add(index)
            k -= 1
        return sorted(found)


class _Member:
    __slots__ = ("display", "span", "piece")

    def __init__(self, display: str, span: SpanText, piece: Piece) -> None:
        self.display, self.span, self.piece = display, span, piece

    @property
    def line(self) -> int:
        return self.span.index.position(self.piece.start)[0]

    def where(self) -> str:
        return f"{self.display}:{self.line}"

    def shown(self) -> str:
        """The piece with the rest of its string, for messages: `controller/api/v1/customer`."""
        text = self.span.text
        end = self.piece.end
        while end < len(text) and end - self.piece.start < 80 and text[end] not in "\"'`\n\r\t <>,;)":
            end += 1
        return text[self.piece.start : end] or "''"


def project_findings(ctx, rule: Rule) -> list[Finding]:  # type: ignore[no-untyped-def]
    # Texts are read through the context (its cache is bounded) and kept only where a piece needs
    # its file's text: a tree of thousands of modules is not held whole.
    files: list[tuple[str, Path]] = []
    marks: dict[str, tuple[bool, bool]] = {}  # display -> (names a Visma host, holds an `/API/controller` base)

    def read(pairs: Iterable[tuple[Path, str]]) -> None:
        for path, display in pairs:
            source = ctx.source(display, path)
            if source is not None:
                files.append((display, path))
                marks[display] = ("visma.net" in source.text.lower(), has_controller_base(source.text))

    read((path, display) for path, display in screening.candidates(ctx) if model_files.editable(path))
    if not files:
        return []
    visma_project = any(visma for visma, _ in marks.values())
    # Strings that are only `/API/controller` may turn `api/v1/...` paths into pieces: read on until
    # no new file joins (two rounds at most: segments, then the paths after them).
    for _ in range(2):
        api_v = any(base for _, base in marks.values())
        needles = ((b"api/v",) if api_v else ()) + (SEGMENT_NEEDLES if visma_project else ())
        before = len(files)
        if needles:
            read(screening.other_files(ctx, needles, {path for _, path in files}))
        if len(files) == before:
            break
    api_v = any(base for _, base in marks.values())
    existing = _existing_findings(ctx)
    found = _Pieces()
    covered_files: list[tuple[str, Path]] = []
    for display, path in files:
        mine = _classify(ctx, rule, display, path, existing.get(display, []), api_v, visma_project)
        found.add(mine)
        if mine.covered:
            covered_files.append((display, path))
    out: list[Finding] = list(found.unexplained)
    out.extend(_retired_findings(rule, found.retired, existing))
    members = found.members
    if not members:
        return out
    # Pieces another rule rewrites join the model only when it has work: classified again, so a
    # proved tree does not hold every piece of every file meanwhile.
    covered = [c for display, path in covered_files
               for c in _classify(ctx, rule, display, path, existing.get(display, []), api_v, visma_project).covered]
    everything = members + [c for c, _ in covered]
    bases = [m for m in everything if m.piece.role in _BASE_SIDE]
    paths = [m for m in everything if m.piece.role not in _BASE_SIDE]
    if not paths and not _has_new_paths(ctx, files):
        return out  # a lone base whose paths are nowhere in the tree: the per-file finding asks a person
    made = [_member_finding(rule, m, bases, paths) for m in members]
    out.extend(made)
    linked = {id(f): f for _, fs in covered for f in fs}
    linked.update({id(f): f for fs in existing.values() for f in fs if _test_url(f)})
    group = made + list(linked.values())
    _hold_together(ctx, group, found.held[0] if found.held else None)
    _answer(ctx, members)
    if not bases:
        out.extend(_external_base_findings(rule, paths))
    out.extend(_deployment_findings(rule, bases, existing))
    return out


class _Pieces:
    """One file's pieces (or a project's), by what the model does with them."""

    def __init__(self) -> None:
        self.members: list[_Member] = []  # the model rewrites them
        self.covered: list[tuple[_Member, list[Finding]]] = []  # another rule's edits rewrite them
        self.retired: list[_Member] = []
        self.held: list[Finding] = []  # findings that say the group cannot be rewritten safely
        self.unexplained: list[Finding] = []

    def add(self, other: _Pieces) -> None:
        self.members += other.members
        self.retired += other.retired
        self.held += other.held
        self.unexplained += other.unexplained


def _classify(ctx, rule: Rule, display: str, path: Path, mine: list[Finding], api_v: bool, visma_project: bool) -> _Pieces:  # type: ignore[no-untyped-def]
    out = _Pieces()
    source = ctx.source(display, path)
    if source is None:  # changed since it was first read: the context reported it
        return out
    span = SpanText(display, source.text)
    by_edit = _Intervals([(e.start, e.end, i) for i, f in enumerate(mine) for e in f.edits])
    by_line = _Intervals([(f.line, f.end_line + 1, i) for i, f in enumerate(mine)])
    for piece in file_pieces(path, span.text, api_v, visma_project):
        member = _Member(display, span, piece)
        covering = [mine[i] for i in by_edit.overlapping(piece.start, piece.end)]
        line = member.line
        refused = [mine[i] for i in by_line.overlapping(line, line + 1) if _refused(mine[i], member)]
        if piece.replacement is None and piece.role is not Role.RETIRED:
            lone = span.finding(rule, piece.start, piece.end,
                                f"A lone piece of the old prefix ({piece.text}): the slashes around it belong to the "
                                "strings it is joined with, so it cannot be rewritten on its own; change it by hand",
                                fix=FixSafety.MANUAL, extra={"role": piece.role.value})
            out.unexplained.append(lone)
            if not lone.suppressed:  # a suppression says it is not part of a Visma URL
                out.held.append(lone)
        elif refused and not covering and piece.role is not Role.RETIRED:
            out.held.extend(refused)  # an analysis proved this piece cannot be rewritten safely
        elif piece.role is Role.RETIRED:
            out.retired.append(member)
        elif covering:
            out.covered.append((member, covering))
        elif piece.changes:
            out.members.append(member)
    return out


def _has_new_paths(ctx, files: list[tuple[str, Path]]) -> bool:  # type: ignore[no-untyped-def]
    for display, path in files:
        source = ctx.source(display, path)
        if source is not None and _NEW_PATH.search(source.text.lower().encode("utf-8", "replace")):
            return True
    seen = {path for _, path in files}
    return any(_new_path_file(path) for path, _ in ctx.files if path not in seen and model_files.editable(path))


def _new_path_file(path: Path) -> bool:
    try:
        lowered = path.read_bytes()[: model_files.MAX_BYTES].lower()
    except OSError:
        return False
    return (b"v1/" in lowered or b"v2/" in lowered) and _NEW_PATH.search(lowered) is not None


def _existing_findings(ctx) -> dict[str, list[Finding]]:  # type: ignore[no-untyped-def]
    """Every finding so far by path: the per-file results and the earlier project kinds'."""
    out: dict[str, list[Finding]] = {}
    for display, result in ctx.results.items():
        out.setdefault(display, []).extend(result.findings)
    for finding in getattr(ctx, "found", ()):
        out.setdefault(finding.path, []).append(finding)
    return out


def _test_url(finding: Finding) -> bool:
    """A complete old URL in a test: it asserts what the group builds, so it moves with the group."""
    return bool(finding.edits) and finding.rule in ("VNI001", "VNI003", "VNI050", "VNI051") and model_files.is_test_file(finding.path)


def _member_finding(rule: Rule, member: _Member, bases: list[_Member], paths: list[_Member]) -> Finding:
    piece = member.piece
    others = [m for m in (paths if piece.role in _BASE_SIDE else bases) if m is not member]
    if piece.role in (Role.BASE, Role.HOST):
        what = f"base {piece.text}" if piece.role is Role.BASE else f"host {piece.text}"
        joined = _named(others, "the paths joined to it")
        message = f"Project-wide: {what} becomes {piece.replacement}, together with {joined}"
        if piece.half_migrated:
            message = f"Half-migrated {what}: the rest of the old prefix goes, together with {joined}"
    else:
        joined = _named(others, "no base in this tree (it comes from outside: see the deployment finding)")
        message = (f"Project-wide: {member.shown()} loses its share of the old prefix ({piece.text or chr(39) * 2} goes), "
                   f"together with {joined}")
    edit = Edit(piece.start, piece.end, piece.replacement or "")
    return member.span.finding(rule, piece.start, piece.end, message, [edit], FixSafety.REVIEW, piece.replacement,
                               {"link": LINK, "role": piece.role.value})


def _named(members: list[_Member], none: str) -> str:
    if not members:
        return none
    first = members[0]
    text = first.shown()
    more = f" and {len(members) - 1} more" if len(members) > 1 else ""
    return f"{text} at {first.where()}{more}"


def _refused(finding: Finding, member: _Member) -> bool:
    """A URL rule's finding on this piece that offers no edit because the rewrite is not exact."""
    if finding.edits or finding.rule not in ("VNI001", "VNI002", "VNI003", "VNI005", "VNI050", "VNI051"):
        return False
    if "base_name" in finding.extra or "partial_base" in finding.extra:
        return False
    return finding.line <= member.line <= finding.end_line and "not fixed automatically" in finding.message


def _hold_together(ctx, group: list[Finding], held: Finding | None) -> None:  # type: ignore[no-untyped-def]
    """One link for the whole group; the weakest member decides for all of them."""
    blocker = next((f for f in group if f.suppressed), None) or held
    for finding in group:
        finding.extra["link"] = LINK
        if blocker is not None and finding is not blocker and finding.edits:
            finding.fix = FixSafety.MANUAL
            why = "is suppressed" if blocker.suppressed else "cannot be rewritten exactly"
            finding.extra["skipped"] = (f"part of the project's URL migration, whose piece at {blocker.path}:{blocker.line} "
                                        f"{why}; nothing of it is changed")
        elif finding.fix is FixSafety.SAFE:
            finding.fix = FixSafety.REVIEW
            finding.message += " (review: migrated together with the project's other URL pieces)"
        _dirty(ctx, finding.path)


def _answer(ctx, members: list[_Member]) -> None:  # type: ignore[no-untyped-def]
    """Drop the edit-less 'the rest is elsewhere' findings on pieces the model now rewrites."""
    lines = {(m.display, m.line) for m in members}
    for display, result in ctx.results.items():
        result.findings[:] = [f for f in result.findings if not _answered(f, lines, display)]
    found = getattr(ctx, "found", None)
    if found is not None:
        found[:] = [f for f in found if not _answered(f, lines, f.path)]


def _answered(finding: Finding, lines: set[tuple[str, int]], display: str) -> bool:
    """A base whose paths were not found, or a path joined to a base defined elsewhere: the project's
    group now migrates both sides, wherever they are."""
    if finding.rule not in _ANSWERED or finding.edits:
        return False
    return (display, finding.line) in lines or "base_name" in finding.extra or "partial_base" in finding.extra


def _dirty(ctx, display: str) -> None:  # type: ignore[no-untyped-def]
    dirty = getattr(ctx, "dirty", None)
    if dirty is not None:
        dirty.add(display)


def _retired_findings(rule: Rule, retired: list[_Member], existing: dict[str, list[Finding]]) -> Iterable[Finding]:
    by_line: dict[str, _Intervals] = {}
    for member in retired:
        if member.display not in by_line:
            by_line[member.display] = _Intervals([(f.line, f.end_line + 1, i) for i, f in enumerate(existing.get(member.display, []))])
        line = member.line
        if by_line[member.display].overlapping(line, line + 1):
            continue  # another rule reports it already
        piece = member.piece
        advice = retired_advice("https://integration.visma.net/API/" + piece.text.removeprefix("API/").lstrip("/")) or ""
        yield member.span.finding(
            rule, piece.start, piece.end,
            f"Retired VNI endpoint {piece.text}: it is not moved to the new host ({advice})", fix=FixSafety.MANUAL,
            extra={"role": piece.role.value},
        )


def _external_base_findings(rule: Rule, paths: list[_Member]) -> Iterable[Finding]:
    """Paths move, but their base lives outside the tree: whoever sets it must change it too."""
    by_file: dict[str, _Member] = {}
    for member in paths:
        by_file.setdefault(member.display, member)
    for member in by_file.values():
        names = sorted({m.group("name") for m in _ENV_READ.finditer(member.span.text) if _looks_like_base(m.group("name"))})
        setting = ", ".join(names) if names else "the base URL setting (configuration, database or deployment)"
        piece = member.piece
        yield member.span.finding(
            rule, piece.start, piece.end,
            f"The base these paths are joined to comes from outside the tree ({setting}): set it to {NEW_ORIGIN} "
            "in every deployment when the paths change",
            fix=FixSafety.MANUAL, extra={"role": "external-base", "settings": names},
        )


def _deployment_findings(rule: Rule, bases: list[_Member], existing: dict[str, list[Finding]]) -> Iterable[Finding]:
    """A base written as the default of an environment or configuration read: deployments override it."""
    vni006 = {(display, f.line) for display, found in existing.items() for f in found if f.rule == "VNI006"}
    for member in bases:
        text = member.span.text
        line_start = text.rfind("\n", 0, member.piece.start) + 1
        line_end = text.find("\n", member.piece.end)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        names = [m.group("name") for m in _ENV_READ.finditer(line) if _looks_like_base(m.group("name"))]
        if not names or (member.display, member.line) in vni006:
            continue
        new = member.piece.replacement or NEW_ORIGIN
        yield member.span.finding(
            rule, member.piece.start, member.piece.end,
            f"Deployments that set {names[0]} override this default: set {names[0]} to {new} wherever it is set",
            fix=FixSafety.MANUAL, extra={"role": "deployment-base", "settings": names},
        )


def _looks_like_base(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in ("url", "base", "host", "visma", "endpoint", "api"))
