"""Planted secrets reach no output: more than 50 secrets of more than 15 kinds in code, configuration,
URLs, comments and environment variables; every command and output format is run for real (the
installed CLI in a subprocess, so the real stdout/stderr choke points are in place) and every byte
of stdout, stderr and every file written is searched for every secret value."""

from __future__ import annotations

import base64
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

OLD = "https://integration.visma.net/API/controller/api/v1"


class Plant:
    """Hands out distinct secret values and remembers each one with its kind."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self._n = 0

    def __call__(self, kind: str, shape: str = "mixed") -> str:
        self._n += 1
        n = self._n
        if shape == "aws":
            value = f"AKIA{'QWERTYUIOPASDFGH'[:12]}{n:04d}"
        elif shape == "github":
            value = f"ghp_{'aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY'}{n:04d}"  # 36 characters after ghp_
        elif shape == "jwt":
            body = base64.urlsafe_b64encode(json.dumps({"sub": f"user{n}", "tid": n}).encode()).decode().rstrip("=")
            value = f"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.{body}.Sig{n}nAtUrE_x7Yq"
        elif shape == "basic":
            value = base64.b64encode(f"svc{n}:Pw{n}xYz!9".encode()).decode()
        else:
            value = f"Zq{n:02d}x7Kp{n * 7919 % 10007}Lm{kind[:3]}Vt"
        self.values[value] = kind
        return value


def _python(plant: Plant, i: int) -> str:
    lines = [
        '"""Client for the ERP (planted secrets for the redaction test)."""',
        "import requests",
        "",
        f'URL_A = "{OLD}/customer"',
        f'CLIENT_SECRET = "{plant("client_secret")}"',
        f'URL_B = "{OLD}/supplier"',
        f'HEADERS = {{"Authorization": "Bearer {plant("bearer")}"}}',
        f'URL_C = "{OLD}/account"',
        f'APIM = {{"Ocp-Apim-Subscription-Key": "{plant("subscription_key")}"}}',
        f'URL_D = "{OLD}/inventory"',
        f'SESSION = requests.get(URL_D, auth=("svc-erp", "{plant("auth_tuple")}"))',
        f'URL_E = "{OLD}/salesorder"',
        f'SECRET_KEY = "{plant("django_secret_key")}"',
        f'URL_F = "{OLD}/project"',
        f'IPP = {{"ipp-company-id": "12345", "ipp-token": "{plant("ipp_token")}"}}',
        f'TOKEN_URL = "{OLD}/token?client_secret={plant("query_client_secret")}&grant_type=client_credentials"',
        f'DB_URL = "postgres://erp:{plant("url_password")}@db.internal:5432/erp"',
        f'URL_G = "{OLD}/branch"',
        f'BLOB = "https://acct.blob.core.windows.net/c/f.json?sv=2020-08-04&sig={plant("sas_sig")}"',
        f'URL_H = "{OLD}/currency"',
        f"# access_token={plant('comment_access_token')} (the old VNI token: it never expires)",
        f'URL_I = "{OLD}/vat"',
        f'JWT = "{plant("jwt", "jwt")}"',
        f'URL_J = "{OLD}/employee"',
        f'FORM = "grant_type=password&username=erp&password={plant("form_password")}"',
        f'URL_K = "{OLD}/location"',
        f'AWS_ACCESS_KEY_ID = "{plant("aws_key", "aws")}"',
        f'URL_L = "{OLD}/attribute"',
        f'GH = "{plant("github_token", "github")}"',
        f'URL_M = "{OLD}/contact"',
        f'# curl -H "Authorization: Basic {plant("basic_auth", "basic")}" {OLD}/customer',
        f'URL_N = "{OLD}/journaltransaction"',
        "",
    ]
    return "\n".join(lines) + "\n"


def _configs(plant: Plant) -> dict[str, str]:
    return {
        "config/settings.ini": f"[visma]\nbase = {OLD}/\npassword = {plant('ini_password')}\nuser = erp\n",
        "config/web.config": (
            '<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <appSettings>\n'
            f'    <add key="VismaBaseUrl" value="{OLD}/"/>\n'
            f'    <add key="ClientSecret" value="{plant("webconfig_client_secret")}"/>\n'
            "  </appSettings>\n</configuration>\n"
        ),
        "config/app.properties": (
            f"visma.base={OLD}/\nvisma.client.secret={plant('properties_secret')}\n"
            f"db.password={plant('properties_password')}\n"
        ),
        "config/app.yaml": (
            f"visma:\n  base: {OLD}/\n  clientSecret: >-\n    {plant('yaml_folded')}\n"
            f"  api_key: {plant('yaml_api_key')}\n"
        ),
        "config/.env": f"VISMA_BASE={OLD}/\nDB_PASS={plant('dotenv_db_pass')}\nSECRET_KEY={plant('dotenv_secret_key')}\n",
    }


class _EchoHandler(http.server.BaseHTTPRequestHandler):
    """A token endpoint that echoes the form it received (as some do in their errors), and a
    list endpoint that answers a small page."""

    def do_POST(self) -> None:
        form = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        body = json.dumps({"error": f"invalid_client: received {form}"}).encode()
        self._send(400, body)

    def do_GET(self) -> None:
        self._send(200, json.dumps([{"id": i} for i in range(10)]).encode())

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def echo_server() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _EchoHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "migrator", *args], capture_output=True, text=True, env=env, timeout=300)


def test_more_than_50_planted_secrets_of_15_kinds_reach_no_output(tmp_path: Path, echo_server: int) -> None:
    plant = Plant()
    tree = tmp_path / "integration"
    (tree / "app").mkdir(parents=True)
    for i in range(2):
        (tree / "app" / f"client{i}.py").write_text(_python(plant, i))
    for i in range(2):
        for name, text in _configs(plant).items():
            (tree / f"{i}" / name).parent.mkdir(parents=True, exist_ok=True)
            (tree / f"{i}" / name).write_text(text)
    env_secret, url_password, base_password = plant("env_client_secret"), plant("token_url_password"), plant("base_url_password")
    probe_token = plant("env_access_token")
    sandbox_values = [plant("sandbox_access_token"), plant("sandbox_token"), plant("sandbox_client_secret"),
                      plant("sandbox_access_token"), plant("sandbox_password"), plant("sandbox_sig")]
    env = {**os.environ, "VISMA_CLIENT_ID": "erp-client", "VISMA_CLIENT_SECRET": env_secret, "VISMA_TENANT_ID": "tenant-1",
           "VISMA_TOKEN_URL": f"http://probe:{url_password}@127.0.0.1:{echo_server}/connect/token"}
    env.pop("VISMA_ACCESS_TOKEN", None)
    assert len(plant.values) >= 50 and len(set(plant.values.values())) >= 15

    outputs: dict[str, str] = {}
    out = tmp_path / "out"
    out.mkdir()

    def run(name: str, *args: str, run_env: dict[str, str] = env, codes: tuple[int, ...] = (0, 1)) -> None:
        result = _cli(*args, env=run_env)
        assert result.returncode in codes, (name, result.returncode, result.stderr[-2000:])
        outputs[f"{name} stdout"], outputs[f"{name} stderr"] = result.stdout, result.stderr

    for fmt in ("text", "json", "sarif"):
        run(f"scan {fmt}", "scan", "--format", fmt, str(tree))
    run("scan --output", "scan", "--format", "sarif", "--output", str(out / "scan.sarif"), str(tree))
    run("fix --diff", "fix", "--diff", str(tree))
    run("fix --diff --unsafe-fixes", "fix", "--diff", "--unsafe-fixes", str(tree))
    run("audit", "audit", str(tree), "--json", str(out / "audit.json"), "--html", str(out / "audit.html"))
    for fmt in ("markdown", "json", "html", "sarif"):
        target = out / f"report.{fmt}"
        run(f"report {fmt}", "report", str(out / "audit.json"), "--format" if fmt != "html" else "--html",
            *([fmt, "-o", str(target)] if fmt != "html" else [str(target)]))
        run(f"report {fmt} stdout", "report", str(out / "audit.json"), *(["--format", fmt] if fmt != "html" else []))
    # the token endpoint echoes the form (client_secret=...) in its error; VISMA_TOKEN_URL has a password
    run("probe token echo", "probe", "--base-url", f"http://127.0.0.1:{echo_server}", "--endpoint", "/v1/customer:100",
        "--no-background", codes=(2,))
    assert "invalid_client" in outputs["probe token echo stderr"]  # the echo itself is shown, redacted
    token_env = {**env, "VISMA_ACCESS_TOKEN": probe_token}
    run("probe json", "probe", "--base-url", f"http://probe:{base_password}@127.0.0.1:{echo_server}", "--endpoint",
        "/v1/customer:100", "--no-background", "--max-requests", "3", "--json", str(out / "probe.json"), run_env=token_env,
        codes=(0, 1))
    assert json.loads((out / "probe.json").read_text())["endpoints"]

    port = _free_port()
    sandbox = subprocess.Popen([sys.executable, "-m", "migrator", "sandbox", "--port", str(port), "--verbose",
                                "--state-dir", str(tmp_path / "state")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        keys = ["access_token", "token", "client_secret"]
        for i in range(0, len(sandbox_values), 3):
            query = urllib.parse.urlencode(dict(zip(keys, sandbox_values[i : i + 3])))
            for path in (f"/v1/customer?{query}", f"/connect/token?{query}&password={sandbox_values[4]}&sig={sandbox_values[5]}"):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10).read()
                except OSError:
                    pass  # any answer: the request line is logged
    finally:
        sandbox.terminate()
        stdout, stderr = sandbox.communicate(timeout=30)
    outputs["sandbox stdout"], outputs["sandbox stderr"] = stdout, stderr
    assert "GET /v1/customer?" in stderr  # the request lines were logged, with their query strings

    for path in sorted(out.iterdir()):
        outputs[path.name] = path.read_text(encoding="utf-8")
    leaks = [(name, plant.values[value], value) for name, text in outputs.items() for value in plant.values if value in text]
    assert leaks == [], f"{len(leaks)} leaks: {leaks[:20]}"
    # the outputs still show the code around the secrets
    assert "[redacted]" in outputs["fix --diff stdout"] and "[redacted]" in outputs["audit.html"]
    assert "[redacted]" in outputs["report.markdown"] and "[redacted]" in outputs["sandbox stderr"]
    shutil.rmtree(tree)


def test_redaction_fails_closed_when_the_detector_cannot_load(tmp_path: Path) -> None:
    """detect-secrets is imported when a line first needs its keyword detector (most runs print
    only lines that do not): from that line on nothing more is printed, and the run exits 2."""
    secret = "Zq99failClosedSecretVt"
    (tmp_path / "client.py").write_text(f'URL = "{OLD}/customer"\nCLIENT_SECRET = "{secret}"\n')
    broken = tmp_path / "broken"
    (broken / "detect_secrets").mkdir(parents=True)
    (broken / "detect_secrets" / "__init__.py").write_text("raise ImportError('detect-secrets is broken')\n")
    env = {**os.environ, "PYTHONPATH": f"{broken}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    # the diff's context shows the CLIENT_SECRET line
    for args in (["fix", "--diff", str(tmp_path)], ["fix", "--diff", "--unsafe-fixes", str(tmp_path)]):
        result = _cli(*args, env=env)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert secret not in result.stdout + result.stderr
        assert "CLIENT_SECRET" not in result.stdout
        assert result.stderr.strip().splitlines() == [result.stderr.strip().splitlines()[-1]]
        assert "secret redaction is unavailable" in result.stderr
    # a plain scan prints no line the keyword detector is needed for: it runs, and leaks nothing
    for args in (["scan", str(tmp_path)], ["scan", "--format", "json", str(tmp_path)]):
        result = _cli(*args, env=env)
        assert result.returncode == 1 and secret not in result.stdout + result.stderr
        assert "files_scanned" in result.stdout or "files scanned" in result.stdout
