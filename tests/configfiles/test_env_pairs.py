"""A base in `.env` and the Python paths joined to it are fixed together, or not at all."""

from __future__ import annotations

from pathlib import Path

from migrator.runner import RunOptions, run

APP = '''import os

BASE = os.getenv("VISMA_BASE")


def customer(number):
    return BASE + "/controller/api/v1/customer/" + number


def account():
    return os.environ["VISMA_BASE"] + "/controller/api/v1/account"
'''


def _tree(root: Path, app: str = APP, env: str = "# base of the Visma API\r\nVISMA_BASE=https://integration.visma.net/API\r\n") -> Path:
    (root / ".env").write_bytes(env.encode())
    (root / "app.py").write_text(app)
    return root


def test_env_base_and_python_paths_are_rewritten_together(tmp_path: Path) -> None:
    _tree(tmp_path)
    result = run([tmp_path], RunOptions(write=True))
    assert (tmp_path / ".env").read_bytes() == b"# base of the Visma API\r\nVISMA_BASE=https://api.finance.visma.net\r\n"
    app = (tmp_path / "app.py").read_text()
    assert 'BASE + "/v1/customer/" + number' in app and 'os.environ["VISMA_BASE"] + "/v1/account"' in app
    paired = [f for f in result.findings if f.rule == "VNI050"]
    assert {f.path.rsplit("/", 1)[-1] for f in paired} == {".env", "app.py"}
    assert all(f.fix.value == "safe" and f.extra["proved"] for f in paired)
    again = run([tmp_path], RunOptions())
    assert again.changes == {}


def test_other_uses_of_the_base_make_both_halves_a_review_fix(tmp_path: Path) -> None:
    _tree(tmp_path, APP + "\nprint(BASE)\n")
    result = run([tmp_path], RunOptions(write=True))
    assert (tmp_path / ".env").read_bytes().endswith(b"VISMA_BASE=https://integration.visma.net/API\r\n")
    assert "/controller/api/v1/customer/" in (tmp_path / "app.py").read_text()
    paired = [f for f in result.findings if f.rule == "VNI050"]
    assert paired and all(f.fix.value == "review" for f in paired)
    assert "also used where the tool cannot follow it" in paired[0].message
    run([tmp_path], RunOptions(write=True, unsafe_fixes=True))
    assert (tmp_path / ".env").read_bytes().endswith(b"VISMA_BASE=https://api.finance.visma.net\r\n")
    assert 'BASE + "/v1/customer/"' in (tmp_path / "app.py").read_text()


def test_base_with_a_trailing_slash_keeps_it_and_paths_join_exactly(tmp_path: Path) -> None:
    app = 'import os\nURL = os.getenv("VISMA_BASE") + "controller/api/v1/account"\n'
    _tree(tmp_path, app, "VISMA_BASE='https://integration.visma.net/API/'\n")
    run([tmp_path], RunOptions(write=True))
    assert (tmp_path / ".env").read_text() == "VISMA_BASE='https://api.finance.visma.net/'\n"
    assert (tmp_path / "app.py").read_text() == 'import os\nURL = os.getenv("VISMA_BASE") + "v1/account"\n'


def test_env_base_without_joined_paths_is_a_manual_finding(tmp_path: Path) -> None:
    _tree(tmp_path, "print('nothing here')\n")
    result = run([tmp_path], RunOptions(write=True))
    (finding,) = [f for f in result.findings if f.rule == "VNI050"]
    assert finding.fix.value == "manual" and finding.extra["partial_base"]
    assert (tmp_path / ".env").read_bytes().endswith(b"https://integration.visma.net/API\r\n")
