"""Turn allowlist tokens into networks and decide whether a sender address is inside them.

Stdlib `ipaddress` does the arithmetic; this module knows the token forms the formats use:
wildcards, host bits set (`18.202.121.26/16`, accepted by nginx with a warning), netmask and
hostmask suffixes, Apache partial addresses (`172.20`), ranges (`a-b`), IPv4-mapped IPv6.
"""

from __future__ import annotations

import ipaddress
import re

from migrator.allowlist.model import AnySource, Network, Source, Unresolved

_ANY_TOKENS = {"all", "any", "*", "internet", "0.0.0.0/0", "::/0", "anywhere"}
_VARIABLE = re.compile(r"\$\{|\{\{|\$[A-Za-z_]|%\{|\b(var|local|each|module|data)\.")


def parse_source(raw: str, *, partial_octets: bool = False) -> Source:
    """Parse one allowlist token. Never raises: what is not an address becomes `Unresolved`."""
    token = raw.strip().strip("\"'").strip()
    lowered = token.lower()
    if lowered in _ANY_TOKENS:
        return AnySource(token)
    if partial_octets and re.fullmatch(r"\d{1,3}(\.\d{1,3}){0,2}\.?", token):
        # Apache: "10", "172.20", "192.168.2" are whole-octet prefixes
        octets = [o for o in token.split(".") if o]
        padded = ".".join(octets + ["0"] * (4 - len(octets)))
        return ipaddress.ip_network(f"{padded}/{8 * len(octets)}")
    try:
        net = ipaddress.ip_network(token, strict=False)
    except ValueError:
        why = "variable or template" if _VARIABLE.search(token) else "hostname or unrecognised token"
        return Unresolved(token, why)
    if net.prefixlen == 0:
        return AnySource(token)
    return net


def parse_sources(raw: str, *, partial_octets: bool = False) -> list[Source]:
    """Like `parse_source` but expands an `a-b` range into the exact list of covering networks."""
    token = raw.strip().strip("\"'").strip()
    if "-" in token and not _VARIABLE.search(token):
        start, _, end = token.partition("-")
        try:
            first, last = ipaddress.ip_address(start.strip()), ipaddress.ip_address(end.strip())
            return list(ipaddress.summarize_address_range(first, last))  # type: ignore[arg-type]
        except (ValueError, TypeError):
            pass
    return [parse_source(token, partial_octets=partial_octets)]


def has_host_bits(raw: str) -> bool:
    """True for `18.202.121.26/16`-style entries (the author probably meant something narrower)."""
    try:
        ipaddress.ip_network(raw.strip(), strict=True)
    except ValueError:
        try:
            ipaddress.ip_network(raw.strip(), strict=False)
        except ValueError:
            return False
        return True
    return False


def contains(source: Source, ip: ipaddress.IPv4Address, *, mapped_matches_v4: bool = False) -> bool | None:
    """True/False when decidable; None when the source is unresolved."""
    if isinstance(source, AnySource):
        return True
    if isinstance(source, Unresolved):
        return None
    net: Network = source
    if net.version == 6 and mapped_matches_v4:
        mapped = net.network_address.ipv4_mapped  # type: ignore[union-attr]
        if mapped is not None and net.prefixlen >= 96:
            net = ipaddress.ip_network(f"{mapped}/{net.prefixlen - 96}")
    if net.version != ip.version:
        return False
    return ip in net


def is_mapped(source: Source) -> bool:
    return (
        isinstance(source, ipaddress.IPv6Network)
        and source.network_address.ipv4_mapped is not None
    )
