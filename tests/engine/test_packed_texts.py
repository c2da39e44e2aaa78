"""A large run holds the texts of every changed file to its end: packed, and read back exactly."""

import pickle
from pathlib import Path

from migrator.engine import FileResult
from migrator.packed import PackedPairs
from migrator.runner import RunOptions, run

OLD = "https://integration.visma.net/API/controller/api/v1/customer"


def test_a_packed_result_reads_back_its_texts_exactly() -> None:
    old = "# café \udcff\r\n" + "x = 1\n" * 400  # non-ASCII, a lone surrogate, CRLF
    result = FileResult("a.py", old_text=old, new_text=old.replace("1", "2"))
    result.pack_texts()
    held_old, held_new = result.packed_texts()
    assert isinstance(held_old, bytes) and len(held_old) < len(old) / 4
    assert result.old_text == old and result.new_text == old.replace("1", "2")
    again = pickle.loads(pickle.dumps(result))  # as a worker's result arrives
    assert again.old_text == old and again == result


def test_short_and_missing_texts_stay_as_they_are() -> None:
    result = FileResult("a.py", old_text="x = 1\n")
    result.pack_texts()
    assert result.packed_texts() == ("x = 1\n", None)
    result.drop_texts(still_changes=True)
    assert result.old_text is None and result.changes_file


def test_packed_pairs_behave_as_a_dict() -> None:
    pairs = PackedPairs()
    assert pairs == {}
    long_old, long_new = "a = 1\n" * 200, "a = 2\n" * 200
    pairs["x.py"] = (long_old, long_new)
    pairs["y.py"] = ("", "created\n")
    assert pairs == {"x.py": (long_old, long_new), "y.py": ("", "created\n")}
    assert isinstance(pairs.packed("x.py")[0], bytes)
    del pairs["y.py"]
    assert list(pairs) == ["x.py"] and len(pairs) == 1


def test_a_pooled_fix_holds_its_changes_packed_and_shows_them_exactly(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    for i in range(60):  # enough files for the worker pool
        body = "".join(f"def f{k}():\n    return {k}\n" for k in range(40))  # long enough to pack
        (root / f"m{i:02d}.py").write_text(f'URL = "{OLD}"\n{body}')
    pooled = run([root], RunOptions(jobs=2))
    serial = run([root], RunOptions(jobs=1))
    assert len(pooled.changes) == 60
    assert dict(pooled.changes) == dict(serial.changes)
    assert all(isinstance(pooled.changes.packed(path)[1], bytes) for path in pooled.changes)
    old, new = pooled.changes[next(iter(pooled.changes))]
    assert OLD in old and "https://api.finance.visma.net/v1/customer" in new
