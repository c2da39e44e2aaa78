"""The Webhook Dispatcher's sender addresses after the switch to API Management (domain.md §5)."""

from __future__ import annotations

import ipaddress

SENDER_IPS: tuple[str, ...] = ("18.202.121.26", "34.242.104.102", "54.220.26.45")
SENDERS: tuple[ipaddress.IPv4Address, ...] = tuple(ipaddress.IPv4Address(s) for s in SENDER_IPS)
