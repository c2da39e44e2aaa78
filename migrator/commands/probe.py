"""`vni-migrate probe`: time the integration's Visma endpoints, read-only, and predict the 240 s cut."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import click

from migrator.probe.client import probe_client
from migrator.probe.credentials import (
    CredentialsError,
    bearer_token,
    credentials_from_env,
)
from migrator.probe.endpoints import (
    EndpointSpecError,
    ProbeEndpoint,
    discover,
    merge_into,
    parse_endpoint_option,
)
from migrator.probe.json_report import report_json, write_json
from migrator.probe.prober import ProbeOptions, probe_endpoint, unmeasured_reason
from migrator.probe.sampler import AuthStop, Budget, Sampler
from migrator.probe.table import render_table
from migrator.probe.transport import UnsafeMethodError
from migrator.probe.verdicts import is_failing

API_BASE = "https://api.finance.visma.net"
SANDBOX_TIME_SCALE = 0.01


class ConfigError(click.ClickException):
    exit_code = 2  # usage, config and internal errors are 2; findings are 1


def _sizes(value: str | None) -> list[int] | None:
    if not value:
        return None
    try:
        sizes = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise ConfigError(f"--sample-sizes {value!r}: expected integers like 50,100,200") from None
    if len(set(sizes)) < 2 or min(sizes) < 1:
        raise ConfigError("--sample-sizes needs at least two different positive sizes")
    return sizes


@contextlib.contextmanager
def _target(sandbox: bool, base_url: str | None, records: int, gateway_limit: float,
            time_scale: float) -> Iterator[tuple[str, object, str | None]]:
    """(base URL, inner transport or None, token) for the sandbox or a real base URL."""
    try:
        credentials = credentials_from_env()
    except CredentialsError as exc:
        raise ConfigError(str(exc)) from None
    if sandbox:
        from migrator.sandbox.server import running_sandbox

        with running_sandbox(records=records, gateway_limit=gateway_limit, time_scale=time_scale) as box:
            try:
                token = bearer_token(credentials, box.transport()) if credentials else box.issue_token()
            except CredentialsError as exc:
                raise ConfigError(str(exc)) from None
            yield API_BASE, box.transport(), token
        return
    assert base_url is not None
    if credentials is None:
        raise ConfigError("no credentials: set VISMA_ACCESS_TOKEN, or VISMA_CLIENT_ID, VISMA_CLIENT_SECRET "
                          "and VISMA_TENANT_ID")
    try:
        token = bearer_token(credentials)
    except CredentialsError as exc:
        raise ConfigError(str(exc)) from None
    yield base_url.rstrip("/"), None, token


@click.command("probe")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--sandbox", is_flag=True, help="Start the emulator in-process and probe it.")
@click.option("--base-url", metavar="URL", help="API base to probe, e.g. https://api.finance.visma.net.")
@click.option("--endpoint", "endpoint_specs", multiple=True, metavar="PATH[:PAGESIZE]",
              help="Probe this list endpoint too, e.g. /v1/customerinvoice:1000 (repeatable).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="Write results as JSON.")
@click.option("--repeat", type=click.IntRange(1, 10), default=2, show_default=True, help="Samples per page size.")
@click.option("--sample-sizes", metavar="A,B[,C]", help="Page sizes to sample (default: 1/8, 1/4, 1/2 of the "
              "integration's page size).")
@click.option("--gateway-limit", type=click.FloatRange(min=0, min_open=True), default=240.0, show_default=True,
              help="The per-request cut, in seconds.")
@click.option("--time-scale", type=click.FloatRange(min=0, min_open=True),
              help=f"Real seconds per reported second (default 1; {SANDBOX_TIME_SCALE} with --sandbox).")
@click.option("--records", type=click.IntRange(min=1), default=2500, show_default=True,
              help="Records per resource in the --sandbox emulator.")
@click.option("--max-requests", type=click.IntRange(min=2), default=12, show_default=True,
              help="Timed requests per endpoint.")
@click.option("--max-seconds", type=click.FloatRange(min=0, min_open=True), default=1800.0, show_default=True,
              help="Wall-clock budget for the whole run, in real seconds.")
@click.option("--max-bytes", type=click.IntRange(min=1024), default=64 * 1024 * 1024, show_default=True,
              help="Bytes read per response before it is cut off.")
@click.option("--no-background", is_flag=True, help="Skip the background-API round trip.")
def command(path: Path | None, sandbox: bool, base_url: str | None, endpoint_specs: tuple[str, ...],
            json_path: Path | None, repeat: int, sample_sizes: str | None, gateway_limit: float,
            time_scale: float | None, records: int, max_requests: int, max_seconds: float, max_bytes: int,
            no_background: bool) -> None:
    """Time the Visma endpoints an integration calls (read-only: GET and HEAD only).

    \b
    Endpoints come from scanning PATH and from --endpoint. Credentials come only from the
    environment: VISMA_ACCESS_TOKEN, or VISMA_CLIENT_ID + VISMA_CLIENT_SECRET + VISMA_TENANT_ID
    (VISMA_TOKEN_URL, VISMA_SCOPE optional).
    Exit codes: 0 all OK, 1 an endpoint is APPROACHING (>= 80% of the cut) or EXCEEDS, 2 error.
    """
    if sandbox == bool(base_url):
        raise ConfigError("give exactly one of --sandbox or --base-url URL")
    if base_url and not base_url.startswith(("http://", "https://")):
        raise ConfigError(f"--base-url {base_url!r} must start with http:// or https://")
    merged: dict[str, ProbeEndpoint] = {}
    if path is not None:
        for endpoint in discover(path):
            merge_into(merged, endpoint)
    try:
        for spec in endpoint_specs:
            merge_into(merged, parse_endpoint_option(spec))
    except EndpointSpecError as exc:
        raise ConfigError(str(exc)) from None
    endpoints = sorted(merged.values(), key=lambda e: e.path.lower())
    if not endpoints:
        raise ConfigError("no Visma endpoints found: give a PATH with Visma calls or --endpoint /v1/<resource>")
    scale = time_scale or (SANDBOX_TIME_SCALE if sandbox else 1.0)
    options = ProbeOptions(gateway_limit=gateway_limit, repeat=repeat, sample_sizes=_sizes(sample_sizes),
                           background=not no_background)
    results, stopped = [], None
    with _target(sandbox, base_url, records, gateway_limit, scale) as (api_base, inner, token):
        budget = Budget(max_requests_per_endpoint=max_requests, max_seconds=max_seconds, max_bytes=max_bytes,
                        started=time.perf_counter())
        with probe_client(api_base, token, gateway_limit=gateway_limit, time_scale=scale, inner=inner,  # type: ignore[arg-type]
                          deadline=lambda: budget.left(time.perf_counter)) as client:
            sampler = Sampler(client, budget, time_scale=scale)
            for number, endpoint in enumerate(endpoints, 1):
                def progress(text: str, number: int = number) -> None:
                    click.echo(f"[{number}/{len(endpoints)}] {text}", err=True)
                try:
                    results.append(probe_endpoint(sampler, endpoint, options, progress))
                except AuthStop as exc:
                    stopped = f"stopped on HTTP {exc.status} from {exc.path}: check the credentials and scopes"
                    break
                except UnsafeMethodError as exc:  # cannot happen through the planner; never fail open
                    stopped = str(exc)
                    break
                except Exception as exc:  # noqa: BLE001 - network errors and the like: report, keep the others' results
                    stopped = f"stopped on {type(exc).__name__} at {endpoint.path}: {exc}"
                    break
    document = report_json(results, base_url=api_base if not sandbox else "sandbox", sandbox=sandbox,
                           time_scale=scale, gateway_limit=gateway_limit, stopped=stopped)
    if results:
        click.echo(render_table(document["endpoints"], sandbox=sandbox))
    if json_path is not None:
        try:
            write_json(json_path, document)
        except OSError as exc:
            raise ConfigError(f"cannot write {json_path}: {exc.strerror or exc}") from None
    if stopped:
        raise ConfigError(f"probe {stopped}")
    unmeasured = unmeasured_reason(results)
    if unmeasured:
        click.echo(f"vni-migrate: probe: {unmeasured}", err=True)
        raise click.exceptions.Exit(1)
    if any(is_failing(r.verdict) for r in results):
        raise click.exceptions.Exit(1)
