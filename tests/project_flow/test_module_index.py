"""Module names and imports across files, as `import` sees them."""

from __future__ import annotations

from pathlib import Path

from migrator.python.module_index import ProjectIndex, module_names


def _write(root: Path, files: dict[str, str]) -> list[tuple[Path, str]]:
    out = []
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        out.append((path, rel))
    return out


def test_module_names_follow_packages_and_the_scanned_root(tmp_path: Path) -> None:
    files = _write(tmp_path, {"app/__init__.py": "", "app/sub/__init__.py": "", "app/sub/config.py": "", "ns/mod.py": ""})
    assert module_names(files[2][0], [tmp_path]) == ["app.sub.config"]
    assert module_names(files[1][0], [tmp_path]) == ["app.sub"]
    assert module_names(files[3][0], [tmp_path]) == ["mod", "ns.mod"]  # namespace package: from the root


def test_relative_imports_aliases_and_re_exports_resolve_to_the_definition(tmp_path: Path) -> None:
    files = _write(tmp_path, {
        "app/__init__.py": "from .settings import BASE as EXPORTED\n",
        "app/settings.py": "BASE = 'https://integration.visma.net/API'\n",
        "app/sub/__init__.py": "",
        "app/sub/user.py": "from .. import settings\nfrom ..settings import BASE as B\nfrom app import EXPORTED\nx = settings.BASE\ny = B\nz = EXPORTED\n",
    })
    index = ProjectIndex(files, [tmp_path], lambda display, path: path.read_text())
    user = index.module("app.sub.user")
    assert user is not None and user.resolver is not None and user.tree is not None
    values = [stmt.value for stmt in user.tree.body[3:]]
    keys = {user.resolver.resolve(v).key for v in values}  # type: ignore[union-attr]
    assert keys == {"export:app.settings:BASE"}
