"""XML files (`web.config`, `app.config`, `.csproj`, Spring and Maven XML): attribute values and text.

`<add key="VismaBaseUrl" value="..."/>` (appSettings) reports the value under its `key`; other
attributes as `element@attribute`, text as the element's name. Comments, CDATA markers,
processing instructions and DOCTYPE are never values.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from typing import Any

from migrator.configfiles import ConfigValue

NAME = "xml"
SUFFIXES = (".xml", ".config")  # file name endings this format reads (lower case)

_TOKEN = re.compile(
    r"(?P<comment><!--[\s\S]*?-->)|(?P<cdata><!\[CDATA\[(?P<cdata_text>[\s\S]*?)\]\]>)|(?P<pi><\?[\s\S]*?\?>)"
    r"|(?P<doctype><!DOCTYPE[^>\[]*(?:\[[\s\S]*?\])?\s*>)|(?P<tag></?(?P<name>[\w:.-]+)(?P<attrs>[^>]*)>)|(?P<text>[^<]+)"
)
_ATTRIBUTE = re.compile(r"(?P<name>[\w:.-]+)\s*=\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)')")


def values(text: str) -> list[ConfigValue]:
    out: list[ConfigValue] = []
    element = ""
    for match in _TOKEN.finditer(text):
        if match.group("tag"):
            element = match.group("name")
            if match.group().startswith("</"):
                continue
            attrs = list(_ATTRIBUTE.finditer(match.group("attrs")))
            base = match.start("attrs")
            label = next((html.unescape(a.group("dq") or a.group("sq") or "") for a in attrs if a.group("name") == "key"), None)
            for attr in attrs:
                group = "dq" if attr.group("dq") is not None else "sq"
                key = label if label is not None and attr.group("name") == "value" else f"{element}@{attr.group('name')}"
                start, end = base + attr.start(group), base + attr.end(group)
                out.append(ConfigValue(key, start, end, html.unescape(attr.group(group))))
        elif match.group("text") and match.group().strip():
            out.append(ConfigValue(element, match.start(), match.end(), html.unescape(match.group())))
        elif match.group("cdata"):
            out.append(ConfigValue(element, match.start("cdata_text"), match.end("cdata_text"), match.group("cdata_text")))
    return out


def load(text: str) -> list[Any]:
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ValueError(str(exc)) from None
    return [(e.tag, sorted(e.attrib.items()), e.text or "", e.tail or "") for e in root.iter()]
