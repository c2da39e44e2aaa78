import ast
import textwrap

from migrator.codemods import KINDS
from migrator.engine import fix_text
from migrator.rulefile import load_rules

RULES = load_rules((), KINDS)


def fix(code: str, unsafe: bool = False) -> str:
    code = textwrap.dedent(code)
    out, _, _ = fix_text("t.py", code, RULES, unsafe)
    ast.parse(out)
    again, _, _ = fix_text("t.py", out, RULES, unsafe)
    assert again == out, "second run changed the code"
    return out


def findings(code: str):
    _, found, _ = fix_text("t.py", textwrap.dedent(code), RULES, False)
    return found
