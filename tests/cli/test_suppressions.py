"""Suppression comments scoped like ruff's `noqa`: a trailing comment covers its own logical line,
the line-above form covers the next one, a bare `# noqa` hides nothing, unknown ids are reported,
and `fix --fix-suppressions` removes the unused ones."""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from migrator.suppression import find_suppressions
from tests.engine.helpers import findings

OLD = "https://integration.visma.net/API/controller/api/v1/customer"


def _active(code: str) -> list[str]:
    return [f"{f.line}:{f.rule}" for f in findings(code) if not f.suppressed]


def test_trailing_comment_on_the_last_line_of_a_multi_line_statement() -> None:
    code = (
        'URL = ("https://integration.visma.net/API/controller/api"\n'
        '       "/v1/customer")  # vni-migrate: ignore[VNI001]\n'
    )
    found = findings(code)
    assert [f.rule for f in found] == ["VNI001"] and found[0].suppressed  # no VNI900 "unused" either


def test_trailing_comment_on_any_line_of_the_logical_line() -> None:
    code = 'call(\n    "x",  # vni-migrate: ignore[VNI001]\n    "' + OLD + '",\n)\n'
    assert _active(code) == []


def test_trailing_comment_does_not_reach_the_next_line() -> None:
    code = f'X = 1  # vni-migrate: ignore[VNI001]\nURL = "{OLD}"\n'
    assert _active(code) == ["1:VNI900", "2:VNI001"]


def test_line_above_covers_the_next_logical_line_only() -> None:
    code = (
        "# vni-migrate: ignore[VNI001] archive job\n"
        f'URL = ("{OLD}"\n       "?x=1")\n'
        f'OTHER = "{OLD}"\n'
    )
    assert _active(code) == ["4:VNI001"]


def test_line_above_separated_by_a_blank_line_covers_nothing() -> None:
    code = f'# vni-migrate: ignore[VNI001]\n\nURL = "{OLD}"\n'
    assert _active(code) == ["1:VNI900", "3:VNI001"]


def test_line_above_a_compound_statement_covers_its_header_only() -> None:
    code = f'# vni-migrate: ignore[VNI001]\ndef f(u="{OLD}"):\n    return "{OLD}"\n'
    assert _active(code) == ["3:VNI001"]


def test_bare_noqa_hides_no_vni_finding() -> None:
    assert _active(f'URL = "{OLD}"  # noqa\n') == ["1:VNI001"]
    assert _active(f'URL = "{OLD}"  # noqa: E501\n') == ["1:VNI001"]


def test_bare_noqa_in_a_config_file_hides_nothing(cli, tmp_path: Path) -> None:
    (tmp_path / "app.ini").write_text(f"[api]\nbase = {OLD}  ; noqa\n")
    done = cli("scan", str(tmp_path), "--format", "json")
    assert done.returncode == 1 and '"suppressed": false' in done.stdout


def test_config_file_trailing_marker_covers_its_line_only(cli, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"A=1 # vni-migrate: ignore[VNI050]\nB={OLD}\nC={OLD} # vni-migrate: ignore[VNI050]\n")
    done = cli("scan", str(tmp_path), "--format", "json", "--select", "VNI050")
    import json

    data = json.loads(done.stdout)
    assert [(f["line"], f["suppressed"]) for f in data["findings"]] == [(2, False), (3, True)]


def test_unknown_rule_id_in_a_suppression_is_a_warning() -> None:
    found = findings(f'URL = "{OLD}"  # vni-migrate: ignore[VNl001]\n')  # a typo: lower-case L
    assert [f.rule for f in found] == ["VNI001", "VNI900"]
    assert found[1].severity.value == "warning" and "Unknown rule id VNL001" in found[1].message
    assert not found[0].suppressed


def test_scope_is_read_from_tokens() -> None:
    (sup,) = find_suppressions('x = (1,\n     2)  # vni-migrate: ignore[VNI001]\n')
    assert sup.lines == (1, 2) and sup.trailing


def test_fix_suppressions_removes_unused_ones(cli, tmp_path: Path) -> None:
    target = tmp_path / "m.py"
    target.write_text(
        "# vni-migrate: ignore[VNI001]\n"
        "X = 1\n"
        "Y = 2  # vni-migrate: ignore[VNI001] stale\n"
        f'URL = "{OLD}"  # vni-migrate: ignore[VNI001, VNI004] kept\n'
    )
    plain = cli("fix", str(target))
    assert "VNI900" in plain.stdout and target.read_text().count("vni-migrate: ignore") == 3
    done = cli("fix", "--fix-suppressions", str(target))
    assert target.read_text() == f'X = 1\nY = 2\nURL = "{OLD}"  # vni-migrate: ignore[VNI001] kept\n', done.stdout
    assert done.returncode == 0, done.stdout + done.stderr



@settings(max_examples=300, deadline=None)
@given(
    pieces=st.integers(min_value=2, max_value=6),
    comment_line=st.integers(min_value=0, max_value=5),
    wrapper=st.sampled_from(["URL = ({body})", "call({body})", "x = [{body}]", "d = {{'k': {body}}}", "f(a, {body}, b=1)"]),
    indent=st.sampled_from(["", "    "]),
)
def test_a_trailing_suppression_on_any_line_of_a_multi_line_statement(pieces: int, comment_line: int, wrapper: str, indent: str) -> None:
    """Property: wherever the trailing comment sits in the statement, it suppresses the statement's
    finding, is not reported unused, and does not reach the next statement."""
    parts = ['"https://integration.visma.net/API/controller/api"'] + [f'"/v{i}"' for i in range(1, pieces)]
    body = ("\n" + indent + "    ").join(parts)
    statement = wrapper.format(body=body)
    lines = statement.split("\n")
    where = min(comment_line, len(lines) - 1)
    lines[where] += "  # vni-migrate: ignore[VNI001]"
    prefix = "def g():\n" if indent else ""
    code = prefix + "\n".join(indent + line for line in lines) + "\n" + indent + f'NEXT = "{OLD}"\n'
    found = findings(code)
    last = len(prefix.splitlines()) + len(lines) + 1
    assert [(f.rule, f.suppressed) for f in found if f.line < last] in ([("VNI001", True)], [("VNI002", True)]), code
    assert not any(f.rule == "VNI900" for f in found), code
    assert [(f.line, f.suppressed) for f in found if f.line == last] == [(last, False)], code
