"""VNI012: `erp_api_background` used as a header name becomes `erp-api-background`.

The underscore spelling is only a parameter name in generated clients; on the wire the header
has hyphens, and proxies such as nginx drop headers with underscores by default. Only header
literals change (see `migrator.python.headers`); keyword arguments stay as they are.
"""

from __future__ import annotations

from migrator.findings import Edit, Finding
from migrator.python.context import PythonContext, render_message
from migrator.python.headers import header_entries, normalized
from migrator.python.literals import Text, literal_pieces, source_span
from migrator.rulefile import Rule

KIND = "background-header-spelling"
LANGUAGE = "python"
HEADER = "erp-api-background"
# Header names are dict keys and keyword names; the URL rewrites edit neither (`Kind`).
UNCHANGED_BY_URL_EDITS = True


def validate_parameters(parameters: dict) -> str | None:  # type: ignore[type-arg]
    return f"unknown parameter(s) {', '.join(sorted(parameters))}" if parameters else None


def findings(ctx: PythonContext, rule: Rule) -> list[Finding]:
    if "background" not in ctx.lowered:  # cheap gate: the header name holds 'background'
        return []
    out: list[Finding] = []
    for entry in header_entries(ctx.urls.resolver):
        name = entry.name
        if "_" not in name or normalized(name) != HEADER:
            continue
        start, end = ctx.index.node_span(entry.key)
        pieces = literal_pieces(ctx.text, start, end)
        edits: list[Edit] = []
        if pieces and all(isinstance(p, Text) for p in pieces):
            for piece in pieces:
                assert isinstance(piece, Text)
                for i, char in enumerate(piece.value):
                    span = source_span(piece, i, i + 1) if char == "_" else None
                    if span is not None and ctx.text[span[0] : span[1]] == "_":
                        edits.append(Edit(span[0], span[1], "-"))
        if len(edits) != name.count("_"):
            edits = []  # an underscore written as an escape: half a fix would help nobody
        fixed = name.replace("_", "-")
        out.append(ctx.finding(rule, entry.key, render_message(rule, old=name, new=fixed), edits, replacement=repr(fixed)))
    return out
