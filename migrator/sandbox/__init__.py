"""A local emulator of the old VNI gateway, API Management and Visma Connect.

Start it with `vni-migrate sandbox`, or from Python / tests with
`migrator.sandbox.server.running_sandbox(...)` (see that function's docstring for the API).
One module per job: `config` (settings), `hosts` (which host is which gateway), `data`
(deterministic records), `latency` (fixed + per-record model), `paging`, `tokens`,
`rate_limit`, `background` (jobs and state documents), `webhooks` (dispatch), `app`
(request routing, no sockets), `tls` (local test CA), `environment` (the `export` lines),
`routing` (an httpx transport that sends Visma hosts to the emulator) and `server`
(the real HTTP server, which is also an HTTPS proxy for the Visma hosts).
"""

from migrator.sandbox.config import SandboxConfig

__all__ = ["SandboxConfig"]
