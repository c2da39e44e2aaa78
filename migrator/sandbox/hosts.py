"""The hosts the emulator answers for, and which gateway each one is.

Intercepted through the proxy: the two gateways of the move, Visma Connect, the Sales Order API
(`salesorder.visma.net`) and the HRM analytics export API (`api.analytics1.hrm.visma.net`); the
last two are not part of the move and are small emulations, so unmodified code that also calls
them can run. Other hosts (the Journal Transaction API, anything else) are refused with a JSON error naming the host: the sandbox never
forwards a request to the internet.
"""

from __future__ import annotations

from enum import Enum

VNI_HOST = "integration.visma.net"
API_HOST = "api.finance.visma.net"
CONNECT_HOST = "connect.visma.com"
SALES_ORDER_HOST = "salesorder.visma.net"
HRM_HOST = "api.analytics1.hrm.visma.net"
VISMA_HOSTS = frozenset({VNI_HOST, API_HOST, CONNECT_HOST})
INTERCEPTED_HOSTS = VISMA_HOSTS | {SALES_ORDER_HOST, HRM_HOST}
# documented as outside the move; named in the refusal so the user knows why
OUTSIDE_MOVE_NOT_EMULATED = ("journaltx.visma.net",)
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class Gateway(str, Enum):
    VNI = "vni"
    API_MANAGEMENT = "api-management"
    CONNECT = "connect"
    SALES_ORDER = "sales-order"
    HRM = "hrm-analytics"


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
    if name == SALES_ORDER_HOST:
        return Gateway.SALES_ORDER
    if name == HRM_HOST:
        return Gateway.HRM
    if name in LOCAL_HOSTS or not name:
        lowered = path.lower()
        if lowered.startswith("/api/"):
            return Gateway.VNI
        if lowered.startswith("/connect/"):
            return Gateway.CONNECT
        return Gateway.API_MANAGEMENT
    return None


def refusal(host: str) -> str:
    """The documented error for a host the sandbox does not serve."""
    why = "it is outside the move and not emulated" if host in OUTSIDE_MOVE_NOT_EMULATED else "it is not a Visma host"
    return (f"the sandbox does not serve {host}: {why}; it intercepts only "
            f"{', '.join(sorted(INTERCEPTED_HOSTS))} and never forwards to the internet")


def host_name(host: str) -> str:
    """The host part of a Host header, lower-cased, without port."""
    if host.startswith("["):
        return host[1:].split("]")[0].lower()
    return host.split(":")[0].lower()
