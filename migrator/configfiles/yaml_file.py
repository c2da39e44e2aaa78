"""YAML files: every scalar from PyYAML's scanner, which gives exact character spans and the style."""

from __future__ import annotations

from typing import Any

import yaml

from migrator.configfiles import ConfigFileError, ConfigValue

NAME = "yaml"
SUFFIXES = (".yaml", ".yml")  # file name endings this format reads (lower case)


def values(text: str) -> list[ConfigValue]:
    out: list[ConfigValue] = []
    key = ""
    expect_key = False
    try:
        tokens = list(yaml.scan(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        # not silently empty: the caller reports the file, so its URLs are not a silent miss
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigFileError(f"not valid YAML ({problem})", mark.line + 1 if mark is not None else None) from None
    for token in tokens:
        if isinstance(token, yaml.KeyToken):
            expect_key = True
            continue
        if not isinstance(token, yaml.ScalarToken):
            if not isinstance(token, yaml.ValueToken):
                expect_key = False
            continue
        if expect_key:
            key = token.value
            expect_key = False
            continue
        start, end = token.start_mark.index, token.end_mark.index
        if token.style in ("'", '"'):
            start, end = start + 1, end - 1
        out.append(ConfigValue(key, start, end, token.value))
    return out


class _AnyTagLoader(yaml.SafeLoader):
    """Safe loading that keeps unknown tags (CloudFormation `!Ref`, Ansible `!vault`) as plain data."""


def _construct_unknown(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return (suffix, loader.construct_scalar(node))
    if isinstance(node, yaml.SequenceNode):
        return (suffix, loader.construct_sequence(node, deep=True))
    return (suffix, loader.construct_mapping(node, deep=True))  # type: ignore[arg-type]


_AnyTagLoader.add_multi_constructor("", _construct_unknown)


def load(text: str) -> Any:
    try:
        return list(yaml.load_all(text, Loader=_AnyTagLoader))
    except yaml.YAMLError as exc:
        raise ValueError(str(exc).splitlines()[0]) from None
