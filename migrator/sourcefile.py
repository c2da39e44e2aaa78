"""Reading and writing user files without damaging them.

Keeps the encoding (PEP 263 cookie or BOM), the newline style (we never translate newlines: the
text is decoded as-is) and the file mode; writes go to a temporary file in the same folder that
replaces the original atomically, so an interrupted run never leaves a half-written file.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
import signal
import stat
import tempfile
import tokenize
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from migrator import redact, stopsignals

TEMP_SUFFIX = ".vni-tmp"  # temporary files beside the file they replace; a killed run's are removed by the next
JOURNAL_SUFFIX = ".vni-journal"  # a cross-file fix being written (migrator/group_write.py)


class SourceError(Exception):
    """A file the tool cannot read as text; the message is one line and names the problem."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class SourceFile:
    path: Path
    text: str
    encoding: str
    bom: bool
    digest: str  # sha256 of the bytes read (a large run keeps the text of many files, not their bytes too)

    def encode(self, text: str) -> bytes:
        data = text.encode(self.encoding)
        return (codecs.BOM_UTF8 + data) if self.bom else data


XML_SUFFIXES = (".xml", ".config", ".csproj", ".vbproj", ".props", ".targets", ".resx")
_XML_DECLARATION = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _xml_encoding(raw: bytes) -> tuple[str, bytes] | None:
    """(encoding, body) of an XML file that says it is not UTF-8: a UTF-16 byte order mark or an
    `encoding="..."` declaration (`web.config` files saved as UTF-16 or ISO-8859-1 are common)."""
    if raw.startswith(codecs.BOM_UTF16_LE) and codecs.BOM_UTF16_LE == codecs.BOM_UTF16:
        return "utf-16", raw  # the codec reads the mark and writes it back in the same (native) order
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceError("UTF-16 in non-native byte order; not supported")
    match = _XML_DECLARATION.match(raw)
    if match is None:
        return None
    name = match.group(1).decode("ascii").lower()
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        raise SourceError(f"unknown encoding {name!r} in the XML declaration", 1) from None
    if canonical in ("utf-8", "ascii"):
        return None
    if canonical.startswith(("utf-16", "utf-32")):
        raise SourceError(f"declares {name} but has no byte order mark", 1)
    return name, raw


def decode(path: Path, raw: bytes, python: bool = True) -> SourceFile:
    if path.suffix.lower() in XML_SUFFIXES and not python:
        declared = _xml_encoding(raw)
        if declared is not None:
            encoding, body = declared
            try:
                return _learned(SourceFile(path, body.decode(encoding), encoding, False, _digest(raw)))
            except UnicodeDecodeError as exc:
                line = body[: exc.start].count(b"\n") + 1
                raise SourceError(f"not valid {encoding} text (byte {exc.start})", line) from None
    if b"\0" in raw[:8192]:
        raise SourceError("binary file (contains NUL bytes)")
    bom = raw.startswith(codecs.BOM_UTF8)
    body = raw[len(codecs.BOM_UTF8) :] if bom else raw
    encoding = "utf-8"
    if python and not bom:
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
        except SyntaxError as exc:
            raise SourceError(f"bad encoding declaration: {exc}", 1) from None
        if encoding == "utf-8-sig":
            encoding = "utf-8"
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        raise SourceError(f"not valid {encoding} text (byte {exc.start})", line) from None
    except LookupError:
        raise SourceError(f"unknown encoding {encoding!r}", 1) from None
    return _learned(SourceFile(path, text, encoding, bom, _digest(raw)))


def _digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _learned(source: SourceFile) -> SourceFile:
    """Every file read is shown to the redactor first: a secret it holds is redacted wherever it is
    quoted later, even on a report's context line far from its key (a folded YAML value)."""
    redact.learn(source.text)
    return source


def read(path: Path, python: bool = True) -> SourceFile:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}") from None
    return decode(path, raw, python)


# Tests kill the process for real (SIGKILL) after this many file operations, to show that a run
# stopped at any point leaves nothing half-done; unset in normal use.
_KILL_AFTER = int(os.environ.get("VNI_MIGRATE_KILL_AFTER_FILE_OPS", "0") or 0)
_operations = 0


def file_operation() -> None:
    """Count one step that changes the file system (the test hook above may end the process here)."""
    global _operations
    _operations += 1
    if _KILL_AFTER and _operations >= _KILL_AFTER:
        os.kill(os.getpid(), signal.SIGKILL)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically, keeping its permission bits.

    SIGINT and SIGTERM are held back while the temporary file exists (delivered right after), so a
    stop can neither leave it behind nor interrupt the cleanup. A symbolic link is written through:
    its target is replaced, the link stays a link.
    """
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    _place(path, data, stat.S_IMODE(path.stat().st_mode), os.replace)


def create_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Create `path` with `data` atomically. Raises FileExistsError if anything is there, even
    something that appeared a moment ago: a new file never replaces one."""
    _place(path, data, mode, os.link)


def _place(path: Path, data: bytes, mode: int, put: Callable[[str, Path], None]) -> None:
    """Write `data` to a temporary file beside `path`, then `put` it there (rename or link)."""
    with stopsignals.held():
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
        try:
            file_operation()
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            file_operation()
            os.chmod(tmp, mode)
            put(tmp, path)
            file_operation()
        finally:
            if os.path.lexists(tmp):  # gone after a rename; still there after a link or a failure
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
