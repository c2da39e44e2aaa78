"""Ways callers use a long call, run against the sandbox before and after `fix --unsafe-fixes`.

Before: the legacy script on the VNI gateway (no 4-minute cut), the call answered directly. After:
the migrated script on API Management, where the call outlasts the (scaled) cut and goes through
`visma_background`. Each script prints what its caller can observe (result, status, the headers it
reads, the exception its `except` sees, with the status); before and after must print the same, or
the fix must have refused the call with a finding that says why.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from migrator.sandbox.server import running_sandbox

SCALE = {"time_scale": 0.002, "records": 1200, "gateway_limit": 240}
SLOW = {"time_scale": 0.02, "records": 1200, "gateway_limit": 240, "token_ttl": 3.0}  # a 6 s job, a 3 s token

_COMMON = '''
import asyncio
import hashlib
import io
import json
import os
import shutil
import sys

URL = "https://integration.visma.net/API/controller/api/v1/generalLedgerTransactions"
CUSTOMERS = "https://integration.visma.net/API/controller/api/v1/customer"
HEADERS = {"Authorization": "Bearer " + os.environ["VISMA_TOKEN"]}
LONG = {"pageSize": 1000}
BAD = {"pageSize": 0}


def digest(data):
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def show(**values):
    print(json.dumps(values, sort_keys=True))


def seen_as(exc, *classes):
    """The first of `classes` the caller's `except` would catch the exception with."""
    return next((c.__name__ for c in classes if isinstance(exc, c)), type(exc).__name__)
'''

_TOKEN_FUNCTION = '''

def new_token():
    import requests
    answer = requests.post("https://connect.visma.com/connect/token", data={
        "grant_type": "client_credentials", "client_id": "sandbox-client", "client_secret": "sandbox-secret",
        "tenant_id": "1234567"}, timeout=30)
    return answer.json()["access_token"]
'''

REQUESTS = {
    "requests_plain": '''
import requests
r = requests.get(URL, params=LONG, headers=HEADERS, timeout=300)
show(status=r.status_code, type=r.headers["Content-Type"].split(";")[0], body=digest(r.json()),
     limit=r.headers.get("X-RateLimit-Limit"))
''',
    "requests_session_hooks": '''
import requests
calls = []
session = requests.Session()
session.headers.update(HEADERS)
session.hooks["response"].append(lambda response, *args, **kwargs: calls.append(response.status_code))
r = session.get(URL, params=LONG, timeout=300)
show(status=r.status_code, body=digest(r.json()), hooks=calls)
''',
    "requests_stream_raw": '''
import requests
r = requests.get(URL, params=LONG, headers=HEADERS, timeout=300, stream=True)
buffer = io.BytesIO()
shutil.copyfileobj(r.raw, buffer)
show(status=r.status_code, body=digest(json.loads(buffer.getvalue())))
''',
    "requests_iter_content": '''
import requests
r = requests.get(URL, params=LONG, headers=HEADERS, timeout=300, stream=True)
show(status=r.status_code, body=digest(json.loads(b"".join(r.iter_content(chunk_size=4096)))))
''',
    "requests_hook_raises_400": '''
import requests
try:
    requests.get(URL, params=BAD, headers=HEADERS, timeout=300,
                 hooks={"response": lambda response, *args, **kwargs: response.raise_for_status()})
    show(error=None)
except requests.RequestException as exc:
    show(error=seen_as(exc, requests.HTTPError, requests.RequestException), status=exc.response.status_code)
''',
    "requests_400_status": '''
import requests
r = requests.get(URL, params=BAD, headers=HEADERS, timeout=300)
show(status=r.status_code, body=r.json(), elapsed=r.elapsed.total_seconds() >= 0)
''',
    "requests_post_location": '''
import requests
r = requests.post(CUSTOMERS, json={"number": "C42", "name": "Long Job AS"}, headers=HEADERS, timeout=300)
show(status=r.status_code, created=r.headers.get("Location", "").rsplit("/v1/", 1)[-1])
''',
    "requests_429_before_acceptance": '''
import requests
requests.get(CUSTOMERS + "/1", headers=HEADERS, timeout=30)  # uses the one request the limit allows
r = requests.get(URL, params=LONG, headers=HEADERS, timeout=300)
show(status=r.status_code, retry=bool(r.headers.get("Retry-After")))
''',
    "requests_own_timeout": '''
import requests
try:
    # vni-migrate: background
    requests.get(URL, params=LONG, headers=HEADERS, timeout=0.3)
    show(error=None)
except requests.RequestException as exc:
    show(error=seen_as(exc, requests.Timeout, requests.RequestException))
''',
}

HTTPX = {
    "httpx_client": '''
import httpx
with httpx.Client(timeout=300) as client:
    r = client.get(URL, params=LONG, headers=HEADERS)
show(status=r.status_code, body=digest(r.json()), limit=r.headers.get("X-RateLimit-Limit"),
     elapsed=r.elapsed.total_seconds() >= 0)
''',
    "httpx_async": '''
import httpx


async def main():
    async with httpx.AsyncClient(timeout=httpx.Timeout(10, read=300)) as client:
        r = await client.get(URL, params=LONG, headers=HEADERS)
    show(status=r.status_code, body=digest(r.json()))


asyncio.run(main())
''',
    "httpx_gather": '''
import httpx


async def main():
    async with httpx.AsyncClient(timeout=300) as client:
        first, second = await asyncio.gather(
            client.get(URL, params=LONG, headers=HEADERS),
            client.get(URL, params={"pageSize": 1000, "pageNumber": 2}, headers=HEADERS),
        )
    show(status=[first.status_code, second.status_code], body=[digest(first.json()), digest(second.json())])


asyncio.run(main())
''',
    "httpx_event_hook_raises_400": '''
import httpx


def raise_on_error(response):
    response.read()
    response.raise_for_status()


with httpx.Client(timeout=300, event_hooks={"response": [raise_on_error]}) as client:
    try:
        client.get(URL, params=BAD, headers=HEADERS)
        show(error=None)
    except httpx.HTTPError as exc:
        show(error=seen_as(exc, httpx.HTTPStatusError, httpx.HTTPError), status=exc.response.status_code)
''',
    "httpx_stream": '''
import httpx
with httpx.Client(timeout=300) as client:
    with client.stream("GET", URL, params=LONG, headers=HEADERS) as r:
        body = r.read()
show(status=r.status_code, body=digest(json.loads(body)))
''',
    "httpx_event_hook_counts": '''
import httpx
seen = {"request": [], "response": []}


def on_request(request):
    seen["request"].append(request.method)


def on_response(response):
    seen["response"].append(response.status_code)


with httpx.Client(timeout=300, event_hooks={"request": [on_request], "response": [on_response]}) as client:
    r = client.get(URL, params=LONG, headers=HEADERS)
show(status=r.status_code, body=digest(r.json()), requests=seen["request"], responses=seen["response"])
''',
    "httpx_async_event_hook_counts": '''
import httpx
seen = {"request": [], "response": []}


async def on_request(request):
    seen["request"].append(request.method)


async def on_response(response):
    seen["response"].append(response.status_code)


async def main():
    hooks = {"request": [on_request], "response": [on_response]}
    async with httpx.AsyncClient(timeout=300, event_hooks=hooks) as client:
        first, second = await asyncio.gather(
            client.get(URL, params=LONG, headers=HEADERS),
            client.get(URL, params={"pageSize": 1000, "pageNumber": 2}, headers=HEADERS),
        )
    show(status=[first.status_code, second.status_code], requests=seen["request"],
         responses=sorted(seen["response"]))


asyncio.run(main())
''',
    "httpx_request_hook_sets_the_token": '''
import httpx
seen = []


def authorize(request):
    seen.append(request.method)
    request.headers["Authorization"] = HEADERS["Authorization"]


with httpx.Client(timeout=300, event_hooks={"request": [authorize]}) as client:
    r = client.get(URL, params=LONG)
show(status=r.status_code, body=digest(r.json()), requests=seen)
''',
}

TOKEN = {  # the 60-minute token runs out while the job runs (3 s token, 6 s job here)
    "requests_token_expires": '''
import requests
try:
    r = requests.get(URL, params=LONG, headers=HEADERS, timeout=300)
    show(status=r.status_code, body=digest(r.json()))
except requests.RequestException as exc:
    show(error=seen_as(exc, requests.HTTPError, requests.RequestException), status=exc.response.status_code,
         job="job" in str(exc))
''',
    "httpx_token_expires": '''
import httpx
with httpx.Client(timeout=300) as client:
    try:
        r = client.get(URL, params=LONG, headers=HEADERS)
        show(status=r.status_code, body=digest(r.json()))
    except httpx.HTTPError as exc:
        show(error=seen_as(exc, httpx.HTTPStatusError, httpx.HTTPError), status=exc.response.status_code,
             job="job" in str(exc))
''',
}

WITHOUT_TOKEN_FUNCTION = {  # the same, in a project with no function that fetches a Visma Connect token
    "requests_token_expires_no_token_function": TOKEN["requests_token_expires"],
}

SCRIPTS = {**REQUESTS, **HTTPX, **TOKEN, **WITHOUT_TOKEN_FUNCTION}
SLOW_TOKEN = set(TOKEN) | set(WITHOUT_TOKEN_FUNCTION)
# The legacy run sends a Visma Connect token to the old host, as VNI accepted before 2025.
CONFIG = {name: {"vni_mode": "pre-2025", **({**SCALE, "rate_limit": 1} if name == "requests_429_before_acceptance" else SLOW if name in SLOW_TOKEN
          else SCALE)} for name in SCRIPTS}


def _migrator(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "migrator", *args], capture_output=True, text=True, timeout=300,
                          check=False)


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    root = tmp_path_factory.mktemp("callers")
    before, after = root / "before", root / "after"
    for tree in (before, after):
        tree.mkdir()
        for name, code in SCRIPTS.items():
            prefix = _COMMON if name in WITHOUT_TOKEN_FUNCTION else _COMMON + _TOKEN_FUNCTION
            (tree / f"{name}.py").write_text(prefix + textwrap.dedent(code), encoding="utf-8")
    # fix exits 1 while findings remain, as ruff does: the refused httpx stream call stays reported
    assert _migrator("fix", "--unsafe-fixes", str(after)).returncode == 1
    scan = json.loads(_migrator("scan", "--format", "json", str(after)).stdout)
    return before, after, scan


def _run(folder: Path, name: str) -> dict:
    with running_sandbox(**CONFIG[name]) as box:
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env.update({**box.environment(), "VISMA_TOKEN": box.issue_token(), "VISMA_BACKGROUND_POLL_SECONDS": "0.05"})
        done = subprocess.run([sys.executable, f"{name}.py"], cwd=folder, env=env, capture_output=True, text=True,
                              timeout=120, check=False)
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {"crashed": done.stderr.strip().splitlines()[-1:]}


KEPT = sorted(set(SCRIPTS) - set(WITHOUT_TOKEN_FUNCTION) - {"httpx_stream"})


@pytest.mark.parametrize("name", KEPT)
def test_migrated_caller_observes_what_the_direct_call_gave(trees: tuple[Path, Path, dict], name: str) -> None:
    before, after, _ = trees
    assert "visma_background.call" in (after / f"{name}.py").read_text()  # it did go through the helper
    old = _run(before, name)
    assert "crashed" not in old and old != {"error": None}, old
    assert _run(after, name) == old


def test_streamed_httpx_call_is_refused_with_a_recipe(trees: tuple[Path, Path, dict]) -> None:
    before, after, scan = trees
    assert "visma_background" not in (after / "httpx_stream.py").read_text()
    (finding,) = [f for f in scan["findings"] if f["rule"] == "VNI020" and f["path"].endswith("httpx_stream.py")]
    assert finding["fix"] == "manual" and "nothing to stream" in finding["message"]
    assert "visma_background.call(client.request" in finding["message"]
    assert _run(after, "httpx_stream") != _run(before, "httpx_stream")  # why: the cut still breaks it


@pytest.mark.parametrize("name", sorted(TOKEN))
def test_the_fix_passes_the_projects_token_function_as_refresh_auth(trees: tuple[Path, Path, dict], name: str) -> None:
    _, after, _ = trees
    assert ", refresh_auth=new_token)" in (after / f"{name}.py").read_text()


def test_without_a_token_function_the_expired_token_is_the_callers_own_error_and_the_finding_says_so(
        trees: tuple[Path, Path, dict], tmp_path: Path) -> None:
    name = "requests_token_expires_no_token_function"
    before, after, _ = trees
    assert "refresh_auth" not in (after / f"{name}.py").read_text()
    assert _run(before, name)["status"] == 200
    # caught by the caller's except and retry filters, naming the job
    assert _run(after, name) == {"error": "HTTPError", "status": 401, "job": True}
    (tmp_path / f"{name}.py").write_text((before / f"{name}.py").read_text())
    scan = json.loads(_migrator("scan", "--format", "json", str(tmp_path)).stdout)
    (finding,) = [f for f in scan["findings"] if f["rule"] == "VNI020"]
    assert "401" in finding["message"] and "job id" in finding["message"]
    assert "refresh_auth=" in finding["message"]
