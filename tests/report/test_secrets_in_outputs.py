"""A token and a client secret planted in the scanned code appear in no output format."""

import json
from pathlib import Path

from click.testing import CliRunner

from migrator.cli import cli

from .conftest import LEGACY_APP, PLANTED_SECRET, PLANTED_TOKEN, SAMPLE_PROBE


def test_planted_secrets_are_in_the_code_but_in_no_output(engine: str, tmp_path: Path, monkeypatch) -> None:
    from migrator.report import collect

    source = (LEGACY_APP / "client.py").read_text()
    assert PLANTED_TOKEN in source and PLANTED_SECRET in source  # the test means something
    monkeypatch.setattr(collect, "probe", lambda *args: (SAMPLE_PROBE, {"status": "ran", "detail": ""}))
    runner = CliRunner()
    audit_json, audit_html = tmp_path / "audit.json", tmp_path / "audit.html"
    result = runner.invoke(cli, ["audit", str(LEGACY_APP), "--json", str(audit_json), "--html", str(audit_html),
                                 "--sandbox"])
    assert result.exit_code == 1, result.output
    outputs = {"text": result.output, "json": audit_json.read_text(), "html": audit_html.read_text()}
    for fmt in ("json", "sarif", "markdown"):
        rendered = runner.invoke(cli, ["report", str(audit_json), "--format", fmt])
        assert rendered.exit_code == 0, rendered.output
        outputs[fmt] = rendered.output
    fleet = tmp_path / "fleet.html"
    assert runner.invoke(cli, ["report", "merge", str(audit_json), "--html", str(fleet)]).exit_code == 0
    outputs["fleet"] = fleet.read_text()
    for name, text in outputs.items():
        assert PLANTED_TOKEN not in text, name
        assert PLANTED_SECRET not in text, name
    # the report still shows the code around the secret, redacted
    assert "[redacted]" in outputs["html"] and "[redacted]" in outputs["markdown"]
    assert json.loads(outputs["json"])["diffs"]


def test_a_secret_read_only_by_a_worker_process_is_redacted_in_the_parents_output(tmp_path: Path) -> None:
    """A large run reads files in worker processes; what their redactor learns must reach the
    process that prints. The value shows up on a diff context line far from its key."""
    import subprocess
    import sys

    secret = "Zq8vW2pLk9Xr4tYbQ7mN"
    tree = tmp_path / "tree"
    tree.mkdir()
    filler = "\n".join(f"X_{n} = {n}" for n in range(12))
    for i in range(60):  # enough files for the worker pool
        note = f'NOTE = "{secret}"\n' if i == 37 else ""
        key = f'client_secret = "{secret}"\n' if i == 37 else ""
        (tree / f"m{i:02d}.py").write_text(f'{key}{filler}\n{note}URL = "https://integration.visma.net/API/controller/api/v1/customer"\n')
    assert secret in (tree / "m37.py").read_text()
    for args in (["scan", "--diff"], ["scan", "--format", "json"], ["fix", "--diff"]):
        done = subprocess.run([sys.executable, "-m", "migrator", *args, str(tree)], capture_output=True, text=True, check=False)
        assert done.returncode == 1, done.stderr
        assert "m37.py" in done.stdout  # the file is in the output
        assert secret not in done.stdout + done.stderr, args
    diff = subprocess.run([sys.executable, "-m", "migrator", "scan", "--diff", str(tree)], capture_output=True, text=True, check=False).stdout
    assert 'NOTE = "[redacted]"' in diff  # the context line is there, redacted
