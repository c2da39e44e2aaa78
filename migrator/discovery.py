"""Which files a run looks at: walk the given paths, honour .gitignore, skip tool folders.

`.git`, virtual environments, `node_modules` and `site-packages` are skipped unless a path given
on the command line names them directly. Symbolic links are not followed out of the tree, and a
link loop cannot trap the walk (links to folders are never followed).
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from fnmatch import translate
from pathlib import Path

import pathspec

from migrator.sourcefile import JOURNAL_SUFFIX, TEMP_SUFFIX

SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "site-packages", "__pycache__", ".tox", ".nox", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
PYTHON_SUFFIXES = (".py", ".pyi")
# Files the project-wide checks read (allowlists: web server, cloud and cluster configuration).
PROJECT_SUFFIXES = (
    ".conf", ".cfg", ".config", ".htaccess", ".yaml", ".yml", ".json", ".tf", ".tfvars", ".env",
    ".rules", ".v4", ".v6", ".nft", ".lst", ".geo", ".template", ".vhost", ".site", ".sh",
    # configuration files and other languages (config-url, foreign-source kinds)
    ".ini", ".toml", ".properties", ".xml", ".cs", ".php", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts",
    ".tsx", ".java", ".go",
    # documentation and scripts: the residual check reports old URLs in them (never rewritten)
    ".md", ".markdown", ".rst", ".txt", ".adoc", ".ps1", ".psm1", ".psd1", ".bash", ".bat", ".cmd",
    ".http", ".rest", ".html", ".htm", ".vb", ".kt", ".rb", ".swift", ".scala", ".groovy", ".gradle",
)
PROJECT_NAMES = frozenset({"nginx.conf", "httpd.conf", "apache2.conf", "haproxy.cfg", "web.config", "iptables",
                           "ip6tables", "nftables.conf", ".env", "Dockerfile"})


def printable(name: str) -> str:
    """A path for messages and reports: bytes that are not UTF-8 (kept by the OS as surrogate escapes,
    which no UTF-8 output can carry) are shown as `\\xff`; the real path is kept for reading and writing."""
    if name.isprintable() or not any("\udc80" <= c <= "\udcff" for c in name):
        return name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _is_file(path: Path) -> bool:
    """is_file that answers False for a folder it may not look into (PermissionError otherwise)."""
    try:
        return path.is_file()
    except OSError:
        return False


def is_venv(folder: str | os.PathLike[str]) -> bool:
    """A virtual environment (a folder the walks skip); False for a folder it may not look into."""
    return os.path.isfile(os.path.join(folder, "pyvenv.cfg"))


@dataclass
class Discovery:
    excludes: tuple[str, ...] = ()
    suffixes: tuple[str, ...] | None = PYTHON_SUFFIXES  # None: every file
    names: frozenset[str] = frozenset()  # wanted whatever their suffix
    problems: list[tuple[str, str]] = field(default_factory=list)
    # journals and temporary files an interrupted run left behind (migrator/group_write.py handles them)
    leftovers: list[tuple[Path, str]] = field(default_factory=list)
    # real paths already yielded: a file reached under two names (a link and its target) is one file
    _seen: set[str] = field(default_factory=set)
    _compiled: tuple[tuple[str, ...], re.Pattern[str], re.Pattern[str]] | None = None

    def _first_time(self, path: str) -> bool:
        return self._first_time_real(os.path.realpath(path))

    def _first_time_real(self, real: str) -> bool:
        if real in self._seen:
            return False
        self._seen.add(real)
        return True

    def _excluded(self, rel: str) -> bool:
        """A pattern matches the relative path, the file name, or a folder above it (`pat/*`)."""
        whole, name = self._exclude_patterns()
        return whole.match(rel) is not None or name.match(rel.rsplit("/", 1)[-1]) is not None

    def _exclude_patterns(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        # fnmatch's own translation, compiled once: one match per path instead of three per pattern
        if self._compiled is None or self._compiled[0] != self.excludes:
            whole = "|".join(f"(?:{translate(p)})|(?:{translate(p.rstrip('/') + '/*')})" for p in self.excludes)
            name = "|".join(f"(?:{translate(p)})" for p in self.excludes)
            flags = re.IGNORECASE if os.path.normcase("A") == "a" else 0  # as fnmatch on Windows
            self._compiled = (self.excludes, re.compile(whole, flags), re.compile(name, flags))
        return self._compiled[1], self._compiled[2]

    def files(self, roots: list[Path]) -> Iterator[tuple[Path, str]]:
        """Yield (path, display path) for every candidate file under `roots`."""
        for root in roots:
            if root.is_symlink() and not root.exists():
                self.problems.append((str(root), "broken symbolic link"))
                continue
            if root.is_file():
                if self._first_time(str(root)):
                    yield root, printable(str(root))
                continue
            if not root.is_dir():
                self.problems.append((str(root), "no such file or directory"))
                continue
            yield from self._walk(root)

    def _walk(self, root: Path) -> Iterator[tuple[Path, str]]:
        real_root = os.path.realpath(root)
        specs: list[tuple[str, pathspec.GitIgnoreSpec]] = []
        stack = [root]
        while stack:
            folder = stack.pop()
            rel_folder = os.path.relpath(folder, root)
            rel_folder = "" if rel_folder == "." else rel_folder.replace(os.sep, "/") + "/"
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError as exc:
                self.problems.append((printable(str(folder)), f"cannot list folder: {exc.strerror or exc}"))
                continue
            ignore_file = folder / ".gitignore"
            if any(entry.name == ".gitignore" for entry in entries) and _is_file(ignore_file):
                try:
                    lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
                    specs.append((rel_folder, pathspec.GitIgnoreSpec.from_lines(lines)))
                except OSError:
                    pass
            subfolders: list[Path] = []
            for entry in entries:
                rel = rel_folder + entry.name
                try:
                    is_link = entry.is_symlink()
                    is_dir = entry.is_dir(follow_symlinks=False)
                except OSError:
                    continue
                if is_dir:
                    if entry.name in SKIP_DIRS or is_venv(entry.path):
                        continue
                    if (specs and self._ignored(specs, rel + "/")) or (self.excludes and self._excluded(rel)):
                        continue
                    subfolders.append(Path(entry.path))
                    continue
                if entry.name.endswith((TEMP_SUFFIX, JOURNAL_SUFFIX)) and not is_link:
                    display = os.path.join(str(root), rel) if str(root) != "." else rel
                    self.leftovers.append((Path(entry.path), printable(display)))
                    continue
                if self.suffixes is not None and not entry.name.endswith(self.suffixes) and entry.name not in self.names:
                    continue
                if (specs and self._ignored(specs, rel)) or (self.excludes and self._excluded(rel)):
                    continue
                display = os.path.join(str(root), rel) if str(root) != "." else rel
                if is_link:
                    try:
                        os.stat(entry.path)
                    except OSError as exc:
                        why = "symbolic link loop" if exc.errno == errno.ELOOP else "broken symbolic link"
                        self.problems.append((printable(display), why))
                        continue
                    target = os.path.realpath(entry.path)
                    if not os.path.isfile(target) or os.path.commonpath([real_root, target]) != real_root:
                        continue  # never follow a link out of the tree
                    # The target is the file: analysed (and written) under its own name, once, so the
                    # link is never replaced by a regular file whichever of the two names sorts first.
                    if not self._first_time(target):
                        continue
                    name = os.path.basename(target)
                    if self.suffixes is None or name.endswith(self.suffixes) or name in self.names:
                        rel_target = os.path.relpath(target, real_root).replace(os.sep, "/")
                        named = os.path.join(str(root), rel_target)
                        yield Path(named), printable(named if str(root) != "." else rel_target)
                        continue
                elif not entry.is_file(follow_symlinks=False):  # reading a named pipe would block forever
                    self.problems.append((printable(display), "not a regular file (pipe, socket or device); skipped"))
                    continue
                # The walk never follows a folder link, so a plain file's real path is the real root
                # joined with its relative path: no realpath() call (a syscall per path component).
                if is_link or self._first_time_real(os.path.join(real_root, rel)):  # links: checked above
                    yield Path(entry.path), printable(display)
            stack.extend(reversed(subfolders))

    @staticmethod
    def _ignored(specs: list[tuple[str, pathspec.GitIgnoreSpec]], rel: str) -> bool:
        for base, spec in specs:
            if rel.startswith(base) and spec.match_file(rel[len(base) :]):
                return True
        return False
