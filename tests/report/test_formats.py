"""SARIF validates against SARIF 2.1.0; Markdown and HTML escape what the code contains."""

import json
from typing import Any

from sarif_kit.validate import validation_errors

from migrator.report import html, markdown, sarif


def test_sarif_validates_against_sarif_2_1_0(audit_document: dict[str, Any]) -> None:
    log = sarif.render(audit_document)
    assert validation_errors(log) == []
    results = log["runs"][0]["results"]
    assert len(results) == len(audit_document["scan"]["findings"])
    assert all(r["partialFingerprints"]["vniMigrate/v1"] for r in results)


def test_suppressed_finding_is_a_sarif_suppression(audit_document: dict[str, Any]) -> None:
    audit_document["scan"]["findings"][0]["suppressed"] = True
    log = sarif.render(audit_document)
    assert log["runs"][0]["results"][0]["suppressions"] == [{"kind": "inSource"}]
    assert validation_errors(log) == []


def test_html_escapes_script_tags_from_the_code(audit_document: dict[str, Any]) -> None:
    audit_document["scan"]["findings"][0]["message"] = "x </script><script>alert(1)</script> y"
    page = html.render_audit(audit_document)
    assert page.count("<script>") == 1 and page.count("</script>") == 1
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in page


def test_csp_names_the_hash_of_the_inline_script_and_style(audit_document: dict[str, Any]) -> None:
    import base64
    import hashlib
    import re

    page = html.render_audit(audit_document)
    import html as html_text

    csp = html_text.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    for tag in ("script", "style"):
        body = re.search(rf"<{tag}>(.*?)</{tag}>", page, re.DOTALL).group(1)
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "default-src 'none'" in csp
    assert not re.search(r"""(src|href)=["']https?:""", page)  # nothing to fetch


def test_markdown_has_every_section_and_escapes_table_cells(audit_document: dict[str, Any]) -> None:
    audit_document["scan"]["findings"][0]["message"] = "a | b <b>"
    text = markdown.render(audit_document)
    for heading in ("## Counts", "## Findings", "## Proposed changes", "## Endpoint timing", "## Allowlist",
                    "## Manual steps", "## Open questions"):
        assert heading in text
    assert "a \\| b &lt;b&gt;" in text
    assert "2026-02-01" in text and "2025-12-31" in text


def test_markdown_fence_outgrows_backticks_in_the_diff() -> None:
    assert markdown.fence("x = ```y```").startswith("````\n")


def test_audit_json_embeds_diff_and_context(audit_document: dict[str, Any]) -> None:
    assert any("+++ b/" in d and "api.finance.visma.net" in d for d in audit_document["diffs"].values())
    assert audit_document["context"]
    assert json.dumps(audit_document)  # plain JSON
