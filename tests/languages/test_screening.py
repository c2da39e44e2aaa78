"""The runner's screening must hand a source file to VNI051 on every needle the kind knows, not
only on 'visma' (a file with just an ipp header or a split path has no Visma host in it)."""

import json
import subprocess
import sys
from pathlib import Path


def test_a_file_without_a_visma_host_still_reaches_the_language_rule(tmp_path: Path) -> None:
    (tmp_path / "client.js").write_text(
        'const headers = { "ipp-company-id": companyId };\nfetch(BASE + "/controller/api/v1/customer", { headers });\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "migrator", "scan", "--format", "json", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )
    messages = [f["message"] for f in json.loads(done.stdout)["findings"] if f["rule"] == "VNI051"]
    assert any("ipp-company-id" in m for m in messages)
    # The path joined to a base from outside the tree belongs to the project-wide model now.
    paths = [f["message"] for f in json.loads(done.stdout)["findings"] if f["rule"] == "VNI007"]
    assert any("controller/api/v1/customer" in m for m in paths)
