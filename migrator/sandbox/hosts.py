"""The hosts the emulator answers for, and which gateway each one is."""

from __future__ import annotations

from enum import Enum

VNI_HOST = "integration.visma.net"
API_HOST = "api.finance.visma.net"
CONNECT_HOST = "connect.visma.com"
VISMA_HOSTS = frozenset({VNI_HOST, API_HOST, CONNECT_HOST})
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class Gateway(str, Enum):
    VNI = "vni"
    API_MANAGEMENT = "api-management"
    CONNECT = "connect"


def gateway_for(host: str, path: str) -> Gateway | None:
    """Which gateway a request is for: by Host header, or by path when it names 127.0.0.1 directly.

    Addressing the emulator as `http://127.0.0.1:PORT` (no Host rewrite) still works: paths under
    `/API/` are VNI, `/connect/` is Visma Connect, everything else is API Management.
    """
    name = host_name(host)
    if name == VNI_HOST:
        return Gateway.VNI
    if name == API_HOST:
        return Gateway.API_MANAGEMENT
    if name == CONNECT_HOST:
        return Gateway.CONNECT
    if name in LOCAL_HOSTS or not name:
        lowered = path.lower()
        if lowered.startswith("/api/"):
            return Gateway.VNI
        if lowered.startswith("/connect/"):
            return Gateway.CONNECT
        return Gateway.API_MANAGEMENT
    return None


def host_name(host: str) -> str:
    """The host part of a Host header, lower-cased, without port."""
    if host.startswith("["):
        return host[1:].split("]")[0].lower()
    return host.split(":")[0].lower()
