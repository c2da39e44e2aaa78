"""`vni-migrate sandbox`: run the local emulator of VNI, API Management and Visma Connect."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from migrator.sandbox.config import (
    GATEWAY_LIMIT_SECONDS,
    VNI_MODES,
    VNI_TODAY,
    SandboxConfig,
)
from migrator.sandbox.environment import export_lines, proxy_environment
from migrator.sandbox.hosts import INTERCEPTED_HOSTS
from migrator.sandbox.tls import LocalCA, default_state_dir
from migrator.sandbox.webhooks import DEFAULT_SIGNATURE_HEADER

DEFAULT_PORT = 8765


@click.command("sandbox")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--gateway-limit", type=click.FloatRange(min=0, min_open=True), default=GATEWAY_LIMIT_SECONDS,
              show_default=True, help="API Management's synchronous cut, in model seconds.")
@click.option("--records", type=click.IntRange(min=0), default=2500, show_default=True,
              help="Records per resource.")
@click.option("--time-scale", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Real seconds per model second (0.01: a 240 s cut happens after 2.4 s).")
@click.option("--webhook-url", metavar="URL",
              help="Listener for `erp-api-background: subscription` notifications (the Developer Portal subscription).")
@click.option("--token-ttl", type=click.FloatRange(min=0, min_open=True), default=3600.0, show_default=True,
              help="Lifetime of Visma Connect access tokens, in real seconds.")
@click.option("--rate-limit", type=click.IntRange(min=1), default=15000, show_default=True,
              help="Requests per company and client per window.")
@click.option("--rate-window", type=click.FloatRange(min=0, min_open=True), default=3600.0, show_default=True,
              help="Rate-limit window, in real seconds.")
@click.option("--vni-mode", type=click.Choice(VNI_MODES), default=VNI_TODAY, show_default=True,
              help="The old host as it answers today (throttled, retired endpoints, password grant refused, "
                   "VNI tokens only) or as it answered before 2025 (for before/after runs of legacy code).")
@click.option("--vni-rate-limit", type=click.IntRange(min=1), default=500, show_default=True,
              help="Old host (today): calls per application per --rate-window.")
@click.option("--webhook-secret", metavar="KEY",
              help="Signature key of the emulated Developer Portal subscription (default: generated and printed).")
@click.option("--signature-header", default=DEFAULT_SIGNATURE_HEADER, show_default=True,
              help="Header carrying base64(HMAC-SHA256(key, body)); Visma's docs do not name it (assumption).")
@click.option("--webhook-attempts", type=click.IntRange(min=1, max=20), default=3, show_default=True,
              help="Delivery attempts per notification, first one included (Visma's ERP retry policy is unknown).")
@click.option("--webhook-retry-interval", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Real seconds between delivery attempts.")
@click.option("--state-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where the local test CA is kept (default: ~/.cache/vni-migrate/sandbox).")
@click.option("--print-env", is_flag=True,
              help="Print `export NAME=value` lines that route https://integration.visma.net and "
                   "https://api.finance.visma.net to this sandbox, then exit.")
@click.option("--verbose", "-v", is_flag=True, help="Log each request line (never headers) to stderr.")
def command(host: str, port: int, gateway_limit: float, records: int, time_scale: float, webhook_url: str | None,
            token_ttl: float, rate_limit: int, rate_window: float, vni_mode: str, vni_rate_limit: int,
            webhook_secret: str | None, signature_header: str, webhook_attempts: int, webhook_retry_interval: float,
            state_dir: Path | None, print_env: bool, verbose: bool) -> None:
    """Run a local emulator of the VNI gateway, API Management and Visma Connect.

    \b
    Test your migrated integration locally:
      vni-migrate sandbox &                        # serves on 127.0.0.1:8765
      eval "$(vni-migrate sandbox --print-env)"    # HTTPS_PROXY + local CA for requests/httpx
      python my_integration.py                     # its https://...visma.net calls reach the sandbox

    The proxy intercepts integration.visma.net, api.finance.visma.net, connect.visma.com and
    salesorder.visma.net; any other host gets a 502 naming it. Timings are the emulator's latency
    model, not a prediction of production.
    """
    state = state_dir or default_state_dir()
    try:
        ca = LocalCA(state)
    except OSError as exc:
        raise click.ClickException(f"cannot prepare the local CA in {state}: {exc.strerror or exc}") from exc
    if print_env:
        if port == 0:
            raise click.UsageError("--print-env needs a fixed --port (the one the sandbox listens on)")
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        env = proxy_environment(f"http://{shown}:{port}", ca.bundle_path, ca.cert_path)
        click.echo("\n".join(export_lines(env)))
        return

    from migrator.sandbox.server import (
        Sandbox,  # the server is only needed when serving
    )

    config = SandboxConfig(gateway_limit=gateway_limit, time_scale=time_scale, records=records,
                           webhook_url=webhook_url, token_ttl=token_ttl, rate_limit=rate_limit,
                           rate_window=rate_window, vni_mode=vni_mode, vni_rate_limit=vni_rate_limit,
                           vni_rate_window=rate_window, webhook_secret=webhook_secret,
                           signature_header=signature_header, webhook_attempts=webhook_attempts,
                           webhook_retry_interval=webhook_retry_interval, state_dir=state)
    try:
        sandbox = Sandbox(config, host=host, port=port, verbose=verbose)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    click.echo(f"vni-migrate sandbox listening on {sandbox.url} "
               f"(gateway cut {gateway_limit:g} s, time scale {time_scale:g}, {records} records per resource)",
               err=True)
    click.echo(f"old host mode: {vni_mode}; proxy intercepts {', '.join(sorted(INTERCEPTED_HOSTS))}", err=True)
    # the key is the sandbox's own test value; a listener needs it to verify signatures
    click.echo(f"webhook subscription signature key: {sandbox.webhook_secret} (header {signature_header}: "
               "base64 HMAC-SHA256 of the raw body)", err=True)
    click.echo("route unmodified code here with:", err=True)
    click.echo("\n".join(sandbox.export_lines()), err=True)
    try:
        sandbox.serve_forever()
    except KeyboardInterrupt:
        click.echo("sandbox stopped", err=True)
    finally:
        sandbox.close()
    sys.exit(0)
