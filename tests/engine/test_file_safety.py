"""Never damage user code: encodings, newlines, BOM, modes, unparsable files, symlinks."""

import codecs
import os
import stat
from pathlib import Path

from migrator.engine import process_file
from migrator.runner import RunOptions, run
from tests.engine.helpers import RULES

OLD = "https://integration.visma.net/API/controller/api/v1/customer"
NEW = "https://api.finance.visma.net/v1/customer"


def _fix(path: Path):
    return process_file(path, str(path), RULES, unsafe=False, write=True)


def test_crlf_newlines_are_kept(tmp_path: Path) -> None:
    f = tmp_path / "a.py"
    f.write_bytes(f'# x\r\nU = "{OLD}"\r\nV = 1\r\n'.encode())
    assert _fix(f).written
    assert f.read_bytes() == f'# x\r\nU = "{NEW}"\r\nV = 1\r\n'.encode()


def test_bom_is_kept(tmp_path: Path) -> None:
    f = tmp_path / "a.py"
    f.write_bytes(codecs.BOM_UTF8 + f'U = "{OLD}"  # café\n'.encode())
    _fix(f)
    assert f.read_bytes() == codecs.BOM_UTF8 + f'U = "{NEW}"  # café\n'.encode()


def test_declared_latin1_encoding_is_kept(tmp_path: Path) -> None:
    f = tmp_path / "a.py"
    f.write_bytes(f'# -*- coding: latin-1 -*-\nNAME = "Société"\nU = "{OLD}"\n'.encode("latin-1"))
    _fix(f)
    assert f.read_bytes() == f'# -*- coding: latin-1 -*-\nNAME = "Société"\nU = "{NEW}"\n'.encode("latin-1")


def test_non_ascii_before_the_url_on_the_same_line(tmp_path: Path) -> None:
    f = tmp_path / "a.py"
    f.write_text(f'NAMES = {{"ø": "{OLD}"}}\n', encoding="utf-8")
    _fix(f)
    assert f.read_text(encoding="utf-8") == f'NAMES = {{"ø": "{NEW}"}}\n'


def test_invalid_utf8_is_reported_and_untouched(tmp_path: Path) -> None:
    f = tmp_path / "a.py"
    data = f'U = "{OLD}"\nX = "\xff"\n'.encode("latin-1")
    f.write_bytes(data)
    result = _fix(f)
    assert result.problem is not None and "utf-8" in result.problem.message and result.problem.line == 2
    assert f.read_bytes() == data


def test_syntax_error_file_is_reported_and_untouched(tmp_path: Path) -> None:
    f = tmp_path / "broken.py"
    data = f'U = "{OLD}"\ndef broken(:\n'.encode()
    f.write_bytes(data)
    result = _fix(f)
    assert result.problem is not None and result.problem.line == 2 and "untouched" in result.problem.message
    assert f.read_bytes() == data


def test_binary_file_named_py_is_reported(tmp_path: Path) -> None:
    f = tmp_path / "blob.py"
    f.write_bytes(b"\x00\x01visma.net\x00")
    result = _fix(f)
    assert result.problem is not None and "binary" in result.problem.message


def test_file_mode_is_kept(tmp_path: Path) -> None:
    f = tmp_path / "script.py"
    f.write_text(f'#!/usr/bin/env python\nU = "{OLD}"\n')
    os.chmod(f, 0o751)
    _fix(f)
    assert stat.S_IMODE(f.stat().st_mode) == 0o751
    assert NEW in f.read_text()


def test_no_temporary_files_are_left(tmp_path: Path) -> None:
    f = tmp_path / "a.py"
    f.write_text(f'U = "{OLD}"\n')
    _fix(f)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]


def test_symlinks_out_of_the_tree_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "secret.py"
    target.write_text(f'U = "{OLD}"\n')
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "link.py").symlink_to(target)
    (tree / "loop").symlink_to(tree)  # a folder link loop must not trap the walk
    inside = tree / "real.py"
    inside.write_text(f'U = "{OLD}"\n')
    result = run([tree], RunOptions(write=True))
    assert target.read_text() == f'U = "{OLD}"\n'
    assert inside.read_text() == f'U = "{NEW}"\n'
    assert {Path(f.path).name for f in result.findings} == {"real.py"}


def test_gitignore_and_tool_folders_are_skipped(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("generated/\n*_pb2.py\n")
    for rel in ["generated/a.py", "x_pb2.py", "node_modules/b.py", ".venv/lib/c.py", "site-packages/d.py", "src/e.py"]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'U = "{OLD}"\n')
    (tmp_path / ".venv" / "pyvenv.cfg").write_text("home = /usr\n")
    result = run([tmp_path], RunOptions())
    assert {Path(f.path).name for f in result.findings} == {"e.py"}
    named = run([tmp_path / "node_modules" / "b.py"], RunOptions())
    assert len(named.findings) == 1  # a path named directly is scanned


def test_exclude_glob(tmp_path: Path) -> None:
    for rel in ["tests/t.py", "src/s.py"]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True)
        path.write_text(f'U = "{OLD}"\n')
    result = run([tmp_path], RunOptions(exclude=("tests",)))
    assert {Path(f.path).name for f in result.findings} == {"s.py"}


def test_file_changed_during_the_run_is_left_alone(tmp_path: Path, monkeypatch) -> None:
    f = tmp_path / "a.py"
    f.write_text(f'U = "{OLD}"\n')
    from migrator import engine

    real_verify = engine.verify

    def verify_then_edit(*args, **kwargs):
        real_verify(*args, **kwargs)
        f.write_text(f'U = "{OLD}"\nEDITED = True\n')

    monkeypatch.setattr(engine, "verify", verify_then_edit)
    result = _fix(f)
    assert result.problem is not None and "changed while" in result.problem.message
    assert f.read_text().endswith("EDITED = True\n")


def test_creating_a_file_never_replaces_one_that_exists(tmp_path: Path) -> None:
    from migrator import sourcefile

    target = tmp_path / "visma_background.py"
    sourcefile.create_atomic(target, b"new\n")
    assert target.read_bytes() == b"new\n" and stat.S_IMODE(target.stat().st_mode) == 0o644
    import pytest

    with pytest.raises(FileExistsError):
        sourcefile.create_atomic(target, b"other\n")
    assert target.read_bytes() == b"new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["visma_background.py"]  # no temporary file left
