"""The baseline: VNI001 as a plain LibCST codemod, run by LibCST's own CLI.

It rewrites every string literal holding the old base URL, with the same URL mapping as
vni-migrate (`migrator.urls.migrate_url`), so both tools do comparable work per literal.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod import VisitorBasedCodemodCommand

from migrator.urls import migrate_url


class RewriteBaseUrl(VisitorBasedCodemodCommand):
    DESCRIPTION = "Rewrite old VNI base URLs in string literals."

    def leave_SimpleString(self, original_node: cst.SimpleString, updated_node: cst.SimpleString) -> cst.SimpleString:
        value = updated_node.value
        if "visma.net" not in value.lower():
            return updated_node
        new = migrate_url(value)
        return updated_node.with_changes(value=new) if new != value else updated_node
