"""Render an audit with 10,000 findings to HTML; prints time and size (targets: < 3 s, < 10 MB).

    python benchmarks/report_render.py [--findings N] [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from migrator.report import html, model

RULES = [("VNI001", "error", "safe"), ("VNI002", "warning", "review"), ("VNI010", "error", "manual"),
         ("VNI020", "error", "review"), ("VNI030", "info", "manual")]


def synthetic_audit(count: int, files: int = 400) -> dict[str, Any]:
    """A realistic-shaped audit: `count` findings over `files` files, each with code context and a diff."""
    findings, context, diffs = [], {}, {}
    for i in range(count):
        rule, severity, fix = RULES[i % len(RULES)]
        path = f"src/service_{i % files:03d}/client.py"
        line = 10 + (i // files) * 3
        findings.append({
            "rule": rule, "severity": severity, "fix": fix, "path": path, "line": line, "column": 12,
            "end_line": line, "end_column": 70, "suppressed": i % 97 == 0, "fixable": fix != "manual",
            "message": f"Old VNI URL https://integration.visma.net/API/controller/api/v1/customer/{i}: "
                       "API Management serves it as https://api.finance.visma.net/v1/customer",
            "replacement": "https://api.finance.visma.net/v1/customer" if fix != "manual" else None,
            "fingerprint": f"{i:032x}",
        })
        context[f"{path}:{line}"] = {"start": line - 2, "lines": [
            "    def fetch(self, number):",
            "        # the old gateway",
            f'        url = "https://integration.visma.net/API/controller/api/v1/customer/{i}"',
            '        return self.session.get(url, headers={"Authorization": "Bearer " + self.token})',
            "",
        ]}
    for f in range(files):
        path = f"src/service_{f:03d}/client.py"
        diffs[path] = (f"--- a/{path}\n+++ b/{path}\n@@ -10,3 +10,3 @@\n     def fetch(self, number):\n"
                       '-        url = "https://integration.visma.net/API/controller/api/v1/customer/1"\n'
                       '+        url = "https://api.finance.visma.net/v1/customer/1"\n')
    scan = model.scan_document(findings, [], files)
    return model.build(project="benchmark", scan=scan, diffs=diffs, context=context,
                       generated="2026-03-01T00:00:00+00:00")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--findings", type=int, default=10_000)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    document = synthetic_audit(args.findings)
    started = time.perf_counter()
    page = html.render_audit(document)
    seconds = time.perf_counter() - started
    out = args.out or Path(tempfile.gettempdir()) / "vni-migrate-benchmark-report.html"
    out.write_text(page, encoding="utf-8")
    size_mb = out.stat().st_size / 1_000_000
    ok = seconds < 3.0 and size_mb < 10.0
    print(f"findings: {args.findings}  render: {seconds:.2f} s (limit 3 s)  file: {size_mb:.2f} MB (limit 10 MB)  "
          f"{'OK' if ok else 'TOO SLOW OR TOO BIG'}  -> {out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
