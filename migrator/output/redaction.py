"""Secrets never reach an output: every format passes its strings through `migrator.redact`."""

from __future__ import annotations

from typing import Any


def redact_text(text: str) -> str:
    try:
        from migrator.redact import redact
    except ImportError:  # pragma: no cover - the module ships with the package
        return text
    return redact(text)


def redact_data(data: Any) -> Any:
    try:
        from migrator.redact import redact_obj
    except ImportError:  # pragma: no cover
        return data
    return redact_obj(data)
