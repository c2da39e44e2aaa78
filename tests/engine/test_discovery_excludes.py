"""`exclude` globs: compiled once, they match exactly what fnmatch matched pattern by pattern."""

from fnmatch import fnmatch

import pytest

from migrator.discovery import Discovery

PATTERNS = ("tests/fixtures/*", "*.min.js", "build/", "docs/**", "a?c", "[ab]*.py", "vendor")


def _by_fnmatch(rel: str) -> bool:
    return any(fnmatch(rel, p) or fnmatch(rel.rsplit("/", 1)[-1], p) or fnmatch(rel, p.rstrip("/") + "/*") for p in PATTERNS)


@pytest.mark.parametrize("rel", ["tests/fixtures/x.py", "tests/fixtures", "src/app.min.js", "build", "build/x.py", "docs/a/b.md",
                                 "abc", "a/abc", "axc.py", "b1.py", "c.py", "vendor", "vendor/x.py", "x/vendor/y.py", "tests/fix",
                                 "tests/fixtures/deep/er/file.cs", "min.js", "xbuild/y"])
def test_excludes_match_as_fnmatch_does(rel: str) -> None:
    assert Discovery(excludes=PATTERNS)._excluded(rel) == _by_fnmatch(rel)


def test_changing_the_excludes_recompiles() -> None:
    discovery = Discovery(excludes=("a/*",))
    assert discovery._excluded("a/b")
    discovery.excludes = ("c/*",)
    assert not discovery._excluded("a/b") and discovery._excluded("c/d")
