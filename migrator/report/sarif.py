"""SARIF 2.1.0 from a saved audit or scan document (finding dicts, not live `Finding`s).

`vni-migrate report saved.json --format sarif` works on files written earlier, where the edits
are gone but the fingerprints are kept. The log itself is built by `migrator.output.sarif`, the
same writer `scan --format sarif` uses, with the bundled rule files as descriptors.
"""

from __future__ import annotations

from typing import Any

from migrator.codemods import KINDS
from migrator.output.sarif import sarif_log
from migrator.rulefile import RuleFileError, load_rules


def render(document: dict[str, Any]) -> dict[str, Any]:
    """A SARIF log (as a dict) with one run for the document's findings."""
    scan = document["scan"]
    try:
        rules = load_rules((), KINDS)
    except RuleFileError:  # descriptors are a courtesy: a saved report still renders without them
        rules = []
    used = {f["rule"] for f in scan.get("findings", [])}
    problems = [f"{p.get('path')}: {p.get('message')}" for p in scan.get("problems", [])]
    version = str(scan.get("tool", {}).get("version", ""))
    return sarif_log(scan.get("findings", []), [r for r in rules if r.id in used], problems, version or "0")
