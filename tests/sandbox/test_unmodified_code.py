"""Unmodified integration code (hard-coded https://integration.visma.net) reaches the sandbox
through the environment that `vni-migrate sandbox --print-env` prints."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from migrator.cli import cli
from migrator.sandbox.server import running_sandbox

REQUESTS_SCRIPT = textwrap.dedent('''
    import requests
    BASE = "https://integration.visma.net/API"
    token = requests.post(BASE + "/security/api/v2/token",
                          data={"grant_type": "authorization_code", "code": "x"}).json()["token"]
    headers = {"Authorization": "Bearer " + token, "ipp-company-id": "1234567"}
    page = requests.get(BASE + "/controller/api/v1/customer", params={"pageSize": 7}, headers=headers)
    page.raise_for_status()
    print(len(page.json()), page.json()[0]["number"])
''')

HTTPX_SCRIPT = textwrap.dedent('''
    import httpx
    grant = httpx.post("https://connect.visma.com/connect/token", data={"grant_type": "client_credentials",
                       "client_id": "c", "client_secret": "s", "tenant_id": "1234567"}).json()
    headers = {"Authorization": "Bearer " + grant["access_token"]}
    old = httpx.get("https://integration.visma.net/API/controller/api/v1/account?pageSize=4",
                    headers={"Authorization": "Bearer legacy"})
    new = httpx.get("https://api.finance.visma.net/v1/account?pageSize=4", headers=headers)
    print(old.status_code, new.status_code, old.json() == new.json())
''')


def _printed_env(port: int, state_dir) -> dict[str, str]:
    result = CliRunner().invoke(cli, ["sandbox", "--print-env", "--port", str(port), "--state-dir", str(state_dir)])
    assert result.exit_code == 0, result.output
    env = {}
    for line in result.output.splitlines():
        assert line.startswith("export ")
        name, _, value = line[len("export "):].partition("=")
        env[name] = shlex.split(value)[0]
    return env


@pytest.fixture
def routed(tmp_path):
    # legacy code with an arbitrary bearer on the old host: VNI as it answered before 2025
    with running_sandbox(time_scale=0.002, records=50, state_dir=tmp_path, vni_mode="pre-2025") as box:
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        yield box, {**env, **_printed_env(box.port, tmp_path)}


def test_print_env_names_the_proxy_and_the_ca(tmp_path):
    env = _printed_env(8765, tmp_path)
    assert env["HTTPS_PROXY"] == "http://127.0.0.1:8765" == env["https_proxy"]
    assert env["SSL_CERT_FILE"] == env["REQUESTS_CA_BUNDLE"] == str(tmp_path / "ca-bundle.pem")
    assert "BEGIN CERTIFICATE" in (tmp_path / "ca-bundle.pem").read_text()
    assert oct((tmp_path / "ca-key.pem").stat().st_mode & 0o777) == "0o600"


def test_requests_script_reaches_the_sandbox(routed):
    box, env = routed
    run = subprocess.run([sys.executable, "-c", REQUESTS_SCRIPT], env=env, capture_output=True, text=True, timeout=60,
                         check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["7", "10000"]
    assert ("GET", "integration.visma.net", "/API/controller/api/v1/customer") in box.app.requests_seen


def test_httpx_script_reaches_the_sandbox(routed):
    box, env = routed
    run = subprocess.run([sys.executable, "-c", HTTPX_SCRIPT], env=env, capture_output=True, text=True, timeout=60,
                         check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["200", "200", "True"]
    assert ("POST", "connect.visma.com", "/connect/token") in box.app.requests_seen


def test_without_the_env_the_ca_is_not_trusted(routed):
    _, env = routed
    env = {k: v for k, v in env.items() if k not in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")}
    run = subprocess.run([sys.executable, "-c", REQUESTS_SCRIPT], env=env, capture_output=True, text=True, timeout=60,
                         check=False)
    assert run.returncode != 0 and "CERTIFICATE_VERIFY_FAILED" in run.stderr


def test_print_env_without_a_fixed_port_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["sandbox", "--print-env", "--port", "0", "--state-dir", str(tmp_path)])
    assert result.exit_code == 2


BOTH_HOSTS_SCRIPT = textwrap.dedent('''
    import requests
    token = requests.post("https://integration.visma.net/API/security/api/v2/token",
                          data={"grant_type": "authorization_code", "code": "x"}).json()["token"]
    erp = requests.get("https://integration.visma.net/API/controller/api/v1/customer", params={"pageSize": 3},
                       headers={"Authorization": "Bearer " + token, "ipp-company-id": "1234567"})
    grant = requests.post("https://connect.visma.com/connect/token", data={"grant_type": "client_credentials",
                          "client_id": "c", "client_secret": "s", "tenant_id": "1234567"}).json()
    orders = requests.get("https://salesorder.visma.net/api/v1/salesorder", params={"pageSize": 4},
                          headers={"Authorization": "Bearer " + grant["access_token"]})
    print(erp.status_code, len(erp.json()), orders.status_code, len(orders.json()))
    try:
        requests.get("https://journaltx.visma.net/api/v1/journal")
    except requests.exceptions.ProxyError as exc:
        print("refused:", exc)
''')


def test_code_calling_the_old_host_and_the_sales_order_host_runs_through_the_proxy(tmp_path):
    with running_sandbox(time_scale=0.002, records=50, state_dir=tmp_path) as box:  # the old host as it is today
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env.update(_printed_env(box.port, tmp_path))
        run = subprocess.run([sys.executable, "-c", BOTH_HOSTS_SCRIPT], env=env, capture_output=True, text=True,
                             timeout=60, check=False)
        seen = set(box.app.requests_seen)
    assert run.returncode == 0, run.stderr
    first, refused = run.stdout.splitlines()
    assert first.split() == ["200", "3", "200", "4"]
    assert "journaltx.visma.net" in refused and "outside the move" in refused
    assert ("GET", "salesorder.visma.net", "/api/v1/salesorder") in seen
    assert env["VNI_SANDBOX_INTERCEPTS"] == \
        "api.analytics1.hrm.visma.net,api.finance.visma.net,connect.visma.com,integration.visma.net,salesorder.visma.net"


HRM_SCRIPT = textwrap.dedent('''
    import csv, io, time
    import requests
    BASE = "https://api.analytics1.hrm.visma.net"
    token = requests.post("https://connect.visma.com/connect/token", data={"grant_type": "client_credentials",
                          "client_id": "isv_x", "client_secret": "s", "tenant_id": "a29c193a"}).json()["access_token"]
    auth = {"Authorization": "Bearer " + token}
    job = requests.post(BASE + "/v1/command/nl/hrm/employees", json={"callbackAddress": BASE}, headers=auth).json()
    statuses = []
    while True:
        answer = requests.get(BASE + "/v1/query/nl/hrm/employees/" + job["jobId"], headers=auth)
        statuses.append(answer.status_code)
        if answer.status_code == 200:
            break
        time.sleep(0.005)
    rows = list(csv.DictReader(io.StringIO(requests.get(answer.json()["employeeFileUris"][0]).text)))
    print(statuses[0], statuses[-1], answer.json()["status"], len(rows), sorted(rows[0]))
''')


def test_hrm_export_code_runs_through_the_proxy(tmp_path):
    # an export job takes 5 model seconds: 0.25 real seconds here, long enough to be polled while running
    with running_sandbox(time_scale=0.05, records=40, state_dir=tmp_path) as box:
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env.update(_printed_env(box.port, tmp_path))
        run = subprocess.run([sys.executable, "-c", HRM_SCRIPT], env=env, capture_output=True, text=True,
                             timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split()[:4] == ["202", "200", "Completed", "40"]  # 202 while running, 200 with the file
    assert "businessemailaddress" in run.stdout
