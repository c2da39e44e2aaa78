"""What is left of the old gateway is searched for only on the lines that can hold it; that must
find exactly what a search of the whole text finds."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from migrator.codemods import residual

PIECES = ["integration.visma.net", "Integration.Visma.NET", "controller/api", "API/controller/api", "service/controller/api",
          "api.finance.visma.net/api", "resources/v1/event", "resources/oauth/authorize", "security/api/v2", "\n", "\r\n",
          "-", "_", "x", "/", " ", "'", "İ", "ß"]


def _whole(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in residual._LEFT.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14))
def test_the_line_search_finds_what_the_whole_search_finds(parts: list[str]) -> None:
    text = "".join(parts)
    assert [(m.start(), m.end()) for m in residual._left_matches(text)] == _whole(text)


def test_a_generated_module_finds_the_same_pieces() -> None:
    rng = random.Random(3)
    lines = ['BASE = "https://integration.visma.net/API"', 'url = BASE + "/controller/api/v1/customer"', "x = 1",
             "# see resources/v1/subscription", 'OTHER = "https://example.com/API/controller/api/v1"', "café = 2"]
    text = "\n".join(rng.choice(lines) for _ in range(2000))
    assert _whole(text) and [(m.start(), m.end()) for m in residual._left_matches(text)] == _whole(text)
    assert residual._left_pieces(text, True)
