"""The HTML report in a real headless Chromium: no errors, no network, filters work, screenshot saved."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from migrator.report import html

from .conftest import REPO

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOT = REPO / "docs" / "report-screenshot.png"

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def open_page(browser: Any, path: Path, **context: Any) -> tuple[Any, list[str], list[str]]:
    page = browser.new_page(**context)
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, problems, requests


def test_report_opens_clean_filters_sorts_and_charts(browser, audit_document, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    report.write_text(html.render_audit(audit_document))
    page, problems, requests = open_page(browser, report, viewport={"width": 1280, "height": 900})

    assert problems == []  # CSP violations would show up here as console errors
    assert requests == [report.as_uri()]  # the page itself, nothing else
    rows = page.locator("#findings-table tbody tr")
    total = rows.count()
    findings = audit_document["scan"]["findings"]
    safe = len([f for f in findings if f["fix"] == "safe"])
    assert 0 < safe < total or total == safe > 0
    assert page.inner_text("[data-role=count]") == f"{total} of {total} shown"

    page.click("button[data-attr=fix][data-value=safe]")  # hide the findings fixed automatically
    assert page.locator("#findings-table tbody tr:not([hidden])").count() == total - safe
    assert page.inner_text("[data-role=count]") == f"{total - safe} of {total} shown"
    page.click("button[data-attr=fix][data-value=safe]")

    needle = "customer"
    expected = len([f for f in findings if needle in (f["message"] + f["path"] + (f["replacement"] or "")).lower()])
    page.keyboard.press("/")  # keyboard: "/" focuses search
    page.keyboard.type(needle)
    assert page.input_value("input[type=search]") == needle
    assert page.locator("#findings-table tbody tr:not([hidden])").count() == expected
    page.keyboard.press("Escape")
    assert page.locator("#findings-table tbody tr:not([hidden])").count() == total

    page.click("#findings-table th:nth-child(4) button")  # sort by severity
    first = page.locator("#findings-table tbody tr").first.get_attribute("data-sev")
    assert first == "error"
    assert page.get_attribute("#findings-table th:nth-child(4)", "aria-sort") == "ascending"

    assert page.locator("svg.chart line.cut").count() == len(audit_document["probe"]["endpoints"])
    assert problems == [] and len(requests) == 1
    page.screenshot(path=str(tmp_path / "fixture-report.png"), full_page=True)


def test_report_is_readable_on_a_phone(browser, audit_document, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    report.write_text(html.render_audit(audit_document))
    page, problems, _ = open_page(browser, report, viewport={"width": 390, "height": 844}, is_mobile=True)
    body_width = page.evaluate("document.documentElement.scrollWidth")
    assert body_width <= 400  # wide tables scroll inside their box, the page does not
    assert problems == []


def test_fleet_page_filters_by_grade(browser, tmp_path: Path) -> None:
    from migrator.report import merge, model

    documents = []
    for name, n in (("alpha", 0), ("beta", 3), ("gamma", 20)):
        findings = [{"rule": "VNI001", "severity": "error", "fix": "manual", "path": "a.py", "line": i + 1,
                     "column": 1, "end_line": i + 1, "end_column": 2, "message": "m", "suppressed": False,
                     "fixable": False, "replacement": None, "fingerprint": f"{i:032d}"} for i in range(n)]
        documents.append((f"{name}.json", model.build(project=name, scan=model.scan_document(findings, [], 1))))
    fleet = tmp_path / "fleet.html"
    fleet.write_text(html.render_fleet(merge.fleet_rows(documents), "2026-03-01T00:00:00+00:00"))
    page, problems, requests = open_page(browser, fleet)
    assert problems == [] and len(requests) == 1
    page.click("button[data-attr=grade][data-value='not ready']")
    assert page.locator("#fleet-table tbody tr:not([hidden])").count() == 2


def test_bundled_example_audit_with_sandbox_in_the_browser(browser, engine: str, tmp_path: Path) -> None:
    """The README's first command, end to end; its page is the screenshot in the README."""
    from click.testing import CliRunner

    from migrator.cli import cli

    example = REPO / "examples" / "legacy-integration"
    if not any(example.rglob("*.py")):
        pytest.skip("the bundled example is not there yet")
    report, saved = tmp_path / "report.html", tmp_path / "audit.json"
    result = CliRunner().invoke(cli, ["audit", str(example), "--sandbox", "--html", str(report), "--json",
                                      str(saved), "--project", "legacy-integration"])
    assert result.exit_code == 1, result.output  # the example still needs migrating
    page, problems, requests = open_page(browser, report, viewport={"width": 1100, "height": 900})
    assert problems == []
    assert requests == [report.as_uri()]
    rows = page.locator("#findings-table tbody tr")
    total = rows.count()
    assert total > 1
    fixes = {rows.nth(i).get_attribute("data-fix") for i in range(total)}
    hide = min(fixes)
    page.click(f"button[data-attr=fix][data-value={hide}]")
    visible = page.locator("#findings-table tbody tr:not([hidden])").count()
    assert visible < total
    page.click(f"button[data-attr=fix][data-value={hide}]")
    # The README's picture comes from test_example_report_fits_the_viewport_and_explains_itself[1400].
    shot = tmp_path / "report.png"
    shot.parent.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0); document.activeElement.blur()")
    page.set_viewport_size({"width": 1100, "height": 1500})
    page.screenshot(path=str(shot))  # the top of the page: score, deadlines, counts, findings
    assert shot.stat().st_size > 10_000


@pytest.fixture(scope="module")
def example_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The README's first command on the bundled example (sandbox probe included), once per module."""
    from click.testing import CliRunner

    from migrator.cli import cli

    report = tmp_path_factory.mktemp("example") / "report.html"
    result = CliRunner().invoke(cli, ["audit", str(REPO / "examples" / "legacy-integration"), "--sandbox",
                                      "--html", str(report), "--project", "legacy-integration"])
    assert result.exit_code == 1, result.output
    return report


WIDEST_IN_FINDINGS = """() => {
  const width = document.documentElement.clientWidth;
  let worst = 0, what = "";
  for (const el of document.querySelectorAll('#findings-table, #findings-table *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // closed <details>, hidden rows
    if (el.parentElement && el.parentElement.closest('pre')) continue;  // a <pre> scrolls its own lines
    if (box.right > worst) { worst = box.right; what = el.tagName + '.' + el.className; }
  }
  return [worst, width, what];
}"""


@pytest.mark.parametrize("width", [1400, 400])
def test_example_report_fits_the_viewport_and_explains_itself(browser, example_report: Path, width: int) -> None:
    page, problems, requests = open_page(browser, example_report, viewport={"width": width, "height": 900},
                                         is_mobile=width < 500)
    assert problems == [] and requests == [example_report.as_uri()]
    worst, viewport, what = page.evaluate(WIDEST_IN_FINDINGS)
    assert worst <= viewport + 0.5, f"{what} reaches {worst}px in a {viewport}px viewport"
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport + 0.5
    # the score definition is a real table, not Markdown pipes
    assert page.locator(".defn table.defn-table tbody tr").count() >= 8
    assert "|---|" not in page.inner_text(".defn")
    first = page.locator("#first-steps > li")
    assert first.count() >= 3 and "Visma Connect" in page.inner_text("#first-steps")
    # rule titles beside the ids
    assert page.locator("#by-rule tbody tr").first.locator("td").nth(1).inner_text().strip() != ""
    # chart labels stay legible (the chart scrolls inside its box at phone width)
    heights = page.evaluate("[...document.querySelectorAll('svg.chart text')].map(t => t.getBoundingClientRect().height)")
    assert heights and min(heights) >= 9, heights
    if width == 1400:
        shot = SCREENSHOT if os.environ.get("VNI_MIGRATE_UPDATE_SCREENSHOT") else example_report.parent / "report-1400.png"
        page.evaluate("window.scrollTo(0, 0); document.activeElement.blur()")
        page.set_viewport_size({"width": 1400, "height": 1600})
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000


def test_example_report_prints_on_a4_without_overflow(browser, example_report: Path) -> None:
    """Print layout: at A4 width (794 CSS px) nothing in the findings table leaves the page."""
    page, problems, _ = open_page(browser, example_report, viewport={"width": 794, "height": 1123})
    page.emulate_media(media="print")
    worst, viewport, what = page.evaluate(WIDEST_IN_FINDINGS)
    assert worst <= viewport + 0.5, f"{what} reaches {worst}px on a {viewport}px page"
    assert page.locator(".toolbar").first.is_hidden()  # filters are screen-only
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF" and problems == []
