"""The terminal table: one line per endpoint, in model seconds."""

from __future__ import annotations

from typing import Any

_COLUMNS = [("endpoint", "endpoint", "<"), ("size", "page_size", ">"), ("n", "samples", ">"),
            ("p50", "p50", ">"), ("p95", "p95", ">"), ("max", "max", ">"), ("ttfb", "ttfb_p50", ">"),
            ("call", "predicted_call_seconds", ">"), ("sweep", "predicted_sweep_seconds", ">"),
            ("verdict", "verdict", "<"), ("background", "background", "<")]


def _cell(row: dict[str, Any], key: str) -> str:
    if key == "background":
        bg = row.get("background_roundtrip")
        if not bg:
            return "-"
        match = {True: " same", False: " DIFFERS", None: ""}[bg.get("content_matches")]
        return f"{bg['status']}{match}"
    value = row.get(key)
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


SANDBOX_NOTE = ("timed against the sandbox: the emulator's own latency model (synthetic), "
                "not a prediction of production")


def render_table(endpoints: list[dict[str, Any]], sandbox: bool = False) -> str:
    """The table; `sandbox` labels every figure as the emulator's model."""
    rows = [[_cell(row, key) for _, key, _ in _COLUMNS] for row in endpoints]
    widths = [max(len(title), *(len(r[i]) for r in rows)) if rows else len(title)
              for i, (title, _, _) in enumerate(_COLUMNS)]
    def line(cells: list[str]) -> str:
        return "  ".join(f"{c:{_COLUMNS[i][2]}{widths[i]}}" for i, c in enumerate(cells)).rstrip()
    out = [line([title for title, _, _ in _COLUMNS])]
    out += [line(r) for r in rows]
    out.append("seconds per request (model seconds); call = predicted at the integration's page size; "
               "sweep = all pages")
    if sandbox:
        out.append(SANDBOX_NOTE)
    return "\n".join(out)
