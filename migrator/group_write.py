"""Writing the files of a cross-file fix as one unit, so a stopped run never leaves half of it.

A cross-file fix (a base in `config.py`, its paths in `client.py`) is only correct whole: with
one half written the code builds a URL mixing old and new pieces. Each file is replaced
atomically, but a run can die between two files (SIGKILL, power loss), so before the first
member is written a journal is created atomically beside the group: every member's path, the
digest of the bytes it replaces and the complete new bytes. The journal is removed once every
member is written. The next run that finds a journal rolls the group forward: members still
holding their old bytes get their new bytes, then the journal goes. A read-only run (scan,
`fix --check`, `fix --diff`) reports a half-written group as a problem instead of calling the
tree clean. Temporary files a killed run left behind are removed by the next `fix`.
"""

from __future__ import annotations

import base64
import codecs
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from migrator import sourcefile
from migrator.engine import FileResult, write_result
from migrator.findings import FileProblem

JOURNAL_SUFFIX = sourcefile.JOURNAL_SUFFIX
JOURNAL_VERSION = 1
# what tempfile.mkstemp names our temporary files: ".<name>.<8 random characters>.vni-tmp"
_OUR_TEMP = re.compile(r"^\..+\.[a-z0-9_]{8}" + re.escape(sourcefile.TEMP_SUFFIX) + "$")
_ABSENT = "absent"  # the digest recorded for a file the group creates



def groups(results: list[FileResult]) -> list[list[FileResult]]:
    """The results to write, as groups: files whose applied fixes share a cross-file link form one."""
    pending = [r for r in results if r.new_text is not None and r.problem is None]
    parent = list(range(len(pending)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, result in enumerate(pending):
        for finding in result.findings:
            link = finding.link
            if link is None or not finding.extra.get("fixed"):
                continue
            if link in owner:
                parent[root(i)] = root(owner[link])
            else:
                owner[link] = i
    by_root: dict[int, list[FileResult]] = {}
    for i, result in enumerate(pending):
        by_root.setdefault(root(i), []).append(result)
    return list(by_root.values())


def _new_bytes(result: FileResult) -> bytes:
    assert result.new_text is not None
    data = result.new_text.encode(result.encoding)
    return (codecs.BOM_UTF8 + data) if result.bom and not result.created else data


def _old_bytes(result: FileResult) -> bytes:
    assert result.old_text is not None
    data = result.old_text.encode(result.encoding)
    return (codecs.BOM_UTF8 + data) if result.bom else data


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return _ABSENT


def write_all(results: list[FileResult]) -> None:
    """Write every fixed file: single files atomically, cross-file groups through a journal."""
    for group in groups(results):
        if len(group) == 1:
            write_result(group[0])
        else:
            write_group(group)


def write_group(members: list[FileResult]) -> None:
    """Write all members or none; a run killed half-way is completed by the next (see module doc)."""
    paths = [Path(m.file or m.path) for m in members]
    for member, path in zip(members, paths):
        expected = _ABSENT if member.created else member.digest
        if _digest(path) != expected:
            _withdraw(members, f"{member.path} changed while vni-migrate ran; none of the files of this cross-file fix were written")
            return
    try:
        encoded = [_new_bytes(m) for m in members]
    except UnicodeEncodeError as exc:
        _withdraw(members, f"cannot encode the fixed text ({exc}); none of the files of this cross-file fix were written")
        return
    folder = Path(os.path.commonpath([str(p.parent.resolve()) for p in paths]))
    entries = [
        {"path": str(p.resolve()), "old": _ABSENT if m.created else m.digest, "new": hashlib.sha256(data).hexdigest(),
         "data": base64.b64encode(data).decode("ascii")}
        for m, p, data in zip(members, paths, encoded)
    ]
    name = hashlib.sha256("\0".join(e["path"] for e in entries).encode()).hexdigest()[:12]
    journal = folder / f".vni-migrate-{name}{JOURNAL_SUFFIX}"
    try:
        sourcefile.create_atomic(journal, json.dumps({"version": JOURNAL_VERSION, "files": entries}).encode("utf-8"), 0o600)
    except FileExistsError:
        _withdraw(members, f"{journal} exists (an interrupted run?); run fix again to complete it")
        return
    except OSError as exc:
        _withdraw(members, f"cannot write the journal {journal}: {exc.strerror or exc}; none of the files were written")
        return
    written: list[tuple[FileResult, Path]] = []
    for member, path in zip(members, paths):
        write_result(member)
        if not member.written:
            _roll_back(written)
            reason = member.problem.message if member.problem else "cannot write"
            _withdraw(members, f"{member.path}: {reason}; the other files of this cross-file fix were restored")
            break
        written.append((member, path))
    _remove(journal)


def _roll_back(written: list[tuple[FileResult, Path]]) -> None:
    for member, path in written:
        try:
            if member.created:
                os.unlink(path)
                sourcefile.file_operation()
            else:
                sourcefile.write_atomic(path, _old_bytes(member))
        except OSError:
            pass
        member.written = False


def _withdraw(members: list[FileResult], message: str) -> None:
    for member in members:
        for finding in member.findings:
            finding.extra.pop("fixed", None)
        if member.problem is None:
            member.problem = FileProblem(member.path, message)
        member.written = False


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    sourcefile.file_operation()


@dataclass
class Recovery:
    problems: list[FileProblem]
    completed: list[str]  # journals whose groups were completed
    removed: list[str]  # temporary files removed


def recover(leftovers: list[tuple[Path, str]], write: bool) -> Recovery:
    """Handle what an interrupted run left: complete (write) or report (read-only) half-written groups,
    remove our temporary files (write only)."""
    recovery = Recovery([], [], [])
    for path, display in leftovers:
        if path.name.endswith(JOURNAL_SUFFIX):
            _recover_journal(path, display, write, recovery)
        elif write and _OUR_TEMP.match(path.name):
            try:
                os.unlink(path)
                recovery.removed.append(display)
            except OSError as exc:
                recovery.problems.append(FileProblem(display, f"leftover temporary file cannot be removed: {exc.strerror or exc}"))
    return recovery


def _recover_journal(path: Path, display: str, write: bool, recovery: Recovery) -> None:
    try:
        document = json.loads(path.read_bytes())
        entries = [(Path(e["path"]), e["old"], e["new"], base64.b64decode(e["data"])) for e in document["files"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        recovery.problems.append(FileProblem(
            display, f"cannot read this journal of an interrupted fix ({exc}); check the files it names and delete it"))
        return
    states = [_digest(p) for p, _, _, _ in entries]
    pending = [(p, old, data) for (p, old, new, data), now in zip(entries, states) if now != new]
    conflicts = [str(p) for (p, old, new, _), now in zip(entries, states) if now not in (old, new)]
    if conflicts:
        recovery.problems.append(FileProblem(
            display, f"an interrupted fix left a cross-file change half-written, and {', '.join(conflicts)} changed since; "
            "complete it by hand, then delete this journal"))
        return
    if pending and not write:
        recovery.problems.append(FileProblem(
            display, f"an interrupted fix left a cross-file change half-written ({len(entries) - len(pending)} of "
            f"{len(entries)} files written); run `vni-migrate fix` to complete it"))
        return
    if not write:
        return
    try:
        for target, old, data in pending:
            if old == _ABSENT:
                sourcefile.create_atomic(target, data)
            else:
                sourcefile.write_atomic(target, data)
    except OSError as exc:
        recovery.problems.append(FileProblem(display, f"cannot complete the interrupted cross-file fix: {exc}"))
        return
    _remove(path)
    recovery.completed.append(display)
