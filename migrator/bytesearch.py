"""Which of many files hold one of a few byte needles, at I/O speed.

ripgrep (a dependency: the `ripgrep` wheel ships its binary) searches the files in parallel;
without it the caller reads the files itself. The search is case-insensitive for ASCII, as the
screens' `bytes.lower()` is, and may answer a superset (ripgrep also folds a few non-ASCII
letters, and reads whole files where a screen reads a prefix): the caller reads and checks every
file found, so only a file that holds no needle at all is never read.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Set to "python" to screen without ripgrep (the tests compare both ways).
SCREEN_ENV = "VNI_MIGRATE_SCREEN"
_META = set(b"\\.+*?()|[]{}^$#&-~")
_ARGS_BYTES = 256_000  # per command line, well under Linux's limits on argv
_SIDE_BY_SIDE = max(4, 2 * (os.cpu_count() or 1))  # ripgrep processes at a time
_NEEDLES_PER_SEARCH = 12  # case-insensitive literals in one ripgrep run (see `_groups`)


@dataclass
class SearchResult:
    holding: set[str] = field(default_factory=set)  # paths that hold a needle
    unsure: set[str] = field(default_factory=set)  # paths the search could not answer for: read them


def ripgrep() -> str | None:
    """The ripgrep binary: the one installed beside this interpreter, else one on PATH."""
    if os.environ.get(SCREEN_ENV, "").lower() == "python":
        return None
    beside = Path(sys.executable).parent / ("rg.exe" if os.name == "nt" else "rg")
    return str(beside) if beside.is_file() else shutil.which("rg")


def _regex(needles: tuple[bytes, ...]) -> str | None:
    """One alternation of the needles as a ripgrep regex, or None for a needle it cannot carry."""
    parts = []
    for needle in needles:
        if not needle:
            return None
        out = []
        for byte in needle:
            if byte >= 0x80:  # `\xHH` would mean a code point, not a byte
                return None
            if byte in _META:
                out.append("\\" + chr(byte))
            elif 0x20 < byte < 0x7F:
                out.append(chr(byte))
            else:
                out.append(f"\\x{byte:02x}")
        parts.append("".join(out))
    return "|".join(parts)


def _groups(needles: tuple[bytes, ...]) -> list[tuple[bytes, ...]]:
    """The needles that are not redundant (one holding another is found with it), in groups of at
    most `_NEEDLES_PER_SEARCH`, each searched by its own ripgrep run (the runs go side by side):
    past about a dozen case-insensitive literals ripgrep leaves its fast literal search, and one
    alternation of 16 took twice as long as two searches of 12 and 4 side by side."""
    lowered = sorted({needle.lower() for needle in needles})
    kept = tuple(n for n in lowered if not any(other != n and other in n for other in lowered))
    return [kept[i : i + _NEEDLES_PER_SEARCH] for i in range(0, len(kept), _NEEDLES_PER_SEARCH)] or [()]


def _chunks(paths: list[str]) -> list[list[str]]:
    chunks: list[list[str]] = [[]]
    size = 0
    for path in paths:
        length = len(os.fsencode(path)) + 1
        if chunks[-1] and size + length > _ARGS_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(path)
        size += length
    return chunks if chunks[-1] else []  # no paths: ripgrep given none would search the working folder


def search(paths: list[str], needles: tuple[bytes, ...]) -> SearchResult | None:
    """The paths that hold one of the lower-case `needles`, or None when ripgrep is not at hand
    (or cannot carry a needle): the caller then reads every file itself."""
    return search_all([(paths, needles)])[0]


def search_all(requests: list[tuple[list[str], tuple[bytes, ...]]]) -> list[SearchResult | None]:
    """`search` for each (paths, needles), a few ripgrep processes running side by side (each one
    is short, so starting them one after another would cost more than their searches)."""
    binary = ripgrep()
    results: list[SearchResult | None] = []
    running: list[tuple[SearchResult, list[str], subprocess.Popen[bytes]]] = []
    for paths, needles in requests:
        patterns = [_regex(group) for group in _groups(needles)]
        if binary is None or None in patterns:
            results.append(None)
            continue
        result = SearchResult()
        results.append(result)
        for pattern in patterns:
            command = [binary, "--no-config", "--files-with-matches", "--null", "--text", "--ignore-case", "--encoding",
                       "none", "--no-ignore", "--no-unicode", "--regexp", str(pattern), "--"]
            for chunk in _chunks(paths):
                if len(running) >= _SIDE_BY_SIDE:  # a huge tree: never hundreds of processes at once
                    _collect(*running.pop(0))
                try:
                    process = subprocess.Popen(command + chunk, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                except OSError:
                    result.unsure.update(chunk)
                    continue
                running.append((result, chunk, process))
    for entry in running:
        _collect(*entry)
    return results


def _collect(result: SearchResult, chunk: list[str], process: subprocess.Popen[bytes]) -> None:
    """Wait for one ripgrep run and add what it answered for `chunk` to `result`."""
    stdout, stderr = process.communicate()
    if process.returncode not in (0, 1, 2):  # not the ripgrep we know (an old release, another program)
        result.unsure.update(chunk)
        return
    result.holding.update(os.fsdecode(p) for p in stdout.split(b"\0") if p)
    if process.returncode == 2:  # some file could not be read: its reader reports it
        result.unsure.update(_named_in(stderr, chunk))


def _named_in(stderr: bytes, chunk: list[str]) -> list[str]:
    """The paths of `chunk` that ripgrep's error lines name; all of them when a line names none."""
    lines = [os.fsdecode(line) for line in stderr.splitlines() if line.strip()]
    named = [path for path in chunk if any(line.startswith(f"rg: {path}: ") for line in lines)]
    return named if len(named) >= len(lines) else chunk
