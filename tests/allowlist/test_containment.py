"""Token normalisation: the address forms the formats allow, and the traps around them."""

from __future__ import annotations

import ipaddress

import pytest

from migrator.allowlist.containment import (
    contains,
    has_host_bits,
    parse_source,
    parse_sources,
)
from migrator.allowlist.model import AnySource, Unresolved

SENDER = ipaddress.IPv4Address("54.220.26.45")


@pytest.mark.parametrize(
    ("token", "kwargs", "inside"),
    [
        ("54.220.26.45/16", {}, True),  # host bits set: nginx uses 54.220.0.0/16
        ("54.220.0.0/255.255.0.0", {}, True),  # netmask form
        ("54.220", {"partial_octets": True}, True),  # Apache partial address
        ("54.22", {"partial_octets": True}, False),  # whole octets, not a string prefix
        ("::ffff:54.220.26.45", {}, False),  # IPv4-mapped entry vs IPv4 peer (nginx semantics)
        ("all", {}, True),
        ("0.0.0.0/0", {}, True),
    ],
)
def test_containment(token: str, kwargs: dict, inside: bool) -> None:
    assert contains(parse_source(token, **kwargs), SENDER) is inside


def test_mapped_entries_match_where_the_format_says_so() -> None:
    assert contains(parse_source("::ffff:54.220.26.45"), SENDER, mapped_matches_v4=True) is True


def test_unresolved_tokens_are_undecidable_not_errors() -> None:
    for token in ("$trusted", "${var.cidrs}", "{{ .Values.ips }}", "hooks.visma.example", "018.202.121.026"):
        source = parse_source(token)
        assert isinstance(source, Unresolved) and contains(source, SENDER) is None


def test_ranges_expand_to_exact_networks() -> None:
    nets = parse_sources("54.220.26.40-54.220.26.50")
    assert any(SENDER in n for n in nets) and not any(ipaddress.IPv4Address("54.220.26.51") in n for n in nets)


def test_helpers() -> None:
    assert has_host_bits("18.202.121.26/16") and not has_host_bits("18.202.0.0/16")
    assert isinstance(parse_source("*"), AnySource)
