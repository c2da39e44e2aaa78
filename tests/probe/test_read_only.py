"""The probe never sends a method other than GET or HEAD, even when asked to."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from migrator.cli import cli
from migrator.probe.client import probe_client
from migrator.probe.transport import UnsafeMethodError


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_unsafe_methods_are_refused_before_a_byte_is_sent(listener, method):
    with probe_client(f"http://127.0.0.1:{listener.port}", "tok") as client, \
            pytest.raises(UnsafeMethodError, match=method):
        client.request(method, "/v1/customer", json={"name": "x"})
    assert (listener.connections, listener.bytes) == (0, 0)


def test_get_goes_through(listener):
    with probe_client(f"http://127.0.0.1:{listener.port}", "tok") as client:
        assert client.get("/v1/customer").json() == []
    assert listener.connections == 1


def test_endpoint_option_with_a_write_method_is_refused(listener):
    result = CliRunner().invoke(cli, ["probe", "--base-url", f"http://127.0.0.1:{listener.port}",
                                      "--endpoint", "POST /v1/customer"], env={"VISMA_ACCESS_TOKEN": "t"})
    assert result.exit_code == 2
    assert "read-only" in result.output
    assert listener.connections == 0


def test_a_whole_sandbox_run_only_sends_get(tmp_path):
    from migrator.probe.endpoints import ProbeEndpoint
    from migrator.probe.prober import ProbeOptions, probe_endpoint
    from migrator.probe.sampler import Budget, Sampler
    from migrator.sandbox.server import running_sandbox

    with running_sandbox(time_scale=0.002, records=200) as box:
        with probe_client("https://api.finance.visma.net", box.issue_token(), inner=box.transport()) as client:
            sampler = Sampler(client, Budget(), time_scale=0.002)
            probe_endpoint(sampler, ProbeEndpoint("/v1/customer", 100), ProbeOptions(repeat=1))
        methods = {method for method, _, _ in box.app.requests_seen}
    assert methods == {"GET"}
    assert len(box.app.requests_seen) >= 5
