"""The choke points where secret redaction (`migrator.redact`) is applied to every byte the tool writes.

* `install_streams()` replaces sys.stdout and sys.stderr with `RedactingStream`s for the length of
  a command, so every `click.echo`, `print`, log line, progress message and error message is
  redacted, whichever module wrote it;
* `write_output()` is the one function that writes an output file (reports, SARIF, JSON, probe
  results, baselines): it redacts the text and replaces the file atomically;
* `redact_text` / `redact_data` for formats that redact their document as they build it.

Fails closed: when detect-secrets is missing, `install_streams` prints one line naming the reason
and exits 2 before the command runs, and `write_output` raises instead of writing; when its
keyword detector fails to import at the first line that needs it, the CLI prints nothing more and
exits 2 (`migrator.cli.main`).
"""

from __future__ import annotations

import io
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from migrator import redact as _redact


def redact_text(text: str) -> str:
    """`text` with every secret replaced (raises RedactionUnavailable: never returns it unredacted)."""
    return _redact.redact(text)


def redact_data(data: Any) -> Any:
    """A deep copy of a JSON-like document with every secret replaced."""
    return _redact.redact_obj(data)


_LONE_SURROGATE = re.compile("[\udc80-\udcff]")


def _printable(text: str) -> str:
    """Lone surrogates (file names with bytes that are not UTF-8) shown as \\xNN, never a crash."""
    if _LONE_SURROGATE.search(text) is None:
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


_PIECE = 1 << 20


def _pieces(text: str) -> Iterator[str]:
    """`text` in pieces of about a megabyte, each ending before a line that starts in its first
    column: a long report is redacted piece by piece (not copied whole several times over), and
    no indented block (a YAML `key: |` value) is cut in two."""
    start = 0
    while len(text) - start > _PIECE:
        cut = start + _PIECE
        while True:
            cut = text.find("\n", cut)
            if cut < 0 or cut + 1 >= len(text) or not text[cut + 1].isspace():
                break
            cut += 1
        if cut < 0 or cut + 1 >= len(text):
            break
        yield text[start : cut + 1]
        start = cut + 1
    yield text[start:] if start else text


class RedactingStream(io.TextIOBase):
    """A text stream that redacts whole lines before they reach `inner`.

    Text is held until its line is complete (a secret split over two writes is still seen whole);
    `flush()` passes on a partial line too (progress bars, prompts), redacted."""

    def __init__(self, inner: TextIO) -> None:
        super().__init__()
        self.inner = inner
        self._pending = ""
        self._lock = threading.Lock()

    def write(self, text: str) -> int:  # type: ignore[override]
        if isinstance(text, (bytes, bytearray)):  # click.echo writes bytes where it finds no text layer
            text = bytes(text).decode("utf-8", "surrogateescape")
        elif not isinstance(text, str):
            text = str(text)
        with self._lock:
            self._pending += text
            cut = max(self._pending.rfind("\n"), self._pending.rfind("\r")) + 1
            if cut:
                ready, self._pending = self._pending[:cut], self._pending[cut:]
                for piece in _pieces(ready):
                    self.inner.write(_printable(_redact.redact(piece)))
        return len(text)

    def flush(self) -> None:
        with self._lock:
            if self._pending:
                ready, self._pending = self._pending, ""
                self.inner.write(_printable(_redact.redact(ready)))
        self.inner.flush()

    def isatty(self) -> bool:
        return self.inner.isatty()

    def fileno(self) -> int:
        return self.inner.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.inner, "encoding", "utf-8") or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.inner, "errors", None)

    def writable(self) -> bool:
        return True

    def close(self) -> None:
        self.flush()


def install_streams() -> Callable[[], None]:
    """Redact sys.stdout and sys.stderr from now on; returns the function that restores them.

    Learns the secrets in the environment and on the command line first. Exits 2 (one line on
    the real stderr, nothing else printed) when the detector cannot be loaded."""
    try:
        _redact.ensure_available()
    except _redact.RedactionUnavailable as exc:
        sys.stderr.write(f"vni-migrate: error: {exc}\n")
        sys.stderr.flush()
        raise SystemExit(2) from None
    _redact.learn_environment()
    saved = (sys.stdout, sys.stderr)
    if not isinstance(sys.stdout, RedactingStream):
        sys.stdout = RedactingStream(sys.stdout)  # type: ignore[assignment]
    if not isinstance(sys.stderr, RedactingStream):
        sys.stderr = RedactingStream(sys.stderr)  # type: ignore[assignment]

    def restore() -> None:
        for stream in (sys.stdout, sys.stderr):
            if isinstance(stream, RedactingStream):
                try:
                    stream.flush()
                except (OSError, ValueError):
                    pass
        sys.stdout, sys.stderr = saved

    return restore


def write_output(path: Path, text: str) -> None:
    """Write an output file (report, SARIF, JSON...): redacted, then atomically replaced.

    Raises RedactionUnavailable (nothing written) when the detector cannot be loaded, OSError
    when the file cannot be written."""
    from migrator import sourcefile

    data = _printable(_redact.redact(text)).encode("utf-8")
    if path.exists() and not Path(os.path.realpath(path)).is_file():  # /dev/stdout, a named pipe
        with open(path, "wb") as handle:
            handle.write(data)
        return
    if path.exists() or path.is_symlink():
        sourcefile.write_atomic(path, data)
    else:
        try:
            sourcefile.create_atomic(path, data, 0o666 & ~_umask())
        except FileExistsError:
            sourcefile.write_atomic(path, data)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
