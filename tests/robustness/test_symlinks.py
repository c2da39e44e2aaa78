"""A symbolic link inside the tree to another file of the tree stays a link, whichever of the two
names sorts first, and the file it points to is fixed exactly once."""

from __future__ import annotations

from pathlib import Path

import pytest

OLD = 'URL = "https://integration.visma.net/API/controller/api/v1/customer"\n'
NEW = 'URL = "https://api.finance.visma.net/v1/customer"\n'


@pytest.mark.parametrize(("link", "target"), [("a.py", "z.py"), ("z.py", "a.py")], ids=["link-sorts-first", "link-sorts-last"])
def test_a_link_to_a_file_of_the_tree_stays_a_link_and_its_target_is_fixed_once(cli, tmp_path: Path, link: str, target: str) -> None:
    (tmp_path / target).write_text(OLD)
    (tmp_path / link).symlink_to(target)

    scanned = cli("scan", str(tmp_path))
    assert scanned.stdout.count("VNI001") == 1, scanned.stdout  # one file, reported once
    fixed = cli("fix", str(tmp_path))

    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "changed while" not in fixed.stdout + fixed.stderr
    assert (tmp_path / link).is_symlink() and (tmp_path / link).readlink() == Path(target)
    assert (tmp_path / target).read_text() == NEW


def test_writing_through_a_named_link_replaces_the_target_not_the_link(cli, tmp_path: Path) -> None:
    (tmp_path / "real.py").write_text(OLD)
    (tmp_path / "named.py").symlink_to("real.py")
    assert cli("fix", str(tmp_path / "named.py")).returncode == 0
    assert (tmp_path / "named.py").is_symlink()
    assert (tmp_path / "real.py").read_text() == NEW
