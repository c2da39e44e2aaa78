"""`scan --only-changed REV`: findings only on lines changed since REV, with real git."""

import json
from pathlib import Path

from migrator.changed_lines import parse_diff
from tests.ci.conftest import OLD, commit_all, git, write_tree

OLD_FILE = f'import requests\n\nA = "{OLD}"\n\n\ndef f():\n    return requests.get("{OLD}/x")\n'


def _rules_and_lines(result) -> list[tuple[str, int]]:
    return sorted((f["path"], f["line"]) for f in json.loads(result.stdout)["findings"])


def test_only_findings_on_changed_lines_are_reported(cli, repo: Path) -> None:
    write_tree(repo, {"old.py": OLD_FILE, "keep.py": OLD_FILE})
    commit_all(repo, "legacy")
    base = git(repo, "rev-parse", "HEAD").strip()
    assert cli("scan", "--only-changed", base, ".", cwd=repo).returncode == 0  # nothing changed yet

    # edit one line of old.py (committed), add a line to keep.py (unstaged), add a new untracked file
    (repo / "old.py").write_text(OLD_FILE.replace("/x\")", "/y\")"))
    commit_all(repo, "edit")
    (repo / "keep.py").write_text("# header\n" + OLD_FILE)
    write_tree(repo, {"pkg/new.py": f'N = "{OLD}"\n'})
    result = cli("scan", "--only-changed", base, "--format", "json", ".", cwd=repo)
    assert result.returncode == 1
    assert _rules_and_lines(result) == [("old.py", 7), ("pkg/new.py", 1)]
    assert "findings on unchanged lines not shown" in result.stderr
    everything = cli("scan", "--format", "json", ".", cwd=repo)
    assert len(_rules_and_lines(everything)) == 5


def test_renamed_file_counts_only_its_changed_lines(cli, repo: Path) -> None:
    write_tree(repo, {"a.py": OLD_FILE})
    commit_all(repo)
    git(repo, "mv", "a.py", "b.py")
    (repo / "b.py").write_text(OLD_FILE + f'B = "{OLD}"\n')
    result = cli("scan", "--only-changed", "HEAD", "--format", "json", str(repo), cwd=repo)
    assert [line for _, line in _rules_and_lines(result)] == [8]


def test_unknown_revision_and_no_repository_exit_2(cli, repo: Path, tmp_path: Path) -> None:
    write_tree(repo, {"a.py": OLD_FILE})
    commit_all(repo)
    result = cli("scan", "--only-changed", "no-such-rev", ".", cwd=repo)
    assert result.returncode == 2 and "unknown git revision 'no-such-rev'" in result.stderr
    outside = write_tree(tmp_path / "plain", {"a.py": OLD_FILE})
    result = cli("scan", "--only-changed", "HEAD", ".", cwd=outside)
    assert result.returncode == 2 and "not a git repository" in result.stderr.lower()


def test_parse_diff_reads_hunks_of_the_new_side() -> None:
    diff = (
        "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -3 +3 @@\n-a\n+b\n@@ -10,0 +11,2 @@\n+c\n+d\n"
        "@@ -20,2 +21,0 @@\n-e\n-f\ndiff --git a/gone.py b/gone.py\n--- a/gone.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n"
    )
    assert parse_diff(diff) == {"x.py": [(3, 3), (11, 12)]}
