"""The pieces of the old gateway in one file: code is read as text, configuration value by value."""

from __future__ import annotations

import re
from pathlib import Path

from migrator.configfiles import format_for
from migrator.urlmodel.pieces import Piece, find_pieces


def file_pieces(path: Path, text: str, api_v: bool, visma_project: bool = False) -> list[Piece]:
    """The pieces `text` holds, with offsets into `text`.

    Configuration values carry no quotes (`.env`, `.ini`, YAML plain scalars), so each value is
    read as if it were a quoted string; code is read whole, where quotes mark its strings."""
    module = format_for(path)
    if module is None:
        return find_pieces(text, api_v, visma_project)
    if path.suffix.lower() == ".json":
        # JSON quotes its keys too: OpenAPI documents keep their paths as keys
        return [_base_path(text, piece) for piece in find_pieces(text, api_v, visma_project)]
    try:
        values = module.values(text)
    except (ValueError, RecursionError):
        return []
    visma_file = visma_project or "visma.net" in text.lower()
    pieces: list[Piece] = []
    for value in values:
        raw = text[value.start : value.end]
        quoted = raw[:1] in "\"'" and raw[-1:] == raw[:1] and len(raw) > 1
        wrapped = raw if quoted else f'"{raw}"'
        shift = value.start - (0 if quoted else 1)
        # `/API` alone is a share of the prefix only in a file that names a Visma host.
        probe = wrapped if not visma_file else wrapped + " visma.net"
        for piece in find_pieces(probe, api_v):
            start, end = piece.start + shift, piece.end + shift
            if start < value.start or end > value.end:
                continue
            if value.key.lower().endswith("basepath") and piece.replacement == "":
                piece = Piece(piece.role, piece.start, piece.end, piece.text, "/", piece.half_migrated)
            pieces.append(Piece(piece.role, start, end, piece.text, piece.replacement, piece.half_migrated))
    return pieces


def _base_path(text: str, piece: Piece) -> Piece:
    """An OpenAPI 2 `basePath` must stay a path: `/API` becomes `/`, not empty."""
    line_start = text.rfind("\n", 0, piece.start) + 1
    if piece.replacement == "" and re.search(r"basePath\"\s*:\s*\"$", text[line_start : piece.start]):
        return Piece(piece.role, piece.start, piece.end, piece.text, "/", piece.half_migrated)
    return piece
