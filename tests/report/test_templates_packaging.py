"""The templates have one home (reports/templates) and are reachable from the installed package."""

from pathlib import Path

from migrator.report import templates_dir

from .conftest import REPO


def test_package_template_folder_is_the_repository_folder() -> None:
    assert templates_dir.PACKAGE_TEMPLATES.resolve() == (REPO / "reports" / "templates").resolve()
    names = {p.name for p in (REPO / "reports" / "templates").glob("*.j2")}
    assert {"audit.html.j2", "fleet.html.j2", "report.css.j2", "report.js.j2"} <= names


def test_pyproject_ships_the_templates_as_package_data() -> None:
    text = (REPO / "pyproject.toml").read_text()
    assert '"migrator.report" = ["templates/*.j2"]' in text


def test_loader_falls_back_to_the_repository_folder(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(templates_dir, "PACKAGE_TEMPLATES", tmp_path / "missing")
    assert templates_dir.template_dirs() == [templates_dir.REPO_TEMPLATES]
    assert templates_dir.environment().get_template("audit.html.j2")
