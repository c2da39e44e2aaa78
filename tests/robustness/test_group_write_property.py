"""Property: however a write phase with cross-file groups is cut short (after any file operation),
the next run's recovery leaves every group either untouched or completely written, never split,
and a read-only run reports the half-written groups meanwhile.

The kill here is in-process (an exception at the N-th file operation), so many group shapes and
cut points can be tried; tests/robustness/test_group_interrupt.py does the same with a real SIGKILL.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrator import group_write, sourcefile
from migrator.discovery import Discovery
from migrator.engine import FileResult
from migrator.findings import Finding, FixSafety, Severity


class Cut(BaseException):
    """Stands in for the process dying (BaseException: nothing on the way catches it)."""


def _result(root: Path, name: str, link: str, create: bool) -> FileResult:
    path = root / name
    old = "" if create else f"BASE = 'old {name}'\n"
    if not create:
        path.write_text(old)
    finding = Finding("VNI005", Severity.ERROR, FixSafety.SAFE, name, 1, 1, 1, 2, "m", extra={"link": link, "fixed": True})
    return FileResult(name, [finding], old_text=old, new_text=f"BASE = 'new {name}'\n", candidate=True,
                      digest=hashlib.sha256(old.encode()).hexdigest(), file=str(path), created=create)


groups_shape = st.lists(st.lists(st.booleans(), min_size=1, max_size=4), min_size=1, max_size=4)


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=groups_shape, cut=st.integers(min_value=1, max_value=80))
def test_a_cut_write_phase_is_completed_by_the_next_run_and_no_group_is_split(shape: list[list[bool]], cut: int,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        results = [_result(root, f"g{g}_m{m}.py", f"group{g}", create) for g, members in enumerate(shape)
                   for m, create in enumerate(members)]
        wanted = {r.file: r.new_text for r in results}
        count = [0]

        def operation() -> None:
            count[0] += 1
            if count[0] == cut:
                raise Cut()

        monkeypatch.setattr(sourcefile, "file_operation", operation)
        try:
            group_write.write_all(results)
        except Cut:
            pass
        monkeypatch.undo()

        def state(name: str) -> str:
            path = root / name
            return "new" if path.exists() and path.read_text() == wanted[str(path)] else "old"

        discovery = Discovery(suffixes=(".py",))
        list(discovery.files([root]))
        half = [g for g, members in enumerate(shape) if len({state(f"g{g}_m{m}.py") for m in range(len(members))}) > 1]
        read_only = group_write.recover(discovery.leftovers, write=False)
        assert len(read_only.problems) >= len(half)  # every split group is reported by a read-only run

        assert not group_write.recover(discovery.leftovers, write=True).problems
        for g, members in enumerate(shape):
            states = {state(f"g{g}_m{m}.py") for m in range(len(members))}
            assert len(states) == 1, (shape, cut, g, states)  # never split after recovery
        assert not [p.name for p in root.iterdir() if p.name.endswith((sourcefile.TEMP_SUFFIX, sourcefile.JOURNAL_SUFFIX))]
